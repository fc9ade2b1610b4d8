# A 64 MiB blob streams from one registry to another through the client's
# bounded ring: the copy's peak RSS stays far below the blob's size.
. "$top_srcdir/tests/lib.sh"
RT="$top_builddir/tests/tools/regtool"
[ -x "$RT" ] || bail "build tests/tools/regtool first (make check builds it)"
need /usr/bin/time

registry_start src
registry_start dst
head -c $((64 * 1024 * 1024)) /dev/urandom >"$TMPD/big"
set -- $("$RT" blob-put "$src_addr" lib/big "$TMPD/big") || bail "blob-put failed"
digest="$1" size="$2"
rm -f "$TMPD/big"

/usr/bin/time -v "$RT" blob-copy "$src_addr" lib/big "$dst_addr" lib/big "$digest" "$size" \
	>"$TMPD/out" 2>"$TMPD/time"
is "$?" 0 "64 MiB blob copied"
rss=$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$TMPD/time")
if sanitized; then
	skip "peak RSS is under 40 MiB" "ASan's shadow memory and quarantine"
else
	ok "peak RSS ${rss:-unknown} KiB is under 40 MiB" test "${rss:-999999}" -lt 40960
fi
is "$("$RT" blob-exists "$dst_addr" lib/big "$digest")" present "the destination has it"
got=$(curl -s "http://$dst_addr/v2/lib/big/blobs/$digest" | sha256sum | cut -d' ' -f1)
is "sha256:$got" "$digest" "and its bytes hash to the digest"
done_testing

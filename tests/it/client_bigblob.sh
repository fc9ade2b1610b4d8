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
rss_under "$TMPD/time" 40
is "$("$RT" blob-exists "$dst_addr" lib/big "$digest")" present "the destination has it"
got=$(curl -s "http://$dst_addr/v2/lib/big/blobs/$digest" | sha256sum | cut -d' ' -f1)
is "sha256:$got" "$digest" "and its bytes hash to the digest"

# Six large layers in flight at once (a proxy at 200 Mbit/s keeps them
# there): only KEEP_MAX of the copies keep sent bytes for a resume, so
# memory does not grow with the window (6 x 16 MiB before).
seed "$src_addr" lib/six "$TMPD/six" --tags a,b,c,d,e,f --big-layer $((20 * 1024 * 1024)) \
	>/dev/null || bail "seeding the large layers failed"
proxy_start slow "http://$dst_addr" --rate 200
/usr/bin/time -v "$TAGMIRROR" run "$src_addr/lib/six" "$slow_addr/lib/six" --tags '*' \
	--jobs 6 >"$TMPD/six.out" 2>"$TMPD/six.time"
is "$?" 0 "six 20 MiB layers mirrored at once"
rss_under "$TMPD/six.time" 64
is "$(listing "$dst_addr" lib/six)" "$(awk '{ print $1, $2 }' "$TMPD/six" | LC_ALL=C sort)" \
	"every tag at its source digest"
done_testing

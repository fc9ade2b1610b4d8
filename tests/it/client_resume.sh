# Resumable blob copies through tests/bed/faultproxy.py, one proxy in front
# of each registry: a blob cut at 50% and at 90% of its transfer, on the
# download and on the upload side, arrives with the right digest while the
# bytes moved on each side (the proxies' counts) stay within 1.15x its
# size; a source that ignores Range is downloaded again under the waiting
# upload, a wrong Content-Range is a clean error, a destination that
# cannot say where its upload stands starts over, and memory stays
# bounded.  TM_RESUME_MIB sets the blob's size (default 32; the bench
# uses 256); the ratios go to $TM_RESUME_OUT when set.
. "$top_srcdir/tests/lib.sh"
RT="$top_builddir/tests/tools/regtool"
[ -x "$RT" ] || bail "build tests/tools/regtool first (make check builds it)"
need /usr/bin/time
need jq

mib=${TM_RESUME_MIB:-32}
size=$((mib * 1024 * 1024))
registry_start src
registry_start dst
head -c "$size" /dev/urandom >"$TMPD/big"
set -- $("$RT" blob-put "$src_addr" lib/big "$TMPD/big") || bail "blob-put failed"
digest="$1"
rm -f "$TMPD/big"
proxy_start ps "$src_url"
proxy_start pd "$dst_url"
BLOB="^GET /v2/lib/big/blobs/$digest"

# copy NAME [regtool options]: the blob ps -> pd into repository NAME, with
# fresh proxy counters; output in $TMPD/NAME.out, /usr/bin/time's in .time.
copy() {
	local name="$1"
	shift
	proxy_reset ps
	proxy_reset pd
	/usr/bin/time -v "$RT" --max-attempts 3 --retry-base 0.05 "$@" blob-copy \
		"$ps_addr" lib/big "$pd_addr" "$name" "$digest" "$size" \
		>"$TMPD/$name.out" 2>"$TMPD/$name.time"
}
# ratio PROXY FIELD: that proxy's body bytes (bytes_sent, bytes_received)
# over the blob's size, to 3 places.
ratio() { proxy_stats "$1" | jq -r ".$2" | awk -v s="$size" '{ printf "%.3f\n", $1 / s }'; }
within() { awk -v r="$1" 'BEGIN { exit !(r <= 1.15) }'; }
arrived() {	# NAME: the destination serves the blob's bytes
	[ "sha256:$(curl -s "$dst_url/v2/$1/blobs/$digest" | sha256sum | cut -d' ' -f1)" = "$digest" ]
}
record() {	# CASE SRC-RATIO DST-RATIO
	diag "$mib MiB, $1: source moved $2x, destination $3x"
	[ -z "${TM_RESUME_OUT:-}" ] || echo "$mib $1 $2 $3" >>"$TM_RESUME_OUT"
}

# --- the download is cut ------------------------------------------------------
for pct in 50 90; do
	at=$((size / 100 * pct))
	proxy_rules ps '[{"match": "'"$BLOB"'", "action": "cut", "at": '"$at"', "times": 1}]'
	copy "down$pct"
	is "$?" 0 "download cut at $pct%: copied"
	ok "...the bytes hash to the digest" arrived "down$pct"
	is "$(proxy_count ps "$BLOB") $(proxy_count pd '^POST /v2/down'"$pct"'/blobs/uploads/')" "2 1" \
		"...in two GETs under one upload"
	like "$(proxy_stats ps | jq -c '[.log[] | select(.[0] == "GET" and (.[1] | test("/blobs/sha256:"))) | .[2]]')" \
		'^\[200,206\]$' "...the second one a 206 from the cut on"
	rs=$(ratio ps bytes_sent) rd=$(ratio pd bytes_received)
	ok "...the source sent ${rs}x the blob (<= 1.15x)" within "$rs"
	ok "...the destination received ${rd}x (<= 1.15x)" within "$rd"
	record "download cut at $pct%" "$rs" "$rd"
done
proxy_rules ps '[]'
rss_under "$TMPD/down50.time" 40 "a resumed copy's peak RSS"

# --- the upload is cut (the registry keeps what came: keep) -------------------
for pct in 50 90; do
	at=$((size / 100 * pct))
	proxy_rules pd '[{"match": "^PATCH /v2/up'"$pct"'/blobs/uploads/", "action": "cut", "body": "request",
		"at": '"$at"', "keep": true, "times": 1}]'
	copy "up$pct"
	is "$?" 0 "upload cut at $pct%: copied"
	ok "...the bytes hash to the digest" arrived "up$pct"
	is "$(proxy_count pd '^POST /v2/up'"$pct"'/') $(proxy_count pd '^GET /v2/up'"$pct"'/blobs/uploads/') $(proxy_count pd '^PATCH /v2/up'"$pct"'/') $(proxy_count pd '^PUT /v2/up'"$pct"'/')" \
		"1 1 2 1" "...one session: its status asked once, two PATCHes, one closing PUT"
	rs=$(ratio ps bytes_sent) rd=$(ratio pd bytes_received)
	ok "...the source sent ${rs}x the blob (<= 1.15x: its GET resumed at the registry's offset)" within "$rs"
	ok "...the destination received ${rd}x (<= 1.15x)" within "$rd"
	record "upload cut at $pct%" "$rs" "$rd"
	proxy_rules pd '[]'
done

# --- where resuming cannot help --------------------------------------------------
# docker-registry itself cannot say where a broken upload stands: start over.
proxy_rules pd '[{"match": "^PATCH /v2/lost/blobs/uploads/", "action": "cut", "body": "request",
	"at": '"$((size / 2))"', "times": 1}]'
copy lost
is "$?" 0 "upload cut where the registry cannot say: copied all the same"
ok "...the bytes hash to the digest" arrived lost
is "$(proxy_count pd '^POST /v2/lost/blobs/uploads/') $(proxy_count ps "$BLOB")" "2 2" \
	"...starting over: a new session, the GET from byte 0"
record "upload cut at 50%, registry cannot say" "$(ratio ps bytes_sent)" "$(ratio pd bytes_received)"
proxy_rules pd '[]'

# A source that ignores Range sends it all again; the upload waits meanwhile.
proxy_rules ps '[{"match": "'"$BLOB"'", "action": "cut", "at": '"$((size / 2))"', "times": 1},
	{"match": "'"$BLOB"'", "action": "headers", "headers": {}, "drop_headers": ["Range"]}]'
copy norange
is "$?" 0 "a source ignoring Range after a cut: copied"
ok "...the bytes hash to the digest" arrived norange
like "$(proxy_stats ps | jq -c '[.log[] | select(.[0] == "GET" and (.[1] | test("/blobs/sha256:"))) | .[2]]')" \
	'^\[200,200\]$' "...its second answer a 200 with the whole blob"
rd=$(ratio pd bytes_received)
ok "...skipped up to the cut: the destination received ${rd}x (<= 1.15x)" within "$rd"
record "download cut at 50%, Range ignored" "$(ratio ps bytes_sent)" "$rd"

# A 206 for other bytes than asked is an error, and nothing commits.
proxy_rules ps '[{"match": "'"$BLOB"'", "action": "cut", "at": '"$((size / 2))"', "times": 1},
	{"match": "'"$BLOB"'", "action": "headers", "headers": {"Content-Range": "bytes 0-99/'"$size"'"}}]'
copy badrange
is "$?" 20 "a wrong Content-Range on the resumed GET: protocol error"
like "$(cat "$TMPD/badrange.time")" "^regtool: protocol: source $ps_addr: blob $digest: HTTP 206 source answered Range bytes=[0-9]+- with Content-Range bytes 0-99/$size" \
	"...saying what came back"
is "$(proxy_count ps "$BLOB")" 2 "...not retried"
is "$("$RT" blob-exists "$dst_addr" badrange "$digest")" absent "...nothing committed"
is "$(proxy_count pd '^DELETE /v2/badrange/blobs/uploads/')" 1 "...the upload session cancelled"

is "$(cat "$ps_dir/stderr" "$pd_dir/stderr")" "" "the proxies wrote nothing to stderr"
done_testing

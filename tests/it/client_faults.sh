# Registry client under faults injected by the proxy: corrupt bytes never
# reach the destination, 429 and a mid-blob reset are retried (a fresh
# upload each time), endless failures stop after max-attempts naming the
# side that failed, 404s are final, and cancel is prompt.
. "$top_srcdir/tests/lib.sh"
RT="$top_builddir/tests/tools/regtool"
[ -x "$RT" ] || bail "build tests/tools/regtool first (make check builds it)"
rtf() { "$RT" --max-attempts 3 --retry-base 0.05 --retry-cap 2 "$@"; }

registry_start src
registry_start dst
# A 3 MB layer: larger than the copy's 2 MiB ring, so both sides pause.
seed "$src_addr" lib/app "$TMPD/seed.txt" --tags v1 --multiarch-every 0 --alias-every 0 \
	--big-layer 3000000 >/dev/null 2>&1 || bail "seed failed"
"$RT" --out "$TMPD/m.json" manifest-get "$src_addr" lib/app v1 >/dev/null 2>&1 ||
	bail "manifest-get failed"
big=$(python3 -c 'import json, sys
print(*[l["digest"] for l in json.load(open(sys.argv[1]))["layers"] if l["size"] == 3000000])' \
	"$TMPD/m.json")
[ -n "$big" ] || bail "no 3 MB layer"
proxy_start p "$src_url"
proxy_start q "$dst_url"
blob="^GET /v2/lib/app/blobs/$big"

copy() {	# DSTREPO: copy the big blob p -> q, output in $TMPD/c.out
	rtf --show-retries blob-copy "$p_addr" lib/app "$q_addr" "$1" "$big" 3000000 \
		>"$TMPD/c.out" 2>&1
}
rules() { proxy_reset p; proxy_reset q; proxy_rules p "$1"; proxy_rules q "${2:-[]}"; }

rules '[{"match": "'"$blob"'", "action": "corrupt", "offset": 2500000}]' \
	'[{"match": "^PUT /v2/c1/blobs/uploads/", "action": "delay", "seconds": 0}]'
copy c1
is "$?" 17 "corrupt source bytes: digest_mismatch"
like "$(cat "$TMPD/c.out")" "^regtool: digest_mismatch: source $p_addr: blob $big: source bytes hash to sha256:[0-9a-f]{64}, expected $big" \
	"blamed on the source, with both digests"
is "$(proxy_stats q | python3 -c 'import json, sys; print(json.load(sys.stdin)["seen_by_rule"][0])')" \
	1 "the upload had started"
is "$("$RT" blob-exists "$dst_addr" c1 "$big")" absent "but nothing was committed"
is "$(proxy_count p "$blob")" 1 "corruption is not retried"

rules '[{"match": "'"$blob"'", "action": "retry_after", "seconds": 1, "times": 1}]'
copy c2
is "$?" 0 "429 with Retry-After: copied"
like "$(cat "$TMPD/c.out")" "retry in 1.00s: source $p_addr: blob $big: HTTP 429 TOOMANYREQUESTS" \
	"after waiting what Retry-After said"
is "$(proxy_count p "$blob")" 2 "one retry"
is "$("$RT" blob-exists "$dst_addr" c2 "$big")" present "the blob is at the destination"
# The adaptive window reads pushbacks from registry_stats: the blob stream's
# 429 is one, like any other request's.
rules '[{"match": "'"$blob"'", "action": "retry_after", "seconds": 0, "times": 1}]'
out=$(rtf --count blob-copy "$p_addr" lib/app "$q_addr" c2b "$big" 3000000 2>&1)
like "$out" "^stats $p_addr exchanges [0-9]+ pushbacks 1$" \
	"a 429 on the blob GET counts as the source's pushback"
like "$out" "^stats $q_addr exchanges [1-9][0-9]* pushbacks 0$" \
	"  the destination's upload none"

# Past the 2 MiB ring, so the upload is under way when the GET breaks.
rules '[{"match": "'"$blob"'", "action": "reset", "after_bytes": 2800000, "times": 1}]'
copy c3
is "$?" 0 "connection reset mid-blob: copied"
is "$(proxy_count p "$blob")" 2 "the GET went on"
is "$(proxy_count q '^POST /v2/c3/blobs/uploads/')" 1 "under the same upload, which waited"
is "$("$RT" blob-exists "$dst_addr" c3 "$big")" present "the blob is at the destination"

# Each resumed GET is cut again after as many bytes.
rules '[{"match": "'"$blob"'", "action": "reset", "after_bytes": 100000}]'
copy c4
is "$?" 16 "a source that always resets: network error"
like "$(cat "$TMPD/c.out")" "^regtool: network: source $p_addr: blob $big: .*\(3 attempts\)" \
	"blamed on the source after 3 attempts"
is "$(proxy_count q '^POST /v2/c4/blobs/uploads/') $(proxy_count q '^DELETE /v2/c4/blobs/uploads/')" "1 1" \
	"one upload session throughout, cancelled when abandoned"

rules '[]' '[{"match": "^PUT /v2/c5/blobs/uploads/", "action": "status", "status": 503}]'
copy c5
is "$?" 15 "a destination that refuses uploads: server_error"
like "$(cat "$TMPD/c.out")" "^regtool: server_error: destination $q_addr: blob $big: HTTP 503 UNKNOWN: .*\(3 attempts\)" \
	"blamed on the destination"

rules '[{"match": "^GET /v2/lib/app/manifests/v1", "action": "status", "status": 500}]'
rtf manifest-get "$p_addr" lib/app v1 >"$TMPD/c.out" 2>&1
is "$?" 15 "a 500 that never ends: server_error"
like "$(cat "$TMPD/c.out")" "HTTP 500 UNKNOWN: .*\(3 attempts\)" "after max-attempts"
is "$(proxy_count p '^GET /v2/lib/app/manifests/v1')" 3 "exactly 3 requests"

rules '[{"match": "^GET /v2/lib/app/manifests/v1", "action": "status", "status": 502, "times": 2}]'
rtf --out "$TMPD/m2.json" manifest-get "$p_addr" lib/app v1 >/dev/null 2>&1
is "$?" 0 "two 502s, then the manifest"
ok "same bytes" cmp "$TMPD/m.json" "$TMPD/m2.json"

rules '[{"match": "^GET /v2/lib/app/manifests/v1", "action": "status", "status": 403, "code": "DENIED"}]'
rtf manifest-get "$p_addr" lib/app v1 >"$TMPD/c.out" 2>&1
is "$?" 12 "403: auth error"
is "$(proxy_count p '^GET /v2/lib/app/manifests/v1')" 1 "403 is not retried"

rules '[{"match": "'"$blob"'", "action": "delay", "seconds": 10}]'
start=$(date +%s)
rtf --cancel-after 0.5 blob-copy "$p_addr" lib/app "$q_addr" c6 "$big" 3000000 \
	>"$TMPD/c.out" 2>&1
is "$?" 19 "cancel during a copy: cancelled"
ok "promptly" test $(($(date +%s) - start)) -lt 5
is "$("$RT" blob-exists "$dst_addr" c6 "$big")" absent "nothing committed"
done_testing

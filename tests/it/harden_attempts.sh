# attempts counts every request sent for the failing step: an upload
# session (POST) refused every time reports each try, not 1; a manifest
# whose bytes do not hash to their digest counts the GETs that fetched
# it (a 500 retried, then the corrupt answer), not 0.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/it/engine_lib.sh"

registry_start up
registry_start down
proxy_start dn "$down_url"
proxy_start src "$up_url"
seed "$up_addr" lib/app "$TMPD/up" --tags a >/dev/null || bail "seed up"
proxy_rules dn '[{"match": "^POST /v2/lib/app/blobs/uploads/", "action": "status",
  "status": 500, "code": "UNKNOWN", "message": "boom"}]'

tmrun run "$up_addr/lib/app" "$dn_addr/lib/app" --tags a --retry-times 3 \
	--retry-delay 0.05 --retries 0 -j 1 --report "$TMPD/r.json"
is "$rc" 2 "every upload refused: exit 2"
# The preflight's test upload (two attempts, a 500 does not stop the
# run) comes first; the blob's own are the rest.
posts=$(( $(proxy_count dn '^POST /v2/lib/app/blobs/uploads/') - 2 ))
is "$posts" 4 "--retry-times 3: four POSTs were sent for the blob"
jq_is "$TMPD/r.json" '.tags[0].error | [.category, .http, .attempts] | map(tostring) | join(" ")' \
	"server_error 500 $posts" "the error counts every POST, not 1"
like "$out" "^a +FAILED +destination .*HTTP 500 UNKNOWN: boom \\($posts attempts\\)" \
	"and so does the tag's line"

# The source corrupts the manifest after one 500: two GETs, one failure.
proxy_rules dn '[]'
proxy_rules src '[{"match": "^GET /v2/lib/app/manifests/", "times": 1, "action": "status",
  "status": 500, "code": "UNKNOWN", "message": "boom"},
  {"match": "^GET /v2/lib/app/manifests/", "action": "corrupt"}]'
tmrun run "$src_addr/lib/app" "$dn_addr/lib/app" --tags a --retry-times 3 \
	--retry-delay 0.05 --retries 0 -j 1 --report "$TMPD/m.json"
is "$rc" 2 "a corrupt manifest: exit 2"
gets=$(proxy_count src '^GET /v2/lib/app/manifests/')
is "$gets" 2 "two GETs were sent for the manifest (the 500, the corrupt answer)"
jq_is "$TMPD/m.json" '.tags[0].error | [.category, .side, .attempts] | map(tostring) | join(" ")' \
	"digest_mismatch source $gets" "the digest mismatch counts both GETs, not 0"
like "$out" "^a +FAILED +source .*hash.* \\($gets attempts\\)" "and so does the tag's line"
done_testing

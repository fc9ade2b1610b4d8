# attempts counts every request sent for the failing step: an upload
# session (POST) refused every time reports each try, not 1.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/it/engine_lib.sh"

registry_start up
registry_start down
proxy_start dn "$down_url"
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
done_testing

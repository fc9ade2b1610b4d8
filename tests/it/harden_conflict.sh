# Other writers are not clobbered: a tag someone pushes into the
# destination between the plan's look at it and the run's manifest PUT is
# left alone as a conflict (state CONFLICT, counted, in the report, exit
# 3), and a rollback afterwards does not put the pre-run digest back over
# the outside push.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/it/engine_lib.sh"

registry_start up
registry_start down
proxy_start hub "$up_url"
seed "$up_addr" lib/app "$TMPD/up" --tags latest,a >/dev/null || bail "seed up"
seed "$down_addr" lib/app "$TMPD/down" --tags latest,other --variant old >/dev/null ||
	bail "seed down"
outside=$(awk '$1 == "other" { print $2 }' "$TMPD/down")
before=$(awk '$1 == "latest" { print $2 }' "$TMPD/down")
new=$(awk '$1 == "latest" { print $2 }' "$TMPD/up")
[ -n "$outside" ] && [ "$outside" != "$before" ] || bail "seed digests"

# latest's blobs are slow: the outside push lands while they copy.
proxy_rules hub '[{"match": "^GET /v2/lib/app/blobs/", "action": "delay", "seconds": 2}]'
"$TAGMIRROR" run "$hub_addr/lib/app" "$down_addr/lib/app" --tags latest,a -j 2 \
	--report "$TMPD/r.json" >"$TMPD/run.out" 2>"$TMPD/run.err" &
pid=$!
track_pid $pid
blob_started() { [ "$(proxy_count hub '^GET /v2/lib/app/blobs/')" -ge 1 ]; }
wait_for 30 blob_started || bail "the run fetched no blob: $(cat "$TMPD/run.out" "$TMPD/run.err")"
"$REGTOOL" --no-auth-files --out "$TMPD/other.json" manifest-get "$down_addr" lib/app other ||
	bail "manifest-get"
"$REGTOOL" --no-auth-files manifest-put "$down_addr" lib/app \
	application/vnd.docker.distribution.manifest.v2+json "$TMPD/other.json" latest >/dev/null ||
	bail "the outside push failed"
wait $pid
is "$?" 3 "a tag moved under the run: exit 3 (PARTIAL_MIRROR)"
like "$(cat "$TMPD/run.out")" "^latest +CONFLICT +destination 127\\.0\\.0\\.1:[0-9]+: manifest latest: moved by someone else since the plan \\(from $before to $outside\\): left alone" \
	"the tag's line says CONFLICT, from what to what"
like "$(cat "$TMPD/run.out")" '^PARTIAL_MIRROR: 2 tags: 1 copied, 0 up to date, 1 failed \(1 conflict\)$' \
	"the summary counts it"
is "$(skopeo_digest "$down_addr" lib/app latest)" "$outside" "the outside push is intact"
jq_is "$TMPD/r.json" '.tags[] | select(.tag == "latest") | .result' conflict "report: result conflict"
jq_is "$TMPD/r.json" '.summary.failed_by_category.conflict' 1 "report: counted"

tmrun rollback --last
is "$rc" 0 "rollback --last: a exits 0"
is "$(skopeo_digest "$down_addr" lib/app latest)" "$outside" \
	"the rollback does not put the pre-run digest back over the outside push"
is "$(listing "$down_addr" lib/app | awk '$1 == "a"')" "" "and removes what the run added"

# Unmoved, the same run copies as before.
proxy_rules hub '[]'
tmrun run "$hub_addr/lib/app" "$down_addr/lib/app" --tags latest
is "$rc" 0 "an unmoved tag copies: exit 0"
is "$(skopeo_digest "$down_addr" lib/app latest)" "$new" "at the source digest"
done_testing

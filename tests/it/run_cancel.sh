# Cancelled is its own state: a SIGINT in the middle of a slow run leaves
# the tags it stopped "cancelled" (never "failed"), each tag listed once,
# counted once ("N cancelled", not "N failed (N cancelled)"), and kept in
# the report's unfinished_tags so --only-failed picks them up again.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/it/engine_lib.sh"

registry_start up
registry_start down
tags=$(seq -f 't%g' 1 12 | paste -sd, -)
seed "$up_addr" lib/app "$TMPD/up" --tags "$tags" >/dev/null || bail "seed failed"
proxy_start slow "$up_url"
# Every blob takes a while: the cancel finds most tags unfinished.
proxy_rules slow '[{"match": "^GET /v2/lib/app/blobs/", "action": "delay", "seconds": 1}]'
src="$slow_addr/lib/app"
dst="$down_addr/lib/app"

"$TAGMIRROR" run "$src" "$dst" --tags 't*' -j 1 --report "$TMPD/c.json" \
	>"$TMPD/c.out" 2>"$TMPD/c.err" &
pid=$!
track_pid $pid
wait_for 60 has_tags "$down_addr" lib/app 1 || bail "the run copied nothing: $(cat "$TMPD/c.out" "$TMPD/c.err")"
kill -INT $pid
wait $pid
is "$?" 5 "SIGINT: exit 5 (CANCELLED)"
out=$(cat "$TMPD/c.out")
n=$(jq -r '.summary.cancelled' "$TMPD/c.json")
ok "some tags were cancelled ($n)" test "$n" -gt 0
like "$out" "^CANCELLED: 12 tags: [0-9]+ copied, 0 up to date, 0 failed, $n cancelled\$" \
	"the summary counts them as cancelled, not failed"
unlike "$out" '^failed:' "no list of failed tags"
unlike "$out" 'FAILED' "no tag line says FAILED"
jq_is "$TMPD/c.json" '[.summary.failed, (.failed_tags | length), (.unfinished_tags | length)] | join(" ")' \
	"0 0 $n" "report: none failed, the cancelled ones in unfinished_tags"
jq_is "$TMPD/c.json" '[.tags[].tag] | (length == (unique | length))' true "each tag listed once"
jq_is "$TMPD/c.json" '[.tags[] | select(.result == "cancelled")] | length' "$n" \
	"the tags' result is cancelled"

# --only-failed takes the cancelled tags again.
proxy_rules slow '[]'
tmrun run --only-failed "$TMPD/c.json" --report "$TMPD/again.json"
is "$rc" 0 "--only-failed after a cancel: SUCCESS"
jq_is "$TMPD/again.json" '.summary.tags' "$n" "it took exactly the cancelled tags"
is "$(listing "$down_addr" lib/app)" "$(seeded "$TMPD/up")" "every tag is mirrored now"

# --- elapsed_seconds is the run's own time, not the time at a prompt -------
# The engine driven as the TUI drives it: a run with a failing tag, 8 s
# at the decide prompt, then a retry.  The clock resumes where it stopped.
proxy_rules slow '[{"match": "^(GET|HEAD) /v2/lib/app/manifests/t2$", "action": "status",
	"status": 500, "code": "UNKNOWN", "message": "boom"}]'
{ sleep 8; proxy_rules slow '[]'; echo retry; echo quit; } |
	"$top_builddir/tests/tools/mirror-drive" "$src" "$down_addr/other" 't1,t2' >"$TMPD/drive.out" 2>&1
before=$(sed -n 's/^elapsed //p' "$TMPD/drive.out" | sed -n 1p)
after=$(sed -n 's/^elapsed //p' "$TMPD/drive.out" | sed -n 2p)
like "$(grep '^status' "$TMPD/drive.out" | tail -1)" '^status SUCCESS' "the retry mirrored the failed tag"
ok "the 8 s at the prompt are not counted ($before s, then $after s)" \
	awk -v a="$before" -v b="$after" 'BEGIN { exit !(b != "" && b >= a && b < a + 7) }'
done_testing

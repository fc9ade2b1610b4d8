# kill -9 in the middle of a run, then `tagmirror rollback --last`: the
# destination is exactly as before, from the journal alone.  And a SIGINT
# cancels cleanly: exit 5, CANCELLED, finished tags kept, stale tags kept.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/it/engine_lib.sh"

registry_start up
registry_start down
proxy_start hub "$up_url"
tags=$(seq -f 't%02g' 1 14 | paste -sd,)
seed "$up_addr" lib/app "$TMPD/up" --tags "$tags" >/dev/null || bail "seed up"
seed "$down_addr" lib/app "$TMPD/down" --tags t01,t02,t03,t09,other --variant old \
	>/dev/null || bail "seed down"
before=$(listing "$down_addr" lib/app)
# Slow every blob down so the run is caught in the middle.
proxy_rules hub '[{"match": "^GET /v2/lib/app/blobs/", "action": "delay", "seconds": 0.25}]'
src="$hub_addr/lib/app"

# wait_lines FILE N: FILE has at least N "copied" lines (--json streams a
# line per tag as it finishes; human lines come sorted at the end).
wait_lines() { [ "$(grep -c '"state":"copied"' "$1" 2>/dev/null)" -ge "$2" ]; }

"$TAGMIRROR" run "$src" "$down_addr/lib/app" --tags 't*' -j 2 --json >"$TMPD/run.out" 2>&1 &
pid=$!
track_pid $pid
wait_for 60 wait_lines "$TMPD/run.out" 3 || bail "the run copied nothing: $(cat "$TMPD/run.out")"
kill -9 $pid
wait $pid 2>/dev/null
mid=$(listing "$down_addr" lib/app)
isnt "$mid" "$before" "killed mid-run, the destination has changed"
nok "and not every tag was copied" test "$(grep -c '"state":"copied"' "$TMPD/run.out")" -eq 14
unlike "$(cat "$TMPD/run.out")" '"type":"summary"' "  nor did it end"
journal=$(ls "$XDG_STATE_HOME"/tagmirror/*.journal)
unlike "$(tail -1 "$journal")" '^end ' "the journal has no end record"

tmrun rollback --last
is "$rc" 0 "rollback --last after kill -9 exits 0"
like "$out" '^ROLLED_BACK: ' "and says ROLLED_BACK"
is "$(listing "$down_addr" lib/app)" "$before" "the destination is exactly as before"
like "$(tail -1 "$journal")" '^end ROLLED_BACK$' "the journal is finished now"
tmrun rollback "$journal"
is "$rc" 0 "rolling back again changes nothing and still succeeds"
is "$(listing "$down_addr" lib/app)" "$before" "still as before"

# --- SIGINT: cancel, keep what finished, never delete stale tags -----------
"$TAGMIRROR" run "$src" "$down_addr/lib/app" --tags 't*,other' -j 2 --delete-stale \
	--json --report "$TMPD/cancel.json" >"$TMPD/cancel.out" 2>"$TMPD/cancel.err" &
pid=$!
track_pid $pid
wait_for 60 wait_lines "$TMPD/cancel.out" 2 || bail "the run copied nothing"
kill -INT $pid
wait $pid
is "$?" 5 "SIGINT: exit 5"
is "$(tail -1 "$TMPD/cancel.out" | jq -r '[.type, .status, .tags] | join(" ")')" \
	"summary CANCELLED 15" "the summary says CANCELLED, 15 tags"
like "$(cat "$TMPD/cancel.err")" 'cancelling' "stderr says it is cancelling"
jq_is "$TMPD/cancel.json" .status CANCELLED "report: CANCELLED"
jq_is "$TMPD/cancel.json" '[.tags[] | select(.result == "cancelled") | .error.category] | unique | join(",")' \
	cancelled "the unfinished tags are cancelled, with the cancel as their reason"
jq_is "$TMPD/cancel.json" '.summary.failed' 0 "none of them counts as failed"
copied=$(jq -r '[.tags[] | select(.result == "copied") | .tag] | sort | join(" ")' "$TMPD/cancel.json")
now=$(listing "$down_addr" lib/app)
ok "the tags that finished are kept" test -n "$copied"
for t in $copied; do
	is "$(printf '%s\n' "$now" | awk -v t="$t" '$1 == t { print $2 }')" \
		"$(seeded "$TMPD/up" | awk -v t="$t" '$1 == t { print $2 }')" "$t kept at the source digest"
done
like "$now" '^other ' "no stale tag is deleted after a cancel"
done_testing

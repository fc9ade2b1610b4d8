# The engine API as the TUI uses it: a run, a retry of the failed tags once
# the fault is gone, then a rollback decided afterwards, with the event
# queue reporting each step.  Throughout, the totals the engine keeps as
# tags change equal a recount of the tags (mirror-drive's "totals" line),
# including request retries and end-of-run rounds.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/it/engine_lib.sh"
DRIVE="$top_builddir/tests/tools/mirror-drive"

registry_start up
registry_start down
proxy_start hub "$up_url"
seed "$up_addr" lib/app "$TMPD/up" --tags a,b,c --alias-every 0 --multiarch-every 0 \
	>/dev/null || bail "seed"
seed "$down_addr" lib/app "$TMPD/down" --tags b --variant old >/dev/null || bail "seed down"
before=$(listing "$down_addr" lib/app)
layer=$(layer_of "$up_addr" lib/app c 2>/dev/null)
proxy_rules hub "[{\"match\": \"^GET /v2/lib/app/blobs/$layer\", \"action\": \"status\",
	\"status\": 503, \"code\": \"UNAVAILABLE\", \"message\": \"busy\"}]"

# step: send a command (or nothing for the first), print until "status".
coproc DRIVER { "$DRIVE" "$hub_addr/lib/app" "$down_addr/lib/app" '*' 2>&1; }
track_pid $DRIVER_PID
step() {
	local l
	[ $# -gt 0 ] && echo "$1" >&"${DRIVER[1]}"
	while IFS= read -r -t 60 l <&"${DRIVER[0]}"; do
		printf '%s\n' "$l"
		case "$l" in status*|error*) return ;; esac
	done
}

totals_ok() {
	like "$out" '^totals checks=[1-9][0-9]* mismatches=0$' "  $1: kept totals = recount"
}
step >"$TMPD/o"; out=$(cat "$TMPD/o")
like "$out" '^status PARTIAL_MIRROR PARTIAL_MIRROR$' "run: PARTIAL_MIRROR"
totals_ok "a failed tag"
like "$out" '^tag c failed -$' "c failed on its 503 blob"
like "$out" '^events planned=1 finished=1 rollback_tags=0 rollback_done=0 tag_events=yes$' \
	"events: planned, tag states, finished"
proxy_rules hub '[]'
step retry >"$TMPD/o"; out=$(cat "$TMPD/o")
like "$out" '^status SUCCESS SUCCESS$' "retry of the failed tag: SUCCESS"
totals_ok "a retry"
like "$out" "^tag c done $(seeded "$TMPD/up" | awk '$1 == "c" { print $2 }')\$" "c copied now"
like "$out" 'finished=2 ' "a second finished event"
is "$(listing "$down_addr" lib/app)" "$(seeded "$TMPD/up")" "all three mirrored"
step retry >"$TMPD/o"; out=$(cat "$TMPD/o")
like "$out" '^error no failed tag to retry' "nothing left to retry"
step rollback >"$TMPD/o"; out=$(cat "$TMPD/o")
like "$out" '^status SUCCESS ROLLED_BACK$' "rollback decided afterwards: ROLLED_BACK"
totals_ok "a rollback"
like "$out" '^events .* rollback_tags=3 rollback_done=1 ' "one event per tag and a done event"
like "$out" '^tag b rolled back -$' "tags show as rolled back"
is "$(listing "$down_addr" lib/app)" "$before" \
	"the destination is as before: b at its old digest, a and c gone"
step rollback >"$TMPD/o"; out=$(cat "$TMPD/o")
like "$out" '^error the run was rolled back already' "a second rollback is refused"
echo quit >&"${DRIVER[1]}"
wait "$DRIVER_PID"

# --- request retries and an end-of-run round: counted as they change -----
proxy_rules hub "[{\"match\": \"^GET /v2/lib/app/blobs/$layer\", \"action\": \"status\",
	\"status\": 503, \"code\": \"UNAVAILABLE\", \"message\": \"busy\", \"times\": 3}]"
out=$(echo quit | "$DRIVE" "$hub_addr/lib/app" "$down_addr/again/app" '*' 1 2 2>&1)
like "$out" '^status SUCCESS SUCCESS$' "c made it in the second round"
like "$out" '^tag c done ' "  c copied"
totals_ok "request retries and a retry round"
done_testing

# Rolling back from the TUI leaves the destination exactly as before the
# run: after a run killed with -9 (found in the journal at the next start),
# after cancelling a run half-way (cancel asks first; so does q while a run
# is active), and from the prompt after a partial run, where --rollback
# makes "roll back" the highlighted answer.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/it/tui.lib"

registry_start up
registry_start dst
seed "$up_addr" app/x "$TMPD/up" --tags 1.0,1.1,2.0,2.1,2.2,3.0 \
	--alias-every 0 --multiarch-every 0 --big-layer 200000 >/dev/null ||
	bail "seed up"
# The destination already has older builds of some tags, and one of its own.
seed "$dst_addr" app/x "$TMPD/dst" --tags 1.0,1.1,2.0,old-1 --variant old \
	--alias-every 0 --multiarch-every 0 >/dev/null || bail "seed dst"
before=$(listing "$dst_addr" app/x)
[ "$(echo "$before" | wc -l)" = 4 ] || bail "destination not seeded: $before"
# The tag that fails in the last run: its manifest, by tag or by digest
# (a failing blob could already be in the destination from the runs
# before, and then nothing would ask for it).
bad="3[.]0|$(sed -n 's/^3\.0 \([^ ]*\) .*/\1/p' "$TMPD/up")"
proxy_start src "$up_url"
proxy_rules src '[{"match": "^GET /v2/app/x/blobs/", "action": "delay", "seconds": 0, "rate": 60000}]'

args=("$src_addr/app/x" "$dst_addr/app/x" --tags "*" --rollback --jobs 2)
tui_start 80 24 "${args[@]}"
wait_screen 30 "Matched 6 of 6" || bail "no preview"
keys C-r
wait_screen 40 "copying [0-9]+/[0-9]+ blobs" || bail "no copying seen"
wait_for 10 sh -c "grep -q '^done ' '$XDG_STATE_HOME'/tagmirror/*.journal" ||
	bail "nothing journaled"
kill -9 "$(tui_pid)"
tui_start 80 24 "${args[@]}" --report "$TMPD/report.json"
ok "the next start offers the interrupted run" \
	wait_screen 30 "An earlier run was interrupted"
like "$(screen)" "It changed [1-9][0-9]* tags? there" "saying what it changed"
keys r
ok "rolled back from the journal" wait_screen 60 "interrupted run is rolled back"
is "$(listing "$dst_addr" app/x)" "$before" \
	"after kill -9 and roll back the destination is exactly as before"

keys C-r
wait_screen 40 "copying [0-9]+/[0-9]+ blobs" || bail "no copying seen"

keys q
ok "q during a run asks first" wait_screen 20 "Quit while a run is active\?"
keys n
ok "no: the run goes on" wait_screen 20 "c cancel"
keys c
ok "c asks before cancelling" wait_screen 20 "Cancel the run\?"
keys y
ok "a cancelled run offers keep or roll back" wait_screen 60 "the run was cancelled"
like "$(screen)" "Highlighted: roll back" "--rollback highlights roll back"
keys r
ok "r asks first" wait_screen 20 "Roll back the run\?"
keys y
ok "y rolls back" wait_screen 60 "Rolled back: the destination is as it was"
is "$(listing "$dst_addr" app/x)" "$before" \
	"after cancel and roll back the destination is exactly as before"

# A partial run, rolled back from the prompt.
proxy_rules src "[{\"match\": \"^GET /v2/app/x/manifests/($bad)\$\", \"action\": \"status\",
	\"status\": 404, \"code\": \"MANIFEST_UNKNOWN\", \"message\": \"manifest unknown\"}]"
keys e
ok "e goes back to the form" wait_screen 20 "set up a mirror"
keys C-r
ok "partial failure: the prompt" wait_screen 90 "some tags failed"
prompt=$(listing "$dst_addr" app/x)
keys r
ok "r asks first" wait_screen 20 "Roll back the run\?"
is "$(listing "$dst_addr" app/x)" "$prompt" "r alone changes nothing"
keys y
ok "y rolls back" wait_screen 60 "Rolled back: the destination is as it was"
is "$(listing "$dst_addr" app/x)" "$before" \
	"after a partial run and roll back the destination is exactly as before"
like "$(cat "$TMPD/report.json" 2>/dev/null)" '"final_status":[[:space:]]*"ROLLED_BACK"' \
	"the report says ROLLED_BACK"
like "$(screen)" "Report: $TMPD/report.json" "the outcome names the report"
keys q
is "$(tui_exit 10)" 0 "quit"

# Killed again; this time the next start keeps what it did, and the journal
# is closed so it is not offered a third time.
proxy_rules src '[{"match": "^GET /v2/app/x/blobs/", "action": "delay", "seconds": 0, "rate": 60000}]'
journals=$(ls "$XDG_STATE_HOME"/tagmirror/*.journal | wc -l)
tui_start 80 24 "${args[@]}"
wait_screen 30 "Matched 6 of 6" || bail "no preview"
keys C-r
wait_for 20 sh -c "[ \$(ls '$XDG_STATE_HOME'/tagmirror/*.journal | wc -l) -gt $journals ] &&
	grep -q '^done ' \$(ls -t '$XDG_STATE_HOME'/tagmirror/*.journal | head -1)" ||
	bail "nothing journaled"
kill -9 "$(tui_pid)"
tui_start 80 24 "${args[@]}"
ok "offered again after another kill -9" wait_screen 30 "An earlier run was interrupted"
keys k
ok "k keeps it" wait_screen 30 "Kept what the interrupted run copied"
like "$(tail -1 "$(ls -t "$XDG_STATE_HOME"/tagmirror/*.journal | head -1)")" \
	"^end PARTIAL_MIRROR" "the journal is closed as PARTIAL_MIRROR"
tui_start 80 24 "${args[@]}"
wait_screen 30 "Matched 6 of 6" || bail "no preview"
nok "and not offered a third time" _screen_has "interrupted"
done_testing

# One writer per destination repository: while a run holds the lock of
# host/repo, a second run, a `rollback FILE` and a `rollback --last` into
# it are refused at once (exit 1, before any request to the registry),
# naming the holder; a run into another repository is not; a lock left by
# a process killed with -9 is taken over with a note.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/it/engine_lib.sh"

registry_start up
registry_start reg
proxy_start hub "$up_url"
proxy_start down "$reg_url"
seed "$up_addr" lib/app "$TMPD/up" --tags a,b,c,d >/dev/null || bail "seed up"
src="$hub_addr/lib/app"
dst="$down_addr/lib/app"
locks="$XDG_STATE_HOME/tagmirror/locks"
# held: a lock file names its journal (the glob read at each call).
held() { cat "$locks"/*.lock 2>/dev/null | grep -q "^journal /"; }
# copied REPO: the run into REPO has copied a tag (its journal has a
# change, so rollback --last picks it); asked of the registry itself, not
# through the proxy whose requests the test counts.
copied() { has_tags "$reg_addr" "$1" 1; }

# Every source blob slow: the first run holds the lock for a while.
proxy_rules hub '[{"match": "^GET /v2/lib/app/blobs/", "action": "delay", "seconds": 2}]'
"$TAGMIRROR" run "$src" "$dst" --tags '*' -j 1 >"$TMPD/one.out" 2>&1 &
pid=$!
track_pid $pid
wait_for 30 held || bail "no lock file with a journal: $(ls -la "$locks" 2>&1) $(cat "$TMPD/one.out")"
wait_for 30 copied lib/app || bail "the first run copied nothing"
lockfile=$(ls "$locks"/*.lock)
like "$(cat "$lockfile")" "^pid $pid\$" "the lock file names the running pid"
like "$(cat "$lockfile")" '^repo 127\.0\.0\.1:[0-9]+/lib/app$' "... and host/repo"
like "$(cat "$lockfile")" '^command run$' "... and the command"
like "$(cat "$lockfile")" '^started [0-9-]+T[0-9:]+Z$' "... and the start time"
journal=$(ls "$XDG_STATE_HOME"/tagmirror/*.journal)

proxy_reset down
t0=$(date +%s)
tmrun run "$src" "$dst" --tags '*'
is "$rc" 1 "a second run into the locked repository exits 1"
like "$err" "lib/app is locked by another tagmirror run \\(pid $pid, started [0-9T:Z-]+, journal $journal\\)" \
	"and names the other run: pid, start time, journal"
ok "refused at once" test $(( $(date +%s) - t0 )) -le 3
unlike "$out" '^(SUCCESS|PARTIAL_MIRROR)' "no run summary"

tmrun rollback --last
is "$rc" 1 "rollback --last into the locked repository exits 1"
like "$err" "is locked by another tagmirror run \\(pid $pid" "and names the run"
tmrun rollback "$journal"
is "$rc" 1 "rollback JOURNAL exits 1 too"
like "$err" "is locked by another tagmirror run \\(pid $pid" "and names the run"
is "$(proxy_count down '.')" 0 "the refused commands sent no request to the destination"

registry_start other
tmrun run "$hub_addr/lib/app" "$other_addr/lib/app" --tags a
is "$rc" 0 "a run into another registry is not held up"

wait $pid
is "$?" 0 "the first run finishes"
like "$(cat "$TMPD/one.out")" '^SUCCESS: 4 tags' "and copied everything"
is "$(ls "$locks")" "" "its lock file is gone"

# --- a lock left by kill -9 --------------------------------------------------
proxy_rules hub '[{"match": "^GET /v2/lib/app/blobs/", "action": "delay", "seconds": 1}]'
"$TAGMIRROR" run "$src" "$down_addr/lib/new" --tags '*' -j 1 >"$TMPD/two.out" 2>&1 &
pid=$!
track_pid $pid
wait_for 30 held || bail "no lock for the second run"
kill -9 $pid
wait $pid 2>/dev/null
ok "the killed run left its lock file" test -s "$(ls "$locks"/*.lock)"
proxy_rules hub '[]'
tmrun run "$src" "$down_addr/lib/new" --tags '*'
is "$rc" 0 "a run after kill -9 takes the repository over"
like "$err" "took over the lock of 127\\.0\\.0\\.1:[0-9]+/lib/new left by tagmirror run \\(pid $pid, started [0-9T:Z-]+, journal /[^ ]+\\.journal\\), which is gone" \
	"with a note naming the dead run"
is "$(ls "$locks")" "" "and lets go of it when done"

# A stale lock that a rollback takes over.
proxy_rules hub '[{"match": "^GET /v2/lib/app/blobs/", "action": "delay", "seconds": 1}]'
"$TAGMIRROR" run "$src" "$down_addr/lib/new2" --tags '*' -j 1 >"$TMPD/three.out" 2>&1 &
pid=$!
track_pid $pid
wait_for 30 held || bail "no lock for the third run"
wait_for 30 copied lib/new2 || bail "the third run copied nothing"
kill -9 $pid
wait $pid 2>/dev/null
proxy_rules hub '[]'
tmrun rollback --last
is "$rc" 0 "rollback --last after kill -9 exits 0"
like "$err" "took over the lock of .*/lib/new2 left by tagmirror run \\(pid $pid" \
	"the rollback notes the stale lock too"
is "$(ls "$locks")" "" "no lock left behind"
done_testing

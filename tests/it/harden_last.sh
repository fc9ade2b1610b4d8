# `rollback --last` is the last run that changed something: a later run
# whose every tag failed (a journal, no change recorded) is passed over, and the command says
# which journal it picked (path, start time, source -> destination).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/it/engine_lib.sh"

registry_start up
registry_start down
proxy_start hub "$up_url"
seed "$up_addr" lib/app "$TMPD/up" --tags a,b >/dev/null || bail "seed up"
seed "$up_addr" lib/bad "$TMPD/bad" --tags c --seed 7 >/dev/null || bail "seed bad"
seed "$down_addr" lib/app "$TMPD/down" --tags a --variant old >/dev/null || bail "seed down"
before=$(listing "$down_addr" lib/app)
jdir="$XDG_STATE_HOME/tagmirror"

tmrun run "$up_addr/lib/app" "$down_addr/lib/app" --tags '*'
is "$rc" 0 "the first run copies"
first=$(ls "$jdir"/*.journal)
sleep 1
proxy_rules hub '[{"match": "^GET /v2/lib/bad/blobs/", "action": "status", "status": 500}]'
tmrun run "$hub_addr/lib/bad" "$down_addr/lib/app" --tags c --retry-times 1 --retries 0
like "$out" '^FAIL: 1 tag: 0 copied, 0 up to date, 1 failed' "the second run changes nothing"
is "$(ls "$jdir"/*.journal | wc -l)" 2 "and has a journal of its own"

tmrun rollback --last
is "$rc" 0 "rollback --last exits 0"
like "$err" "^tagmirror: --last: the run of [0-9T:Z-]+, 127\\.0\\.0\\.1:[0-9]+/lib/app -> 127\\.0\\.0\\.1:[0-9]+/lib/app, 2 tags changed\$" \
	"it says which run it picked"
like "$err" "rolling back $first\$" "the first run's journal, not the newest"
like "$out" '^ROLLED_BACK: 2 tags as before the run$' "two tags put back"
is "$(listing "$down_addr" lib/app)" "$before" "the destination is as before the first run"

rm -f "$first"
tmrun rollback --last
is "$rc" 1 "with only runs that changed nothing: exit 1"
like "$err" 'no journal of a run that changed something' "and says why"
done_testing

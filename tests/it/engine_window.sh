# The adaptive window (core/engine/window.c) through real registries: across
# a 50 ms link it grows past its start of 8 without --jobs, --jobs bounds
# it, a burst of 429s halves it and it grows back; the copies are exact
# either way (digests read back with skopeo).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/it/engine_lib.sh"

registry_start up
registry_start down
grep '^3\.1[12]' "$top_srcdir/tests/data/python-tags.txt" | head -40 >"$TMPD/tags"
seed "$up_addr" lib/app "$TMPD/up" --tags-file "$TMPD/tags" >/dev/null || bail "seed"
proxy_start wan "$up_url" --rtt 50
src="$wan_addr/lib/app"

# window FILE FIELD: the --json summary's window.FIELD.
window() { tail -1 "$1" | jq -r ".window.$2"; }

# copied_right REPO: every seeded tag at the destination with its digest.
copied_right() {
	local t d bad=0
	while read -r t d _; do
		[ "$(skopeo_digest "$down_addr" "$1" "$t")" = "$d" ] || bad=$((bad + 1))
	done <"$TMPD/up"
	echo "$bad"
}

tmrun run "$src" "$down_addr/lib/free" --tags '*' --json
echo "$out" >"$TMPD/free.json"
is "$rc" 0 "50 ms away, no --jobs: the run succeeds"
ok "...the window grew past its start of 8 ($(window "$TMPD/free.json" high))" \
	test "$(window "$TMPD/free.json" high)" -gt 8
is "$(window "$TMPD/free.json" low)" 8 "...nothing pushed back: no cut went below the start"
is "$(copied_right lib/free)" 0 "...every tag reads back with the seeded digest (skopeo)"

tmrun run "$src" "$down_addr/lib/four" --tags '*' --json -j 4
echo "$out" >"$TMPD/four.json"
is "$rc" 0 "--jobs 4: the run succeeds"
is "$(window "$TMPD/four.json" high)" 4 "...and the window never passed 4"

# A pull budget of 30: the run keeps one pull in hand per tag in flight,
# at most 8 (a GET past them that meets a spent budget waits out its 429),
# not one per idle worker (64 without --jobs), so it does not pause.
proxy_start hub "$up_url"
proxy_rules hub '[{"match": "^(HEAD|GET) /v2/lib/app/manifests/", "action": "headers",
	"headers": {"ratelimit-limit": "100;w=21600", "ratelimit-remaining": "30;w=21600"}}]'
tmrun run "$hub_addr/lib/app" "$down_addr/lib/budget" --tags '*' --json
is "$rc" 0 "a budget of 30 pulls left, no --jobs: the run succeeds"
unlike "$(cat "$TMPD/stderr")" 'rate limit nearly spent' \
	"...without pausing for the budget (window at most $(echo "$out" | tail -1 | jq .window.high))"

# The first requests answer 429 (Retry-After: 0): the first epoch sees the
# pushback and halves the window below its start; the rest of the run,
# unhindered, grows it back.
proxy_rules wan '[{"match": "^(GET|HEAD) /v2/lib/app/manifests/", "times": 6,
	"action": "retry_after", "seconds": 0}]'
tmrun run "$src" "$down_addr/lib/burst" --tags '*' --json
echo "$out" >"$TMPD/burst.json"
is "$rc" 0 "a 429 burst: the run still succeeds (the requests were retried)" || diag "$err"
ok "...the burst cut the window ($(window "$TMPD/burst.json" cuts) cuts)" \
	test "$(window "$TMPD/burst.json" cuts)" -ge 1
low=$(window "$TMPD/burst.json" low)
ok "...below its start of 8 (down to $low)" test "$low" -lt 8
ok "...and it grew back ($(window "$TMPD/burst.json" size) at the end)" \
	test "$(window "$TMPD/burst.json" size)" -gt "$low"
is "$(copied_right lib/burst)" 0 "...every tag reads back with the seeded digest (skopeo)"
is "$(listing "$down_addr" lib/burst)" "$(seeded "$TMPD/up")" \
	"...and the destination lists exactly the seeded tags"

done_testing

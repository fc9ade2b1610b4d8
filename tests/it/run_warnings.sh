# Warnings are part of the result: every item of a run's expression that
# matches (or excludes) nothing, and every listed name that is not a
# valid tag, is a warning on stderr and in the report's "warnings", worded
# as tagmirror preview words it.  A selection of no tag is its own
# outcome, NOTHING_SELECTED, exit 6: '"latest"', ',' and '!*'.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/it/engine_lib.sh"

registry_start up
registry_start down
seed "$up_addr" lib/app "$TMPD/v1" --tags latest,1.0,1.1 >/dev/null || bail "seed failed"
src="$up_addr/lib/app"
dst="$down_addr/lib/app"

# --- 1: the stray-quote expression from the Quay report -------------------
tmrun run "$src" "$dst" --tags '"latest"' --report "$TMPD/q.json"
is "$rc" 6 "'\"latest\"' selects nothing: exit 6"
like "$out" '^NOTHING_SELECTED: 0 tags' "the summary names the outcome"
like "$err" "tagmirror: warning: item 1 '\"latest\"' matches no tag" "the item's warning on stderr"
like "$err" 'tagmirror: warning: nothing matched: no tag of 3 would be mirrored' \
	"and the selection's"
jq_is "$TMPD/q.json" '[.status, (.warnings | length)] | join(" ")' "NOTHING_SELECTED 2" \
	"report: the status and both warnings"
tmrun preview "$src" --tags '"latest"' --json
is "$(printf '%s\n' "$out" | tail -1 | jq -c .warnings)" "$(jq -c .warnings "$TMPD/q.json")" \
	"the run's warnings are exactly preview's"

# --- 2: no items, and everything excluded ---------------------------------
tmrun run "$src" "$dst" --tags ','
is "$rc" 6 "',' selects nothing: exit 6"
like "$err" 'warning: nothing matched' "and says so"
tmrun run "$src" "$dst" --tags '!*' --report "$TMPD/x.json"
is "$rc" 6 "'!*' selects nothing: exit 6"
jq_is "$TMPD/x.json" '.warnings | join("|")' "nothing matched: no tag of 3 would be mirrored" \
	"report: '!*' excludes every tag, so only the selection warns"
is "$(listing "$down_addr" lib/app)" "" "nothing was copied"

# --- 3: a run that copies, with an item that matches nothing --------------
tmrun run "$src" "$dst" --tags '1.*,nope,!9.*' --report "$TMPD/w.json"
is "$rc" 0 "a run with unmatched items still succeeds"
like "$err" "warning: item 2 'nope' matches no tag" "the unmatched item warns"
like "$err" "warning: item 3 '!9\\.\\*' excludes no tag" "so does an exclusion of nothing"
jq_is "$TMPD/w.json" '.warnings | length' 2 "report: both warnings, counted"
tmrun preview "$src" --tags '1.*,nope,!9.*' --json
is "$(printf '%s\n' "$out" | tail -1 | jq -c .warnings)" "$(jq -c .warnings "$TMPD/w.json")" \
	"the same as preview's here too"
is "$(listing "$down_addr" lib/app | wc -l)" 2 "the matched tags were copied"

# --- 4: warnings are documented ---------------------------------------------
ok "docs/report.md documents warnings" grep -q '"warnings"' "$top_srcdir/docs/report.md"
ok "the man page documents exit status 6" grep -q 'NOTHING_SELECTED' "$top_srcdir/man/tagmirror.1"
done_testing

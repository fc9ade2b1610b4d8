# The decision after a partial run is safe and explicit, at 80x24 and
# 60x20 (the demo's 3 broken tags make one): a lone r only asks, naming
# how many tags are put back and deleted; q and Ctrl-C at the prompt ask,
# then keep (the default) and print the journal and report paths; Esc goes
# to the run's tag list and o comes back; ? opens at this screen's keys; a
# run that copied nothing is not asked about at all.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/it/tui.lib"
need docker-registry

# demo_run W H [ARGS]: the demo in a W x H pane, started; $dst is its
# destination registry, $pre its state before the run.
demo_run() {
	local w="$1" h="$2"
	shift 2
	tui_start "$w" "$h" --demo --state-dir "$TMPD/state" "$@"
	wait_screen 60 "Matched [0-9]+ of 40" || bail "no demo form at ${w}x$h"
	dst=$(screen | sed -n 's|^ Destination  *\(127\.0\.0\.1:[0-9]*\)/demo/app.*|\1|p')
	[ -n "$dst" ] || bail "no destination on the form"
	pre=$(listing "$dst" demo/app)
	keys C-r
}

for size in "80 24" "60 20"; do
	set -- $size
	demo_run "$1" "$2"
	ok "${1}x$2: the prompt" wait_screen 90 "What now\?"
	before=$(listing "$dst" demo/app)
	# What a rollback would do: tags there before and changed, tags new.
	restore=$(printf '%s\n' "$pre" | while read -r t d; do
		[ -n "$t" ] && ! printf '%s\n' "$before" | grep -qx "$t $d" && echo "$t"
	done | wc -l)
	remove=$(printf '%s\n' "$before" | while read -r t d; do
		printf '%s\n' "$pre" | grep -q "^$t " || echo "$t"
	done | wc -l)
	[ "$remove" -gt 0 ] || bail "the demo run created no tag"

	keys '?'
	ok "${1}x$2: ? opens at this screen's keys" \
		wait_screen 10 "Keep or roll back \(this screen\)"
	like "$(screen)" "roll the destination back" "with roll back on the first page"
	keys Escape
	ok "${1}x$2: Esc closes the help" wait_screen 10 "What now\?"

	keys r
	ok "${1}x$2: a lone r asks first" wait_screen 10 "Roll back the run\?"
	like "$(screen)" " $restore tags? put back as before" "naming the tags restored ($restore)"
	like "$(screen)" " $remove tags? the run created deleted" "and the tags deleted ($remove)"
	like "$(screen)" "\[ Yes, roll back \].*\[ No, go back \]" \
		"both buttons readable"
	is "$(listing "$dst" demo/app)" "$before" \
		"${1}x$2: r alone changed nothing"
	keys n
	ok "${1}x$2: no: still undecided" wait_screen 10 "What now\?"
	nok "nothing rolled back" _screen_has "Rolled back|Rolling back"

	keys Escape
	ok "${1}x$2: Esc goes to the run's tag list" \
		wait_screen 10 "not decided yet \(o\)"
	keys o
	ok "${1}x$2: o comes back to the prompt" wait_screen 10 "What now\?"
done

# 60x20 still open: roll back for real through the confirmation.
keys r
wait_screen 10 "Roll back the run\?" || bail "no confirmation"
keys y
ok "60x20: y rolls back" wait_screen 60 "Rolled back: the destination"
like "$(screen | sed -n 1p)" "rolled back" "the title says rolled back"
like "$(screen | tr -s ' \n' ' ')" "Rolled back $((restore + remove)) of $((restore + remove)) changed tags in [^ ]*: $restore to put back, $remove to delete; 0 conflicts, 0 failed\." \
	"the counts after the rollback, wrapped whole"
is "$(listing "$dst" demo/app)" "$pre" "the destination is as before the run"
keys q
is "$(tui_exit 20)" 0 "quit after the rollback"
like "$(cat "$TMPD/tui.err")" "ended as ROLLED_BACK" "the outcome printed on exit"

# q and Ctrl-C at the undecided prompt ask, then keep and say where.
demo_run 80 24 --report "$TMPD/kept.json"
wait_screen 90 "What now\?" || bail "no prompt"
keys q
ok "q at the prompt asks" wait_screen 10 "Quit without deciding\?"
keys n
ok "n stays" wait_screen 10 "What now\?"
keys C-c
ok "Ctrl-C at the prompt asks too" wait_screen 10 "Quit without deciding\?"
keys Enter
is "$(tui_exit 20)" 0 "keep and quit is the default button"
err=$(cat "$TMPD/tui.err")
like "$err" "the run ended as PARTIAL_MIRROR \(kept\): 23 tags" "the outcome on exit"
like "$err" "journal: $TMPD/state/[^ ]*\.journal" "the journal path"
like "$err" "report: $TMPD/kept\.json" "the report path"
like "$(cat "$TMPD/kept.json" 2>/dev/null)" '"final_status":[[:space:]]*"PARTIAL_MIRROR"' \
	"the report records the keep"
jr=$(echo "$err" | sed -n 's/.*journal: //p')
like "$(tail -1 "$jr")" "^end PARTIAL_MIRROR" "the journal is closed as kept"

# Only broken tags: nothing copied, nothing to roll back, nothing asked.
demo_run 60 20 --tags '1.1.0, 2.1.0'
ok "a run that copied nothing is not asked about" wait_screen 90 "Finished: FAIL"
nok "no keep-or-roll-back prompt" _screen_has "What now"
keys q
is "$(tui_exit 20)" 0 "quit"
done_testing

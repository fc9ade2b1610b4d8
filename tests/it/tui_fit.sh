# The fit-or-wrap rule at 80x24 and 60x20: status lines wrap whole, cells
# that do not fit end in an ellipsis, help text wraps; checked from tmux
# captures with shown_whole.  Messages clear when their cause does.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/it/tui.lib"
need docker-registry

for size in "80 24" "60 20"; do
	set -- $size
	# Nothing listens there: the run cannot start for its expression first.
	tui_start "$1" "$2" 127.0.0.1:9/a/b 127.0.0.1:9/c/d --tags 're:('
	wait_screen 30 "set up a mirror" || bail "no form at ${1}x$2"
	keys C-r
	ok "${1}x$2: a bad expression stops the start" wait_screen 10 "Cannot start"
	ok "${1}x$2: the status line is whole, wrapped" \
		shown_whole "Cannot start: Item 1 're:(' at column 1: bad regex: Unmatched ( or \\(."
	# Fix the expression (the form opens in Tags when both ends are given).
	keys End BSpace BSpace BSpace BSpace
	type_text '*'
	ok "${1}x$2: the form's cursor reached Tags" wait_screen 10 "Tags +\*"
	ok "${1}x$2: the message goes once the form is edited" \
		wait_for 5 sh -c "! tmux -L '$TUI_SOCK' capture-pane -p -t 0 | grep -q 'Cannot start'"
	keys F1
	ok "${1}x$2: help" wait_screen 10 "Keys"
	keys G
	ok "${1}x$2: help text wraps, whole" wait_screen 10 "button's first letter"
	ok "${1}x$2: a dialog key's help" \
		shown_whole "move between buttons; a button's first letter picks it"
	keys Escape
done

for size in "80 24" "60 20"; do
	set -- $size
	tui_start "$1" "$2" --demo --state-dir "$TMPD/state"
	wait_screen 60 "Matched [0-9]+ of 40" || bail "no demo form at ${1}x$2"
	keys C-r
	wait_screen 90 "What now\?" || bail "no prompt at ${1}x$2"
	ok "${1}x$2: a failure reason is whole or cut with an ellipsis" \
		shown_whole "HTTP 404 BLOB_UNKNOWN: blob unknown to registry"
	ok "${1}x$2: the buttons are whole" \
		shown_whole "[ Roll back to before the run (r) ]"
	ok "${1}x$2: the highlight's reason" \
		shown_whole "Highlighted: keep, as 'Roll back on failure' (REPO_MIRROR_ROLLBACK) is off."
	keys Escape
	wait_screen 10 "not decided yet" || bail "no tag list"
	ok "${1}x$2: the run's title keeps its status" \
		shown_whole "$(screen | sed -n 1p | grep -o 'tagmirror · 127[^ ]*')"
	like "$(screen | sed -n 1p)" "PARTIAL_MIRROR *$" "the status on the right"
	keys o
	wait_screen 10 "What now\?" || bail "no prompt again"
	keys q
	wait_screen 10 "Quit without deciding" || bail "no quit dialog"
	ok "${1}x$2: the quit dialog's text is whole" \
		shown_whole "rolled back later (tagmirror rollback --last)."
	keys k
	is "$(tui_exit 20)" 0 "${1}x$2: kept and quit"
done
done_testing

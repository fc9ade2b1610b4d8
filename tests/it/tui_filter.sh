# The incremental "/" filter, the same in every list (the preview's
# matched tags, the run's tags, the troubleshoot list, the pickers), and
# the troubleshoot story that scrolls, at 80x24 and 60x20 in the demo:
# each key typed narrows the list, the matches are highlighted (the
# theme's "search" colours), n / N step, Enter keeps, Esc clears.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/it/tui.lib"
need docker-registry
# The picker lists the theme files: give them from the sources, where a
# build in another directory (make distcheck) has none beside the binary.
mkdir -p "$XDG_CONFIG_HOME/tagmirror/themes"
cp "$top_srcdir"/themes/*.theme "$XDG_CONFIG_HOME/tagmirror/themes/" || bail "no theme files"

# highlighted: the runs of text drawn in the default theme's "search"
# colours (black on yellow), one a line.
highlighted() {
	screen -e | python3 -c '
import re, sys
for line in sys.stdin.read().split("\n"):
    bg, run = None, ""
    for m in re.finditer(r"\x1b\[([0-9;]*)m|([^\x1b]+)", line):
        if m.group(1) is not None:
            for c in (m.group(1) or "0").split(";"):
                if c in ("0", "49") or (c.startswith("4") and len(c) == 2):
                    if bg == "43" and run:
                        print(run)
                    run = ""
                    bg = None if c in ("0", "49") else c
        elif bg == "43":
            run += m.group(2)
    if bg == "43" and run:
        print(run)'
}
# row_of TEXT: the screen line that has TEXT as a whole word.
row_of() { screen | grep -E -- "(^| )$1( |$)"; }
# selected: the text of the row drawn in the "selected" colours (on cyan).
selected() { screen -e | grep -a $'\e\\[46m' | sed 's/\x1b\[[0-9;]*m//g'; }
sel_has() { selected | grep -q -- "$1"; }

for size in "80 24" "60 20"; do
	set -- $size
	tui_start "$1" "$2" --demo --state-dir "$TMPD/state"
	wait_screen 60 "Matched [0-9]+ of 40" || bail "no demo form at ${1}x$2"

	# The preview's grid of matched tags.
	keys Escape /
	ok "${1}x$2 preview: / opens the filter's prompt" wait_screen 10 "^ / +0?.*Enter keeps"
	type_text "s"
	ok "${1}x$2 preview: the first key filters already" wait_screen 10 "^ /s  "
	type_text "li"
	ok "${1}x$2 preview: each key narrows it" wait_screen 10 "4 of 26 +Enter keeps"
	like "$(screen)" "1\.2-slim +1\.2\.1-slim +2\.2-slim +2\.2\.1-slim" "the 4 slim tags left"
	unlike "$(screen | sed -n '/Preview/,$p')" "(^| )1\.0\.0( |$)" "the others gone"
	is "$(highlighted | sort | uniq -c | sed 's/^ *//')" "4 sli" "the match highlighted in each cell"
	keys Enter
	ok "${1}x$2 preview: Enter keeps it (the key bar is back)" wait_screen 10 "q quit"
	like "$(screen)" "/sli" "the kept filter is shown"
	keys n
	ok "${1}x$2 preview: n selects the first match" wait_for 5 sel_has '1\.2-slim'
	keys n n
	ok "n n: the third" wait_for 5 sel_has '2\.2-slim'
	keys N
	ok "N: back to the second" wait_for 5 sel_has '1\.2\.1-slim'
	keys Escape
	ok "${1}x$2 preview: Esc clears it" wait_screen 10 "^ 1\.0 +1\.0\.0"
	keys / C-u
	type_text "Slim"
	ok "${1}x$2 preview: upper case matches case" wait_screen 10 "0 of 26"
	like "$(screen)" "No matched tag contains 'Slim'" "and says none does"
	keys Escape
	ok "${1}x$2 preview: Esc while typing clears" wait_screen 10 "^ 1\.0 +1\.0\.0"
	# Tab while typing ends the filter as Enter does (kept), then the
	# focus moves to the form; back in the grid, n is the list's again.
	keys /
	type_text "sli"
	wait_screen 10 "4 of 26 +Enter keeps" || bail "no filter typed at ${1}x$2"
	keys Tab
	ok "${1}x$2 preview: Tab moves the focus to the form" \
		wait_for 5 sh -c "! tmux -L '$TUI_SOCK' capture-pane -p -t 0 | grep -q 'list has focus'"
	unlike "$(screen)" "Enter keeps" "Tab closed the filter's prompt"
	like "$(screen)" "rows 1-1 of 1  /sli" "and kept the filter"
	keys BTab
	wait_screen 5 "list has focus" || bail "S-Tab does not go back to the grid"
	unlike "$(screen)" "Enter keeps" "back in the grid, no prompt"
	keys n
	ok "${1}x$2 preview: n after Tab steps, not types" wait_for 5 sel_has '1\.2-slim'
	like "$(screen)" "/sli  " "the filter as Tab left it"
	keys Escape
	ok "${1}x$2 preview: Esc clears the filter Tab kept" wait_screen 10 "^ 1\.0 +1\.0\.0"

	# The colour-theme picker is a list too.
	keys C-t
	wait_screen 10 "Colour theme" || bail "no theme picker"
	keys /
	type_text con
	ok "${1}x$2 picker: filtered" wait_screen 10 "1 of 4 +Enter keeps"
	unlike "$(screen)" "(^| )light( |$)" "the other themes gone"
	keys Enter Escape
	ok "${1}x$2 picker: Esc clears the kept filter" wait_screen 10 "light"
	keys Escape
	ok "${1}x$2 picker: Esc again closes it" wait_for 5 sh -c "! tmux -L '$TUI_SOCK' capture-pane -p -t 0 | grep -q 'Colour theme'"

	keys C-r
	wait_screen 90 "What now\?" || bail "no prompt at ${1}x$2"

	# The run's tag list.
	keys Escape
	wait_screen 10 "not decided yet" || bail "no tag list"
	keys /
	type_text "sl"
	ok "${1}x$2 run: filtered as typed" wait_screen 10 "4 of 26 +Enter keeps"
	is "$(screen | sed -n '/^ TAG /,$p' | awk '$1 ~ /^[0-9n]/ { print $1 }' | tr '\n' ' ')" \
		"1.2-slim 1.2.1-slim 2.2-slim 2.2.1-slim " "only the rows that contain sl"
	is "$(highlighted | sort | uniq -c | sed 's/^ *//')" "4 sl" "each match highlighted"
	keys Enter n
	ok "${1}x$2 run: n selects the next row" wait_for 5 sel_has ' 1\.2\.1-slim '
	keys N N
	ok "N wraps round to the last" wait_for 5 sel_has ' 2\.2\.1-slim '
	like "$(screen | sed -n 4p)" "\[/sl\] 1-4 of 4" "the kept filter is named"
	keys Escape
	ok "${1}x$2 run: Esc clears it" wait_for 10 sh -c "tmux -L '$TUI_SOCK' capture-pane -p -t 0 | grep -Eq '^ 1\.0 '"

	# The troubleshoot list, and the story beside it.
	keys o
	wait_screen 10 "What now\?" || bail "no prompt again"
	keys d
	wait_screen 10 "troubleshoot failed tags" || bail "no troubleshoot screen"
	keys /
	type_text night
	ok "${1}x$2 troubleshoot: filtered" wait_screen 10 "1 of 3 +Enter keeps"
	unlike "$(screen | cut -c1-20)" "1\.1\.0|2\.1\.0" "the other failed tags gone"
	is "$(highlighted)" "night" "the match highlighted"
	like "$(screen)" "Tag +nightly-20240602" "the story follows the filter"
	keys Enter Escape
	ok "${1}x$2 troubleshoot: Esc clears first" wait_screen 10 "^ 1\.1\.0 "
	like "$(screen)" "troubleshoot failed tags" "and stays"

	# The story is longer than the pane at these sizes: it says so.
	ok "${1}x$2 story: a marker says there is more" wait_screen 10 "↓ 1-[0-9]+ of [0-9]+ lines  J more"
	n=0
	while ! screen | grep -q "K back" && [ $n -lt 60 ]; do
		keys J
		n=$((n + 1))
		wait_screen 5 "↑" >/dev/null
	done
	ok "${1}x$2 story: J scrolls to its end" wait_screen 5 "↑  [0-9]+-[0-9]+ of [0-9]+ lines  K back"
	like "$(screen)" "What it means" "the explanation is in view"
	ok "${1}x$2 story: its last words, whole" \
		shown_whole "the tag is listed but its data cannot be read"
	unlike "$(screen)" "Tag +1\.1\.0" "the first lines scrolled away"
	# A taller pane shows the story from its top again, with no marker.
	tmx resize-window -t 0 -x 100 -y 60
	ok "${1}x$2 story: a taller pane shows it from the top" wait_screen 10 "Tag +1\.1\.0"
	unlike "$(screen)" "K back|J more" "whole: no marker"
	tmx resize-window -t 0 -x "$1" -y "$2"
	wait_screen 10 "J more" || bail "no story after the resize"
	keys J
	wait_screen 5 "↑↓ " || bail "J does not scroll after the resize"
	keys K
	ok "${1}x$2 story: K scrolls back" wait_screen 5 " ↓ 1-[0-9]+ of"
	keys Down
	ok "${1}x$2 story: the next tag's story starts at its top" wait_screen 5 "Tag +2\.1\.0"
	like "$(screen)" "↓ 1-[0-9]+ of" "from line 1"
	keys Escape
	wait_screen 10 "What now\?" || bail "no prompt after troubleshoot"
	keys q
	wait_screen 10 "Quit without deciding" || bail "no quit dialog"
	keys k
	is "$(tui_exit 20)" 0 "${1}x$2: kept and quit"
done
done_testing

# No word is cut at 80x24 and 60x20, on any screen or dialog of the demo:
# the set-up form (every field's hint), the preview and its filter, the
# save, load and theme dialogs, the help, the run, the decision, the
# rollback confirmation, the tag details, the troubleshoot story, the
# exports and the quit dialog.  Each screen is captured at its size, then
# at 250x100, where nothing needs cutting, for the full texts; every word
# at the small size must be a whole word of those texts or of the
# program's own strings, or end in an ellipsis (the cell rule); a name cut
# by wrapping (a URL, a digest) must be part of one.  Buttons are whole.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/it/tui.lib"
need docker-registry

cat >"$TMPD/words.py" <<'PY'
import glob, re, sys
small, wide = (open(p, encoding="utf-8").read() for p in sys.argv[1:3])
# The program's own strings, for words only shown at the small sizes.
strings = "\n".join(s for f in glob.glob(sys.argv[3] + "/tui/*.[ch]") +
    glob.glob(sys.argv[3] + "/core/**/*.c", recursive=True)
    for s in re.findall(r'"((?:[^"\\\n]|\\.)*)"', open(f, encoding="utf-8").read()))
# Box drawing, blocks (bars) and the scroll arrows are no words.
SEP = re.compile("[\u2500-\u259f\u2190-\u2193\u2800-\u28ff]")
STRIP = "()[]{}<>,.;:'\"!?`*"

def toks(line):
    return [(m.start(), m.group()) for m in re.finditer(r"\S+", SEP.sub(" ", line))]

def norm(t):
    return t.strip(STRIP).lower()

words = set()
for text in (wide, strings):
    for line in text.split("\n"):
        for _, t in toks(line):
            words.add(norm(t))
            # "a/b", "x=y": their parts are words too.
            for p in re.split(r"[/=|]", t):
                words.add(norm(p))
names = [t for line in wide.split("\n") for _, t in toks(line)]
# A dialog hides the screen under it: of the rows it covers, only what
# is inside its box counts.
rows = small.split("\n")
for y, line in enumerate(rows):
    x0 = line.find("\u250c")
    x1 = line.find("\u2510", x0 + 1)
    if x0 < 0 or x1 < 0:
        continue
    for y1 in range(y + 1, len(rows)):
        if rows[y1][x0:x0 + 1] == "\u2514":
            break
    for r in range(y, y1 + 1):
        rows[r] = " " * x0 + rows[r][x0:x1 + 1]
bad = []
for line in rows:
    clean = SEP.sub(" ", line)
    tl = toks(line)
    for k, (i, t) in enumerate(tl):
        w = norm(t)
        if not re.search("[A-Za-z]", w) or t.endswith("\u2026") or t.endswith("..."):
            continue
        if w in words:
            continue
        edge = k == len(tl) - 1 or clean[i + len(t):i + len(t) + 1] != line[i + len(t):i + len(t) + 1]
        start = k == 0 or (i > 0 and clean[i - 1] != line[i - 1])
        if re.search(r"[^A-Za-z]", t.strip(STRIP)) and (edge or start) and \
                any(t.strip(STRIP) in n for n in names):
            continue
        bad.append("cut word %r in: %s" % (t, line.strip()))
    j = line.find("[ ")
    while j >= 0:
        if line.find(" ]", j + 1) < 0:
            bad.append("button cut: %s" % line.strip())
        j = line.find("[ ", j + 2)
for b in bad:
    print(b)
sys.exit(1 if bad else 0)
PY

W=0 H=0
_width_is() { [ "$(screen | wc -L)" "$1" "$2" ]; }
# settled FILE: the screen, once two captures 0.2 s apart agree (the
# program has drawn what the last keys asked for), into FILE.
settled() {
	local n=0
	screen >"$1"
	while [ $n -lt 25 ]; do
		sleep 0.2
		screen >"$1.2"
		cmp -s "$1" "$1.2" && return 0
		mv "$1.2" "$1"
		n=$((n + 1))
	done
}
# check WHAT: the rule on the screen now, against the last full texts.
check() {
	settled "$TMPD/small"
	ok "${W}x$H $1: no word cut" \
		python3 "$TMPD/words.py" "$TMPD/small" "$TMPD/wide" "$top_srcdir"
	python3 "$TMPD/words.py" "$TMPD/small" "$TMPD/wide" "$top_srcdir" |
		sed 's/^/# /'
}
# words WHAT: the full texts of the screen now (at 250x100, back to the
# size it was after), then check.
words() {
	tmx resize-window -t 0 -x 250 -y 100
	wait_for 10 _width_is -gt "$W"
	settled "$TMPD/wide"
	tmx resize-window -t 0 -x "$W" -y "$H"
	wait_for 10 _width_is -le "$W"
	check "$1"
}

# Under the sanitizers (CI's second pass over the suite) the smaller size
# alone: the same code paths, in half the time.
sizes="80x24 60x20"
sanitized && sizes=60x20
for size in $sizes; do
	set -- $(echo "$size" | tr x ' ')
	W=$1 H=$2
	tui_start "$W" "$H" --demo --state-dir "$TMPD/state"
	wait_screen 60 "Matched [0-9]+ of 40" || bail "no demo form at ${W}x$H"
	words "form, Tags"
	for f in 1 2 3 4 5 6 7 8 9 10 11 12 13; do
		keys Tab
		words "form, field $f"
	done
	keys Escape
	words "preview, list focus"
	keys /
	type_text 1
	words "preview, the filter typed"
	keys Escape C-s
	wait_screen 10 "Name:" || bail "no save dialog"
	words "save dialog"
	type_text my-mirror
	keys Enter
	wait_screen 10 "Saved as" || bail "not saved"
	words "saved message"
	keys C-o
	wait_screen 10 "Load a saved mirror" || bail "no saved list"
	words "saved list"
	keys Escape C-t
	wait_screen 10 "Colour theme" || bail "no theme picker"
	words "theme picker"
	keys Escape '?'
	wait_screen 10 "Keys" || bail "no help"
	keys g
	words "help, first page"
	# At 250x100 the whole help is one page: the full texts of all pages.
	n=1
	while ! screen | grep -Eq "([0-9]+)-\\1 of \\1 |-([0-9]+) of \\2 " && [ $n -lt 20 ]; do
		keys PageDown
		n=$((n + 1))
		check "help, page $n"
	done
	ok "${W}x$H: the help's last page was checked" _screen_has "-([0-9]+) of \\1 "
	keys Escape C-r
	wait_screen 90 "What now\?" || bail "no prompt at ${W}x$H"
	words "keep or roll back"
	keys r
	wait_screen 10 "Roll back the run\?" || bail "no rollback confirmation"
	words "rollback confirmation"
	keys Escape
	wait_screen 10 "What now\?" || bail "no prompt after the confirmation"
	keys Escape
	wait_screen 10 "not decided yet" || bail "no tag list"
	words "run, tag list"
	keys Enter
	wait_screen 10 "tag details" || bail "no tag details"
	words "tag details"
	keys Escape d
	wait_screen 10 "troubleshoot failed tags" || bail "no troubleshoot"
	words "troubleshoot"
	n=0
	while ! screen | grep -q "K back" && [ $n -lt 40 ]; do
		keys J
		n=$((n + 1))
	done
	words "troubleshoot, the story's end"
	keys e
	wait_screen 10 "Export the JSON report" || bail "no export dialog"
	words "report export"
	keys Escape x
	wait_screen 10 "Export the failed tags" || bail "no failed-list export"
	words "failed-list export"
	keys Escape Escape o
	wait_screen 10 "What now\?" || bail "no prompt again"
	keys q
	wait_screen 10 "Quit without deciding" || bail "no quit dialog"
	words "quit dialog"
	keys k
	is "$(tui_exit 20)" 0 "${W}x$H: kept and quit"
done
done_testing

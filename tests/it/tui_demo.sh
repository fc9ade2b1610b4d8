# tagmirror --demo: two local registries, a seeded source with tags that
# fail for real, the form filled in; behind its throttle the run is slow
# enough to watch (bytes moving, one tag failing once and copied on the
# retry) and over in under 30 s; its elapsed time stops when the copy
# does, not at the prompt; a finished tag's details say how its blobs got
# there and how long it took; at exit the registries and their storage are
# gone.  TAGMIRROR_DEMO_FAST (which tests/lib.sh sets) turns the throttle
# and the staged failure off.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/it/tui.lib"
need docker-registry pgrep jq

# demo W H [ENV=VALUE]: the demo in a W x H pane of a fresh server.
demo() {
	tui_server
	mkdir -p "$TMPD/tmp"
	tmx new-session -d -x "$1" -y "$2" "cd '$TMPD' && env -u TAGMIRROR_DEMO_FAST \
		TMPDIR='$TMPD/tmp' ${3:-} '$TAGMIRROR' --demo --report '$TMPD/report.json' \
		2>'$TMPD/tui.err'; echo \$? >'$TMPD/tui.$_tui_n.rc'; sleep 600"
}
# now: seconds, with a fraction.
now() { date +%s.%N; }
# lt A B: A < B, as numbers.
lt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; }
# The run screen at work: still running, bytes moved and a speed (on one
# capture, so the run cannot end between the two).
_at_work() {
	local s
	s=$(screen)
	printf '%s\n' "$s" | grep -q ' RUNNING$' &&
		printf '%s\n' "$s" | grep -Eq \
		'[0-9]+/26 tags +[1-9][0-9.]* (KiB|MiB)/[0-9.]+ MiB +[1-9][0-9.]* (KiB|MiB)/s'
}
# The run screen's elapsed time.
elapsed() { screen | sed -n 's/.*elapsed \([0-9:]*\).*/\1/p' | head -1; }
# the_port SIDE: the port the demo's docker-registry listens on (src, dst).
the_port() {
	sed -n 's/^ *addr: 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$TMPD"/tmp/tagmirror-demo.*/"$1"/config.yml
}

demo 80 24
ok "the demo opens the form filled in" wait_screen 60 "Matched 26 of 40"
# The status line comes before the item counts in a frame: under load the
# pane can be read between the two.
ok "the sample expression shows a dead item" wait_screen 10 "9\.\* matches nothing"
s=$(screen)
like "$s" "Source +127\.0\.0\.1:[0-9]+/demo/app" "source: a local registry"
like "$s" "Destination +127\.0\.0\.1:[0-9]+/demo/app" "destination: another"
like "$(cat "$TMPD/tui.err")" "40 tags, 3 of them broken on purpose" \
	"it says what it set up"
src=$(echo "$s" | sed -n 's/^ Source  *\([0-9][^ ]*\).*/\1/p')
dst=$(echo "$s" | sed -n 's/^ Destination  *\([0-9][^ ]*\).*/\1/p')
reg=$(the_port src)
like "$reg" "^[0-9]+$" "the source registry's own port"
isnt "${src%%/*}" "127.0.0.1:$reg" "the run reads the source through the throttle"
isnt "${dst%%/*}" "127.0.0.1:$(the_port dst)" "and writes the destination through one"
is "$(tm preview "$src" --tags '1.*, 2.*, latest, stable, nightly-*, !*-alpine, 9.*' \
	2>/dev/null | grep -vc '^#')" 26 "the headless preview agrees (through the throttle)"

t0=$(now)
keys C-r
ok "mid-run: the progress screen with bytes moving and a speed" wait_for 30 _at_work
ok "mid-run: 1.2.0 failed once and waits for its retry" \
	wait_screen 30 "^ 1\.2\.0 +retrying"
ok "some demo tags fail for real" wait_screen 60 "some tags failed"
t1=$(now)
ok "the run took under 30 s" lt "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" 30
s=$(screen)
like "$s" "23 of 26 tags are in" "the others are mirrored, 1.2.0 among them"
like "$s" "1\.1\.0 +HTTP 404 BLOB_UNKNOWN" "a broken layer is a 404 from the source"
like "$s" "Failed tags \(3\)" "the 3 broken tags, and only they, failed"

# At the prompt the clock has stopped: the run's tag list (Esc) shows the
# same elapsed time seconds later.
keys Escape
ok "Esc: the run's tag list" wait_screen 10 "not decided yet"
e1=$(elapsed)
sleep 3
is "$(elapsed)" "$e1" "elapsed does not grow while the prompt waits"
# 1.2.0 is the 9th tag: its details.
keys Down Down Down Down Down Down Down Down Enter
ok "a copied tag's details" wait_screen 10 "Tag +1\.2\.0"
s=$(screen)
like "$s" "State +done \(tried 2 times\)" "copied on its second attempt"
# The retry found its first attempt's blobs there but the spoilt one.
like "$s" "Blobs +1 copied, 0 mounted, 3 already there" "how its blobs got there"
like "$s" "Time +[0-9.]+ s" "and how long it took"
unlike "$s" "Time +0\.0 s" "a time above nothing"
keys Escape
wait_screen 10 "not decided yet" || bail "not back on the run's tags"
keys o
wait_screen 10 "What now\?" || bail "not back at the prompt"
keys k
ok "kept" wait_screen 30 "Kept\. Status PARTIAL_MIRROR"
t2=$(now)
keys q
is "$(tui_exit 10)" 0 "quit"
is "$(ls "$TMPD/tmp")" "" "the demo's storage is removed"
nok "no demo registry is left running" pgrep -f "docker-registry serve $TMPD/tmp"

r="$TMPD/report.json"
jq_tag() { jq -r --arg t "$1" ".tags[] | select(.tag == \$t) | $2" "$r"; }
is "$(jq_tag 1.2.0 '"\(.result) \(.attempts)"')" "copied 2" \
	"the report: 1.2.0 copied on its second attempt"
is "$(jq -r '.failed_tags | join(" ")' "$r")" "1.1.0 2.1.0 nightly-20240602" \
	"the report: the 3 broken tags failed"
el=$(jq -r .elapsed_seconds "$r")
ok "the copy took a few seconds to watch ($el s)" lt 4 "$el"
ok "the report's elapsed is the copy's, not the wait at the prompt" \
	lt "$el" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a + 0.5 }')"
ok "the wait at the prompt was longer than that margin" \
	lt 3 "$(awk -v a="$t1" -v b="$t2" 'BEGIN { print b - a }')"
is "$(jq_tag 1.2.0 '"\(.blobs) \(.blobs_copied) \(.blobs_mounted) \(.blobs_skipped)"')" \
	"4 1 0 3" "the report has the details' blob numbers"

# Fast: no throttle, no staged failure (what the other --demo tests use),
# here at 60x20.
demo 60 20 TAGMIRROR_DEMO_FAST=1
wait_screen 60 "Matched 26 of 40" || bail "no fast demo form"
s=$(screen)
is "$(echo "$s" | sed -n 's/^ Source  *\(127[^/]*\)\/.*/\1/p')" "127.0.0.1:$(the_port src)" \
	"fast: the source is the registry itself"
is "$(echo "$s" | sed -n 's/^ Destination  *\(127[^/]*\)\/.*/\1/p')" "127.0.0.1:$(the_port dst)" \
	"fast: the destination too"
keys C-r
ok "fast: the prompt" wait_screen 60 "some tags failed"
keys Escape
wait_screen 10 "not decided yet" || bail "fast: no run tag list"
keys Down Down Down Down Down Down Down Down Enter
ok "fast: 1.2.0's details at 60x20" wait_screen 10 "Tag +1\.2\.0"
s=$(screen)
like "$s" "State +done" "fast: copied"
unlike "$s" "tried [0-9]+ times" "at the first attempt"
# Its own layer and config streamed; base and series layer were there.
like "$s" "Blobs +2 copied, 0 mounted, 2" "fast: how its blobs got there (wrapped at 60)"
keys Escape
wait_screen 10 "not decided yet" || bail "fast: not back on the run's tags"
keys o
wait_screen 10 "What now\?" || bail "fast: not back at the prompt"
keys k
ok "fast: kept" wait_screen 30 "Kept\. Status PARTIAL_MIRROR"
keys q
is "$(tui_exit 20)" 0 "fast: quit"
is "$(jq_tag 1.2.0 .attempts)" 1 "fast: nothing staged, 1.2.0 copied at once"
done_testing

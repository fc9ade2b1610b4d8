# The mirrors screen at 60x20, opened by tagmirror --set: a hand-written
# set file (defaults, a destination template, a namespace with a list)
# becomes one row per repository with its preview count; a bad file is
# refused with its line and column; only the marked mirrors run; the set
# saved by name reloads with --set NAME and with Ctrl-O, and runs
# headless with tagmirror sync as written.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/it/tui.lib"

registry_start up
registry_start dst
seed "$up_addr" app/one "$TMPD/s1" --tags 1.0,1.1,2.0 --alias-every 0 \
	--multiarch-every 0 >/dev/null || bail "seed one failed"
seed "$up_addr" lib/x "$TMPD/s2" --tags v1,v2 --alias-every 0 \
	--multiarch-every 0 >/dev/null || bail "seed x failed"
seed "$up_addr" lib/y "$TMPD/s3" --tags v1,v2,v3,rc1 --alias-every 0 \
	--multiarch-every 0 >/dev/null || bail "seed y failed"

cat >"$TMPD/bad.yaml" <<YAML
mirrors:
  - source: $up_addr/app/one
    tags: "*"
    password: hunter2
YAML
tui_start 60 20 --set "$TMPD/bad.yaml"
is "$(tui_exit 20)" 1 "a bad set file: exit 1"
like "$(cat "$TMPD/tui.err")" "bad\\.yaml:4:[0-9]+: .*password" \
	"named with line and column"
unlike "$(cat "$TMPD/tui.err")" "hunter2" "never the secret"

cat >"$TMPD/set.yaml" <<YAML
version: 1
defaults:
  registry: $dst_addr
  jobs: 2
mirrors:
  - source: $up_addr/app/one
    destination: mirror/{name}
    tags: "1.*"
  - namespace: $up_addr/lib
    list: [x, y]
    destination: "$dst_addr/ns/{name}"
    tags: "v*"
  - namespace: $up_addr/other
    tags: "*"
  - source: $up_addr/app/none
    destination: none
    tags: "*"
YAML
tui_start 60 20 --set "$TMPD/set.yaml"
ok "--set opens the mirrors screen" wait_screen 20 "4 mirrors, 0 marked"
ok "a template destination, expanded" \
	wait_screen 10 "1\\. $up_addr/app/one"
ok "row 1 counts its tags" wait_screen 30 "1\\.\\* . 2 of 3 tags"
ok "a namespace's list is a row per repository" \
	wait_screen 30 "v\\* . 2 of 2 tags"
ok "each with its own count" wait_screen 30 "v\\* . 3 of 4 tags"
like "$(screen)" "3\\. $up_addr/lib/y" "in list order"
ok "a source that is not there warns on its row" \
	wait_screen 30 "4\. $up_addr/app/none"
ok "with the registry's answer" wait_screen 30 "listing failed: HTTP 404"
ok "a catalog namespace is named as left out" \
	shown_whole "1 namespace mirror read from a catalog left out"
keys Home Down
keys Enter
ok "Enter on a row before it ran: the form" wait_screen 20 "set up a mirror"
like "$(screen)" "Destination +$dst_addr/ns/x" "the expanded destination"
keys C-n
wait_screen 20 "4 mirrors" || bail "not back"
keys Space
ok "Space marks" wait_screen 10 "4 mirrors, 1 marked"
like "$(screen)" "\\[(✓|x|\\*)\\] 2\\." "the mark shows on the row"
keys End Space
wait_screen 10 "4 mirrors, 2 marked" || bail "no second mark"
keys C-r
ok "only the marked mirrors run" wait_screen 60 "SUCCESS 2/2 done, 0 failed"
ok "a run that failed as a whole says why on its row" \
	wait_screen 60 "FAIL 0/0 done, 0 failed, 0 B - .*404"
like "$(screen)" "1\\.\\* . 2 of 3 tags" "row 1 did not run"
is "$(repo_tags "$dst_addr" ns/x)" "v1 v2" "the marked mirror's destination"
is "$(repo_tags "$dst_addr" mirror/one)" "" "the unmarked one's is untouched"

keys C-s
wait_screen 20 "Name:" || bail "no save prompt"
keys C-u
type_text small
keys Enter
ok "saved" wait_screen 20 "Saved set small"
f="$XDG_CONFIG_HOME/tagmirror/sets/small.yaml"
like "$(cat "$f")" "jobs: 2" "the set's defaults are kept"
keys q
is "$(tui_exit 20)" 0 "q quits"

tui_start 60 20 --set small
ok "--set NAME opens a saved set" wait_screen 20 "4 mirrors, 0 marked"
like "$(screen | head -1)" "small" "the title names it"
ok "its rows, counted again" wait_screen 30 "v\\* . 3 of 4 tags"
keys C-o
ok "Ctrl-O lists the saved sets" wait_screen 20 "Load a saved set"
like "$(screen)" "small" "with this one"
keys Escape
keys '?'
ok "? opens at the mirrors screen's keys" \
	wait_screen 20 "Mirrors \\(a set of mirrors\\) \\(this screen\\)"
keys Escape q
is "$(tui_exit 20)" 0 "q quits again"

# q while only the set's runs copy: asked first, then they stop.
proxy_start slow "$up_url"
proxy_rules slow '[{"match": "^GET /v2/.*/blobs/", "action": "delay", "seconds": 0, "rate": 2000}]'
cat >"$TMPD/slow.yaml" <<YAML
mirrors:
  - source: $slow_addr/app/one
    destination: $dst_addr/slow/one
    tags: "*"
YAML
tui_start 60 20 --set "$TMPD/slow.yaml"
wait_screen 30 "3 of 3 tags" || bail "no preview for the slow set"
keys C-r
wait_screen 30 "RUNNING" || bail "the slow set does not run"
keys q
ok "q while a set's mirror copies asks first" \
	wait_screen 20 "Quit while a run is active"
keys y
is "$(tui_exit 60)" 0 "then stops the run and quits"
like "$(cat "$TMPD/tui.err")" "ended as CANCELLED" "the way out says it was cancelled"

out=$("$TAGMIRROR" sync "$f" 2>&1)
is "$?" 2 "tagmirror sync runs the saved set as written (the missing source: FAIL)"
is "$(repo_tags "$dst_addr" mirror/one)" "1.0 1.1" "row 1's template destination"
is "$(repo_tags "$dst_addr" ns/y)" "v1 v2 v3" "row 3's"
done_testing

# The mirrors screen at 80x24: a set of three mirrors built in the TUI
# against real registries (each row's live preview count, updated as a
# row is edited), saved as mirror-set YAML (read back by tagmirror sync
# --preview, mode 0600, no secrets), run all at once: one mirror whole,
# two PARTIAL_MIRROR (a broken layer each); a drill-down into one's run
# and its decision there (keep), the other rolled back from the set
# (asked first); skopeo checks the destination.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/it/tui.lib"

need skopeo
registry_start up
registry_start dst
seed "$up_addr" app/a "$TMPD/sa" --tags 1.0,1.1,2.0 --alias-every 0 \
	--multiarch-every 0 >/dev/null || bail "seed a failed"
seed "$up_addr" app/b "$TMPD/sb" --tags 1.0,1.1,1.2,latest --alias-every 0 \
	--multiarch-every 0 >/dev/null || bail "seed b failed"
# c's layers are its own (--variant): the set run mounts a blob another
# repository of the run brought, so a layer shared with a would not fail.
seed "$up_addr" app/c "$TMPD/sc" --tags 1.0,2.0 --alias-every 0 \
	--multiarch-every 0 --variant c >/dev/null || bail "seed c failed"
bad_b=$(layer_of "$up_addr" app/b 1.2)
bad_c=$(layer_of "$up_addr" app/c 2.0)
[ -n "$bad_b" ] && [ -n "$bad_c" ] || bail "no layer digests"
proxy_start src "$up_url"
# One layer of b:1.2 and of c:2.0 is gone upstream.
proxy_rules src "[{\"match\": \"^GET /v2/app/b/blobs/$bad_b\", \"action\": \"status\",
	\"status\": 404, \"code\": \"BLOB_UNKNOWN\", \"message\": \"blob unknown\"},
	{\"match\": \"^GET /v2/app/c/blobs/$bad_c\", \"action\": \"status\",
	\"status\": 404, \"code\": \"BLOB_UNKNOWN\", \"message\": \"blob unknown\"}]"
# c's destination holds an older 1.0 that the rollback must put back.
seed "$dst_addr" app/c "$TMPD/sd" --tags 1.0 --alias-every 0 \
	--multiarch-every 0 --seed 7 >/dev/null || bail "seed dst failed"
before_c=$(listing "$dst_addr" app/c)

# add SRC DST TAGS: a on the mirrors screen, the form, Ctrl-N back.
add() {
	keys a
	wait_screen 20 "set up a mirror" || return 1
	type_text "$1"
	keys Tab
	type_text "$2"
	keys Tab
	type_text "$3"
	keys C-n
	wait_screen 20 "mirrors.*$" || return 1
}

# Credentials on the command line are used, never saved into the set.
tui_start 80 24 --dest-creds "someone:Sekr1t-pw-42"
wait_screen 20 "set up a mirror" || bail "no form"
keys C-n
ok "Ctrl-N opens the mirrors screen" wait_screen 20 "0 mirrors, 0 marked"
like "$(screen)" "No mirrors yet: a adds one" "an empty set says how to start"
add "$src_addr/app/a" "$dst_addr/app/a" '*' || bail "cannot add a"
add "$src_addr/app/b" "$dst_addr/app/b" '1.*' || bail "cannot add b"
add "$src_addr/app/c" "$dst_addr/app/c" '*' || bail "cannot add c"
ok "three rows" wait_screen 20 "3 mirrors, 0 marked"
ok "row 1's preview count" wait_screen 30 "\\* . 3 of 3 tags"
ok "row 2's: 1.* picks 3 of 4" wait_screen 30 "1\\.\\* . 3 of 4 tags"
ok "row 3's" wait_screen 30 "\\* . 2 of 2 tags"
like "$(screen)" "3\\. $src_addr/app/c . $dst_addr/app/c" "a row names source and destination"

# Edit row 2 in the form: a tag expression that matches nothing warns.
like "$(screen)" "^>\[ \] 3\." "the row added last is selected"
keys Home Down
ok "the cursor moves" wait_screen 10 "^>\[ \] 2\."
keys e
wait_screen 20 "set up a mirror" || bail "no form for row 2"
like "$(screen)" "Source +$src_addr/app/b" "e opens the row in the form"
keys Tab Tab C-u
type_text 'nothing*'
keys C-n
ok "the row's count follows the edit, with a warning" \
	wait_screen 20 "nothing\\* . 0 of 4 tags - no tag matches"
keys e
wait_screen 20 "set up a mirror" || bail "no form for row 2 again"
keys Tab Tab C-u
type_text '1.*'
keys C-n
ok "edited back" wait_screen 20 "1\\.\\* . 3 of 4 tags"

# Reorder: row 2 down and back up.
keys +
ok "+ moves a row down" wait_screen 10 "3\\. $src_addr/app/b"
keys -
ok "- moves it back up" wait_screen 10 "2\\. $src_addr/app/b"

keys C-s
wait_screen 20 "Name:" || bail "no save prompt"
type_text myset
keys Enter
ok "saved" wait_screen 20 "Saved set myset"
f="$XDG_CONFIG_HOME/tagmirror/sets/myset.yaml"
is "$(stat -c %a "$f" 2>/dev/null)" 600 "the saved set is mode 0600"
nok "no secret in it" grep -Eq "Sekr1t|someone" "$f"
out=$("$TAGMIRROR" sync --preview "$f" 2>&1)
is "$?" 0 "tagmirror sync --preview reads the saved set"
like "$out" "app/a" "mirror a in it"
like "$out" "mirror 3 .*$src_addr/app/c" "all three mirrors, in order"
like "$out" "$src_addr/app/b -> $dst_addr/app/b" "with their destinations"

# Run all.
keys C-r
ok "running three" wait_screen 10 "Running 3 mirrors|RUNNING"
ok "mirror a is done" wait_screen 60 "SUCCESS 3/3 done, 0 failed"
ok "mirror b is partial, undecided" \
	wait_screen 60 "PARTIAL_MIRROR 2/3 done, 1 failed, .*undecided"
ok "mirror c is partial, undecided" \
	wait_screen 60 "PARTIAL_MIRROR 1/2 done, 1 failed, .*undecided"

# Drill down into c (row 3): its decision; keep it there.
keys End Enter
ok "Enter on a row that ran: its decision" wait_screen 20 "some tags failed"
like "$(screen)" "2\\.0 +HTTP 404 BLOB_UNKNOWN" "c's failed tag and why"
keys Escape
ok "Esc: c's tag list" wait_screen 20 "2 tags: "
keys o
wait_screen 20 "What now\\?" || bail "no decision for c"
keys k
ok "k keeps c" wait_screen 20 "Kept\\. Status PARTIAL_MIRROR"
keys C-n
ok "Ctrl-N: back to the set" wait_screen 20 "3 mirrors, 0 marked"
ok "c's row says kept" wait_screen 10 "PARTIAL_MIRROR 1/2 done, 1 failed, .*kept"

# Roll back b (row 2) from the set, asked first.
keys Home Down R
ok "R asks first, naming what changes" \
	wait_screen 20 "In $dst_addr/app/b:"
like "$(screen)" "2 tags the run created deleted" "what the rollback does"
keys y
ok "b rolled back" wait_screen 60 "ROLLED_BACK"
is "$(repo_tags "$dst_addr" app/b)" "" "b's destination has no tag again"
is "$(repo_tags "$dst_addr" app/a)" "1.0 1.1 2.0" "a's destination is whole"
is "$(skopeo list-tags --tls-verify=false "docker://$dst_addr/app/c" 2>/dev/null |
	python3 -c 'import json,sys; print(" ".join(sorted(json.load(sys.stdin)["Tags"])))')" \
	"1.0" "skopeo: c kept its copied tag"
isnt "$(listing "$dst_addr" app/c)" "$before_c" "c's 1.0 is the new copy (kept)"
rep() {	# N: the final status in mirror N's report
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["final_status"])' \
		"$XDG_STATE_HOME"/tagmirror/reports/set-*-mirror"$1".json 2>&1
}
has_reports() { [ "$(ls "$XDG_STATE_HOME"/tagmirror/reports/set-*-mirror*.json | wc -l)" = 3 ]; }
wait_for 20 has_reports
is "$(rep 1) $(rep 2) $(rep 3)" "SUCCESS ROLLED_BACK PARTIAL_MIRROR" \
	"a report per mirror, each with its own outcome"
ok "skopeo inspects a's copy" skopeo inspect --tls-verify=false "docker://$dst_addr/app/a:2.0"
# The three ran as one set run: one pool, one set journal naming each.
sj=$(grep -l '^tagmirror-set-journal 1$' "$XDG_STATE_HOME"/tagmirror/*.journal 2>/dev/null)
is "$(printf '%s\n' "$sj" | grep -c .)" 1 "one set journal for the set run"
is "$(grep -c '^member ' "$sj" 2>/dev/null)" 3 "  naming the 3 mirrors' journals"
is "$(tail -1 "$sj" 2>/dev/null)" "end PARTIAL_MIRROR" "  ended once none ran, with the worst mirror's status"

keys '?'
ok "? lists the mirrors screen's keys" wait_screen 20 "Mirrors \\(a set of mirrors\\) \\(this screen\\)"
like "$(screen)" "roll the marked" "with the rollback key"
keys Escape
keys q
is "$(tui_exit 20)" 0 "q quits"
like "$(cat "$TMPD/tui.err")" "ended as PARTIAL_MIRROR \\(kept\\)" "the way out names each run"
done_testing

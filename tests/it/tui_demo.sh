# tagmirror --demo: two local registries, a seeded source with tags that
# fail for real, the form filled in; the whole flow runs to the keep-or-
# roll-back prompt, and at exit the registries and their storage are gone.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/it/tui.lib"
need docker-registry pgrep

mkdir -p "$TMPD/tmp"
tmx new-session -d -x 80 -y 24 "cd '$TMPD' && TMPDIR='$TMPD/tmp' \
	'$TAGMIRROR' --demo 2>'$TMPD/tui.err'; echo \$? >'$TMPD/tui.$_tui_n.rc'; sleep 600"
ok "the demo opens the form filled in" wait_screen 60 "Matched 26 of 40"
s=$(screen)
like "$s" "Source +127\.0\.0\.1:[0-9]+/demo/app" "source: a local registry"
like "$s" "Destination +127\.0\.0\.1:[0-9]+/demo/app" "destination: another"
like "$s" "9\.\* matches nothing" "the sample expression shows a dead item"
like "$(cat "$TMPD/tui.err")" "40 tags, 3 of them broken on purpose" \
	"it says what it set up"
src=$(echo "$s" | sed -n 's/^ Source  *\([0-9][^ ]*\).*/\1/p')
is "$(tm preview "$src" --tags '1.*, 2.*, latest, stable, nightly-*, !*-alpine, 9.*' \
	2>/dev/null | grep -vc '^#')" 26 "the headless preview agrees"

keys C-r
ok "some demo tags fail for real" wait_screen 90 "some tags failed"
s=$(screen)
like "$s" "23 of 26 tags are in" "the others are mirrored"
like "$s" "1\.1\.0 +HTTP 404 BLOB_UNKNOWN" "a broken layer is a 404 from the source"
keys k
ok "kept" wait_screen 30 "Kept\. Status PARTIAL_MIRROR"
keys q
is "$(tui_exit 10)" 0 "quit"
is "$(ls "$TMPD/tmp")" "" "the demo's storage is removed"
nok "no demo registry is left running" pgrep -f "docker-registry serve $TMPD/tmp"
done_testing

# The set-up form in a real terminal (tmux): typing the fields, the live
# preview and its count against the headless preview, the help screen,
# saving and loading with secrets 0600, themes, NO_COLOR, resize, and the
# non-terminal and bad-theme errors.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/it/tui.lib"

# --- without a terminal -------------------------------------------------
out=$(tm </dev/null 2>&1)
is "$?" 1 "no terminal: exit 1"
like "$out" "use 'tagmirror run" "no terminal: points at tagmirror run"

printf 'color title red blue bold\ncolor nope red blue\ncolor ok green mauve\n' \
	>"$TMPD/bad.theme"
out=$(cd "$TMPD" && "$TAGMIRROR" --theme bad.theme </dev/null 2>&1)
like "$out" "^tagmirror: bad\.theme:2: unknown element 'nope'" \
	"a bad theme names the file, the line and the element"
like "$out" "bad\.theme:3: unknown colour 'mauve'" "and every bad line"

mkdir -p "$XDG_CONFIG_HOME/tagmirror/themes"
printf '# mine\ncolor title white red bold\ncolor ok green default blink\n' \
	>"$XDG_CONFIG_HOME/tagmirror/themes/mine.theme"
out=$(tm --theme mine </dev/null 2>&1)
like "$out" "tagmirror/themes/mine\.theme:3: unknown attribute 'blink'" \
	"custom themes come from \$XDG_CONFIG_HOME/tagmirror/themes"

# --- a source with tags ---------------------------------------------------
registry_start up
# The destination is only typed, never contacted: no run starts here.
dst_addr=127.0.0.1:9
tags="1.0 1.1 1.2 2.0 2.1 2.2 2.2-rc1 3.0 latest edge nightly-1 nightly-2"
seed "$up_addr" app/x "$TMPD/seeded" --tags "$(echo $tags | tr ' ' ,)" \
	--alias-every 0 --multiarch-every 0 >/dev/null || bail "seed failed"
expr='1.*, 2.*, !*-rc*, latest, zzz*'
# An SGR sequence that sets a foreground or background colour.
colour_sgr=$'\033\\[([0-9]+;)*(3[0-7]|4[0-7]|38|48|9[0-7]|10[0-7])(;[0-9]+)*m'

tui_start 80 24
wait_screen 30 "set up a mirror" || bail "the TUI did not start"
type_text "$up_addr/app/x"
keys Tab
type_text "$dst_addr/app/x"
keys Tab
type_text "$expr"
ok "the listing runs in the background and the preview counts" \
	wait_screen 30 "Matched [0-9]+ of 12"
tui_n=$(screen | sed -n 's/.*Matched \([0-9]*\) of 12.*/\1/p')
cli_n=$(tm preview "$up_addr/app/x" --tags "$expr" 2>/dev/null | grep -vc '^#')
is "$tui_n" "$cli_n" "preview count equals tagmirror preview's ($cli_n)"
want=$(printf '%s\n' $tags | python3 -c '
import fnmatch, sys
t = sys.stdin.read().split()
inc = [x for x in t if any(fnmatch.fnmatchcase(x, p) for p in ("1.*", "2.*", "latest", "zzz*"))]
print(len([x for x in inc if not fnmatch.fnmatchcase(x, "*-rc*")]))')
is "$tui_n" "$want" "and Python fnmatch's"
like "$(screen)" "zzz\* matches nothing" "an item matching nothing is flagged"
like "$(screen)" "!\*-rc\* .1" "an exclusion shows what it removed"

# Line editing: Ctrl-W drops the last item, typing re-matches at once.
keys C-w C-w
type_text "nightly-*"
ok "Ctrl-W and typing re-match on every key" wait_screen 20 "nightly-\* 2"

# The list: Esc leaves the text field, / filters as each key is typed
# (tui_filter.sh has the rest).
keys Escape
ok "Esc leaves the field for the list" wait_screen 20 "Preview \(list has focus\)"
keys /
type_text "1"
ok "the filter keeps the matched tags with a 1" wait_screen 20 "/1 +5 of [0-9]+ +Enter keeps"
keys C-u
type_text "9.9"
ok "the filter says when nothing matches" wait_screen 20 "No matched tag contains '9\.9'"
keys Enter

# Help opens at the form's keys and lists every key (Home: the first page).
keys '?'
ok "? opens the help at this screen's keys" \
	wait_screen 20 "Set-up form \(this screen\)"
like "$(screen | sed -n 3p)" "Set-up form \(this screen\)" "on its first line"
keys g
ok "the global keys are still reachable" wait_screen 20 "Ctrl-R, F5"
like "$(screen)" "show every key" "help comes from the action table"
keys Escape

# Resize: the layout follows, the preview moves beside the form.
tmx resize-window -t 0 -x 140 -y 30
ok "resize to 140x30: preview beside the form" wait_screen 20 "│ Preview"
tmx resize-window -t 0 -x 80 -y 24
ok "back to 80x24: preview below the form" wait_screen 20 "── Preview"
like "$(screen | head -1)" "^ tagmirror · set up a mirror" "no garbage on the title"

# Save with a password: secrets in NAME.secrets, mode 0600.
keys Tab Tab Tab Tab
type_text "alice"
keys Tab
type_text "s3cret-pw"
keys C-s
ok "Ctrl-S asks for a name" wait_screen 20 "Name:"
type_text "mine"
keys Enter
ok "saved" wait_screen 20 "Saved as mine"
conf="$XDG_CONFIG_HOME/tagmirror/mirrors/mine.conf"
sec="$XDG_CONFIG_HOME/tagmirror/mirrors/mine.secrets"
ok "mine.conf written" test -f "$conf"
is "$(stat -c %a "$sec" 2>/dev/null)" 600 "secrets file is 0600"
is "$(grep -c s3cret-pw "$conf")" 0 "the password is not in the .conf"
is "$(grep -c 's3cret-pw' "$sec")" 1 "the password is in the .secrets"
nok "the password is never drawn" _screen_has "s3cret-pw"

# Theme chosen in the app is remembered.  The shipped themes are found
# beside an in-tree binary; a VPATH build (make distcheck) has none there.
cp "$top_srcdir"/themes/*.theme "$XDG_CONFIG_HOME/tagmirror/themes/"
keys C-t
ok "Ctrl-T offers the themes" wait_screen 20 "Colour theme"
keys Down Down
keys Enter
ok "theme picked" wait_screen 20 "Theme [a-z-]+ \(remembered"
like "$(cat "$XDG_CONFIG_HOME/tagmirror/tui.conf" 2>/dev/null)" "^theme " \
	"remembered in tui.conf"
like "$(screen -e)" "$colour_sgr" "colours are drawn"
keys C-c
is "$(tui_exit 10)" 0 "Ctrl-C quits when no run is active"

# Load it back in a new session; NO_COLOR: attributes only, no colour.
tui_start 80 24 --theme default
wait_screen 30 "set up a mirror" || bail "second start"
keys C-o
ok "saved mirrors are listed" wait_screen 20 "mine"
keys Enter
ok "loading fills the form and lists" wait_screen 30 "Matched [0-9]+ of 12"
like "$(screen)" "alice" "the user came back"
keys C-c
tui_exit 10 >/dev/null

tui_server
NO_COLOR=1 tmx new-session -d -x 80 -y 24 \
	"cd '$TMPD' && NO_COLOR=1 '$TAGMIRROR' '$up_addr/app/x' '$dst_addr/app/x' --tags '1.*'; sleep 60"
ok "NO_COLOR: starts" wait_screen 30 "Matched"
unlike "$(screen -e)" "$colour_sgr" "NO_COLOR: no colour escapes"
like "$(screen -e)" $'\033\\[[0-9;]*7m' "NO_COLOR: reverse video marks the title"
tui_server
tmx new-session -d -x 80 -y 24 \
	"cd '$TMPD' && TERM=vt100 '$TAGMIRROR' '$up_addr/app/x' --tags '1.*'; sleep 60"
ok "a terminal without colours (vt100): starts" wait_screen 30 "Matched"
unlike "$(screen -e)" "$colour_sgr" "vt100: no colour escapes"

# Errors in place, in words, with the registry's code; and nothing a
# registry sends reaches the terminal: the proxy answers the tag list with
# escape sequences that would retitle the pane and clear the screen.
tui_start 80 24 "$up_addr/no/such" --tags '*'
ok "a missing repository is explained in place" \
	wait_screen 30 "not found on the source registry"
like "$(screen)" "registry code NAME_UNKNOWN" "with the registry's own code"
proxy_start evil "$up_url"
proxy_rules evil '[{"match": "/tags/list", "action": "status", "status": 403,
	"code": "DENIED", "message": "\u001b]2;pwned\u0007\u001b[2J\u001b[31mdenied"}]'
tui_start 80 24 "$evil_addr/app/x" --tags '*'
ok "a refusal is explained" wait_screen 30 "refused access"
like "$(screen)" "DENIED" "with its code"
like "$(screen)" "\?\]2;pwned\?\?\[2J\?\[31mdenied" "control characters drawn as '?'"
isnt "$(tmx display -p -t 0 '#{pane_title}')" "pwned" "the pane title is untouched"

# tmux itself needs UTF-8; only the program runs in the C locale.
tui_server
tmx new-session -d -x 80 -y 24 \
	"cd '$TMPD' && LC_ALL=C '$TAGMIRROR' '$up_addr/app/x' --tags '1.*'; sleep 60"
ok "C locale: starts" wait_screen 30 "Matched"
like "$(screen)" "^-- Preview ---" "C locale: ASCII rules"
unlike "$(screen)" "─|·" "C locale: no UTF-8 glyphs"
done_testing

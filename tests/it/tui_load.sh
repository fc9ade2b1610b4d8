# --load NAME opens the form filled from a saved mirror (what Ctrl-S
# writes and bash completion offers); an unknown name is one line, exit 1.
. "$top_srcdir/tests/lib.sh"

out=$("$TAGMIRROR" --load nosuch </dev/null 2>&1)
is "$?" 1 "an unknown saved mirror: exit 1"
like "$out" "^tagmirror: --load: no saved mirror 'nosuch'" "naming it, before any terminal"
out=$("$TAGMIRROR" somewhere/app --help </dev/null)
is "$?" 0 "the interactive mode's --help: exit 0"
like "$out" "--load NAME" "it lists --load"
is "$(printf '%s\n' "$out" | grep -c "$(printf '\033')")" 0 \
	"and starts no screen after it (no escape sequence)"
like "$("$TAGMIRROR" --help)" "--load NAME" "tagmirror --help lists the interactive options too"
out=$("$TAGMIRROR" preview x --tags a --load mine 2>&1)
like "$out" "does not apply to 'preview'" "--load is the interactive mode's"

mkdir -p "$XDG_CONFIG_HOME/tagmirror/mirrors"
cat >"$XDG_CONFIG_HOME/tagmirror/mirrors/mine.conf" <<'CONF'
# tagmirror saved mirror
src = 127.0.0.1:9/lib/python
dst = 127.0.0.1:9/mirror/python
tags = 3.12*, !*-rc*
jobs = 3
CONF
printf ':save-screen %s\n' "$TMPD/screen" >"$TMPD/script"
TAGMIRROR_SCRIPT="$TMPD/script" TAGMIRROR_NO_DISPLAY=1 \
	"$TAGMIRROR" somewhere/else --load mine >/dev/null 2>"$TMPD/err"
is "$?" 0 "the form opens"
s=$(cat "$TMPD/screen" 2>/dev/null)
like "$s" "Source +127\\.0\\.0\\.1:9/lib/python" "source from the saved mirror, over the argument"
like "$s" "Destination +127\\.0\\.0\\.1:9/mirror/python" "destination from it"
like "$s" "Tags +3\\.12\\*, !\\*-rc\\*" "its tag expression"
like "$s" "Jobs +3 " "and its jobs"
like "$s" "mirror mine" "the title names the saved mirror"
done_testing

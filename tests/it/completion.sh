# The bash completion script completes subcommands, each subcommand's own
# options (read from the binary's --help), theme names and saved mirror
# names, through the real bash-completion framework.
. "$top_srcdir/tests/lib.sh"
need bash
BC=/usr/share/bash-completion/bash_completion
[ -r "$BC" ] || bail "bash-completion is not installed (Debian package bash-completion)"

built="$top_builddir/contrib/bash-completion/tagmirror"
[ -r "$built" ] || bail "contrib/bash-completion/tagmirror is not built"
like "$(cat "$built")" "'/[^']*/share/tagmirror/themes'" \
	"the built script names the installed theme directory"
nok "and no @placeholder@ is left in it" grep -q '@[a-z]*@' "$built"

# The source script with the installed themes directory pointed at ours.
sed "s|@themedir@|$top_srcdir/themes|" \
	"$top_srcdir/contrib/bash-completion/tagmirror.in" >"$TMPD/tagmirror.bash"
mkdir -p "$XDG_CONFIG_HOME/tagmirror/themes" "$XDG_CONFIG_HOME/tagmirror/mirrors"
echo '# mine' >"$XDG_CONFIG_HOME/tagmirror/themes/mine.theme"
echo 'source=x' >"$XDG_CONFIG_HOME/tagmirror/mirrors/python-mirror.conf"
echo 'source=x' >"$XDG_CONFIG_HOME/tagmirror/mirrors/team-app.conf"
mkdir -p "$TMPD/pathbin"
ln -s "$TAGMIRROR" "$TMPD/pathbin/tagmirror"

# complete WORDS...: what TAB offers after the last word, one per line.
complete_words() {
	PATH="$TMPD/pathbin:$PATH" bash --norc -c '
		. "$1"; . "$2"; shift 2
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		_tagmirror tagmirror "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
		printf "%s\n" "${COMPREPLY[@]}" | sort' \
		sh "$BC" "$TMPD/tagmirror.bash" "$@" 2>&1
}

is "$(complete_words tagmirror '')" "$(printf 'preview\nrollback\nrun\nsync')" \
	"the subcommands"
is "$(complete_words tagmirror pr)" "preview" "a subcommand by its prefix"
is "$(complete_words tagmirror run --jo)" "--jobs" "run's --jobs"
is "$(complete_words tagmirror run --dry)" "--dry-run" "run's --dry-run"
is "$(complete_words tagmirror preview --dry)" "" "preview has no --dry-run"
is "$(complete_words tagmirror rollback --la)" "--last" "rollback's --last"
is "$(complete_words tagmirror sync --sh)" "--shard" "sync's --shard"
like "$(complete_words tagmirror --)" "--load" "the interactive mode's --load"
like "$(complete_words tagmirror --)" "--demo" "the TUI's own options"
is "$(complete_words tagmirror --theme '')" \
	"$(printf 'default\nhigh-contrast\nlight\nmine\nmono')" \
	"theme names: the user's and the installed ones"
is "$(complete_words tagmirror --theme hi)" "high-contrast" "a theme by its prefix"
is "$(complete_words tagmirror --load '')" "$(printf 'python-mirror\nteam-app')" \
	"saved mirror names"
mkdir -p "$XDG_CONFIG_HOME/tagmirror/sets"
: >"$XDG_CONFIG_HOME/tagmirror/sets/platform.yaml"
like "$(complete_words tagmirror --set pla)" "^platform$" "--set: saved set names"
done_testing

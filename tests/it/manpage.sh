# The man page documents every option each command's --help lists, every
# environment variable the program reads and every exit status.
. "$top_srcdir/tests/lib.sh"
MAN="$top_srcdir/man/tagmirror.1"

# The roff source spells "--x" as "\-\-x"; undo that for searching.
text=$(sed 's/\\-/-/g' "$MAN")
missing=""
for cmd in "" x preview run rollback; do
	case $cmd in
	"") help=$("$TAGMIRROR" --help) ;;
	x) help=$("$TAGMIRROR" x --help) ;;	# the interactive mode's own
	*) help=$("$TAGMIRROR" "$cmd" --help) ;;
	esac
	for o in $(printf '%s\n' "$help" | grep -oE '(^|[ ,])--[a-z][a-z-]*' |
		sed 's/^[ ,]*//' | sort -u); do
		printf '%s\n' "$text" | grep -qe "$o" || missing="$missing ${cmd:-tagmirror}:$o"
	done
done
is "$missing" "" "every option of every --help is in the man page"

vars=$(cat "$top_srcdir"/core/*.c "$top_srcdir"/core/*/*.c "$top_srcdir"/tui/*.c 2>/dev/null |
	grep -oE 'getenv\("[A-Z_]+"\)' | sed 's/getenv("//; s/")//' | sort -u)
[ -n "$vars" ] || bail "no getenv() found in the sources"
env_section=$(printf '%s\n' "$text" | sed -n '/^\.SH ENVIRONMENT/,/^\.SH /p')
missing=""
for v in $vars; do
	printf '%s\n' "$env_section" | grep -qw "$v" || missing="$missing $v"
done
is "$missing" "" "every environment variable the program reads is under ENVIRONMENT"

exits=$(printf '%s\n' "$text" | sed -n '/^\.SH EXIT STATUS/,/^\.SH /p')
for w in SUCCESS FAIL PARTIAL_MIRROR ROLLED_BACK CANCELLED; do
	like "$exits" "$w" "exit status $w is documented"
done
for sub in preview run rollback; do
	like "$text" "^\.SS tagmirror $sub" "a section for tagmirror $sub"
	like "$exits" "tagmirror $sub" "and its exit statuses"
done
done_testing

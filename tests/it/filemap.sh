# docs/files.md maps the tree: every C file of core/ and tui/ has its line
# there, every path it names exists, and every C file (library, program,
# tests, tools, fuzzers, bench) opens with a comment saying its job.
. "$top_srcdir/tests/lib.sh"
MAP="$top_srcdir/docs/files.md"
[ -r "$MAP" ] || bail "docs/files.md is missing"

cd "$top_srcdir" || bail "no source tree"
# The paths in each table row's first cell ("| `a.c`, `a.h` | what |").
named=$(sed -n 's/^| \([^|]*\)|.*/\1/p' "$MAP" | grep -oE '`[^`]+`' | tr -d '`' | sort)
missing=""
for f in core/*.[ch] core/*/*.[ch] tui/*.[ch]; do
	printf '%s\n' "$named" | grep -qxF "$f" || missing="$missing $f"
done
is "$missing" "" "every source and header of core/ and tui/ has a line in docs/files.md"
gone=""
for f in $named; do
	[ -e "$f" ] || gone="$gone $f"
done
is "$gone" "" "every path docs/files.md names exists"
nohead=""
for f in core/*.c core/*/*.c tui/*.c tests/unit/*.c tests/tools/*.c tests/fuzz/*.c \
	bench/*.c bench/*/*.c; do
	[ -e "$f" ] || continue
	head -1 "$f" | grep -q '^/\*' || nohead="$nohead $f"
done
is "$nohead" "" "every C file opens with a comment saying its job"
done_testing

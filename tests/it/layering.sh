# core/ never includes curses; tui/ never speaks HTTP (design card).
. "$top_srcdir/tests/lib.sh"

hits=$(grep -lE '#[[:space:]]*include[[:space:]]*[<"](n?curses|ncursesw/|term\.h|panel\.h)' \
	"$top_srcdir"/core/*.c "$top_srcdir"/core/*.h 2>/dev/null)
is "$hits" "" "no curses header in core/"
hits=$(grep -lE '#[[:space:]]*include[[:space:]]*[<"](curl/|http\.h|auth\.h)' \
	"$top_srcdir"/tui/*.c "$top_srcdir"/tui/*.h 2>/dev/null)
is "$hits" "" "no libcurl or HTTP header in tui/"
hits=$(grep -nE '(^|[^a-z_])printf\(|\bputs\(|\bperror\(|(fputs|fputc|fprintf|vfprintf|fwrite)\(.*\b(stderr|stdout)\b' "$top_srcdir"/core/*.c)
is "$hits" "" "core/ prints nothing (errors are values)"
done_testing

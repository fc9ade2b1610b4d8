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
# == engine: one home, no circles ==
hits=$(grep -rlE '#[[:space:]]*include[[:space:]]*"(engine/)?internal\.h"' \
	"$top_srcdir"/core "$top_srcdir"/tui "$top_srcdir"/tests "$top_srcdir"/bench \
	--include='*.c' --include='*.h' 2>/dev/null | grep -v "^$top_srcdir/core/engine/")
is "$hits" "" "only core/engine/ includes the engine's internal header"
hits=$(python3 "$top_srcdir/tests/tools/structure.py" "$top_srcdir" --cycles |
	grep 'core/engine/')
is "$hits" "" "no circle involving core/engine modules"
hits=$(grep -lE '#[[:space:]]*include[[:space:]]*[<"](n?curses|ncursesw/|term\.h|panel\.h)' \
	"$top_srcdir"/core/engine/*.[ch] 2>/dev/null)
is "$hits" "" "no curses header in core/engine/"
hits=$(grep -nE '(^|[^a-z_])printf\(|\bputs\(|\bperror\(|(fputs|fputc|fprintf|vfprintf|fwrite)\(.*\b(stderr|stdout)\b' \
	"$top_srcdir"/core/engine/*.c)
is "$hits" "" "core/engine/ prints nothing (errors are values)"
# == end engine ==
done_testing

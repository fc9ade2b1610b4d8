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
# == client: core/registry/ is one sealed module ==
reg="$top_srcdir/core/registry"
hits=$(grep -rlE '#[[:space:]]*include[[:space:]]*"([^"]*/)?internal\.h"' \
	"$top_srcdir"/core "$top_srcdir"/tui "$top_srcdir"/tests "$top_srcdir"/bench \
	--include='*.c' --include='*.h' 2>/dev/null | grep -v "^$reg/")
is "$hits" "" "only core/registry/ includes the client's internal header"
hits=$(grep -lE '#[[:space:]]*include[[:space:]]*"(request|httpparse|ca|upload)\.h"' \
	"$top_srcdir"/tui/*.c "$top_srcdir"/tui/*.h 2>/dev/null)
is "$hits" "" "no request-level client header in tui/"
hits=$(grep -lE '#[[:space:]]*include[[:space:]]*[<"](n?curses|ncursesw/|term\.h|panel\.h)' \
	"$reg"/*.c "$reg"/*.h 2>/dev/null)
is "$hits" "" "no curses header in core/registry/"
hits=$(grep -nE '(^|[^a-z_])printf\(|\bputs\(|\bperror\(|(fputs|fputc|fprintf|vfprintf|fwrite)\(.*\b(stderr|stdout)\b' "$reg"/*.c)
is "$hits" "" "core/registry/ prints nothing (errors are values)"
# Only circles through the client for now; the lead widens this to all.
hits=$(python3 "$top_srcdir/tests/tools/structure.py" "$top_srcdir" --cycles |
	grep 'core/registry/')
is "$hits" "" "no include or call circle involves a core/registry/ module"
# == end client ==
# == tui: models apart from screens ==
# A model (tui/model_*) includes no screen, dialog or curses header and
# opens nothing; the screens and the app act on what it returns.
hits=$(grep -HnE '#[[:space:]]*include[[:space:]]*[<"](screen|screens|dialog|help|loop|global|app|draw|script)[_.a-z]*\.h[">]|#[[:space:]]*include[[:space:]]*<n?curses' \
	"$top_srcdir"/tui/model_*.c "$top_srcdir"/tui/model_*.h 2>/dev/null)
is "$hits" "" "models include no screens"
hits=$(grep -HnE '\b[a-z_]+_open[[:space:]]*\(|\bdialog_[a-z]+[[:space:]]*\(' \
	"$top_srcdir"/tui/model_*.c 2>/dev/null)
is "$hits" "" "models open no screen or dialog"
hits=$(grep -HnE '\bmirror_[a-z_]+[[:space:]]*\(' \
	"$top_srcdir"/tui/screen_*.c 2>/dev/null)
is "$hits" "" "screens read the run model, never the engine"
hits=$(python3 "$top_srcdir/tests/tools/structure.py" "$top_srcdir" --cycles |
	grep 'tui/')
is "$hits" "" "no circle in tui/"
# == end tui ==
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

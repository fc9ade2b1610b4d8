# The house as built: core/ never includes curses and never prints, tui/
# never speaks HTTP (design card); each folder's internal.h stays inside
# its folder; models see no screens and screens no engine; no module
# circle anywhere; no function grows past the size issue 11 split them to.
. "$top_srcdir/tests/lib.sh"
core="$top_srcdir/core"
tui="$top_srcdir/tui"
structure() { python3 "$top_srcdir/tests/tools/structure.py" "$top_srcdir" "$@"; }

hits=$(grep -rlE '#[[:space:]]*include[[:space:]]*[<"](n?curses|ncursesw/|term\.h|panel\.h)' \
	"$core" --include='*.c' --include='*.h')
is "$hits" "" "no curses header anywhere in core/"
hits=$(grep -rnE '(^|[^a-z_])printf\(|\bputs\(|\bperror\(|(fputs|fputc|fprintf|vfprintf|fwrite)\(.*\b(stderr|stdout)\b' \
	"$core" --include='*.c')
is "$hits" "" "core/ prints nothing (errors are values)"
hits=$(grep -lE '#[[:space:]]*include[[:space:]]*[<"](curl/|request\.h|httpparse\.h|ca\.h|upload\.h|auth\.h)' \
	"$tui"/*.c "$tui"/*.h)
is "$hits" "" "no libcurl or request-level client header in tui/"

# A quoted include resolves beside the including file first, so a file may
# include "internal.h" only when its own folder has one (core/registry/ and
# core/engine/); a path to another folder's is never right.
hits=$(grep -rlE '#[[:space:]]*include[[:space:]]*"internal\.h"' \
	"$core" "$tui" "$top_srcdir/tests" "$top_srcdir/bench" --include='*.c' --include='*.h' |
	while read -r f; do [ -f "$(dirname "$f")/internal.h" ] || echo "$f"; done)
is "$hits" "" "internal.h is included only inside its own folder"
hits=$(grep -rlE '#[[:space:]]*include[[:space:]]*"[^"]*/internal\.h"' \
	"$core" "$tui" "$top_srcdir/tests" "$top_srcdir/bench" --include='*.c' --include='*.h')
is "$hits" "" "and never by a path from outside it"
ok "the client and the engine each have one" \
	test -f "$core/registry/internal.h" -a -f "$core/engine/internal.h"

# A model (tui/model_*) includes no screen, dialog or curses header and
# opens nothing; the screens and the app act on what it returns.
hits=$(grep -HnE '#[[:space:]]*include[[:space:]]*[<"](screen|screens|dialog|help|loop|global|app|draw|script)[_.a-z]*\.h[">]|#[[:space:]]*include[[:space:]]*<n?curses' \
	"$tui"/model_*.c "$tui"/model_*.h)
is "$hits" "" "models include no screens"
hits=$(grep -HnE '\b[a-z_]+_open[[:space:]]*\(|\bdialog_[a-z]+[[:space:]]*\(' "$tui"/model_*.c)
is "$hits" "" "models open no screen or dialog"
hits=$(grep -HnE '\bmirror_[a-z_]+[[:space:]]*\(' "$tui"/screen_*.c)
is "$hits" "" "screens read the run model, never the engine"

is "$(structure --cycles)" "" "no include or call circle between any two modules"
long=$(structure --long 90 | sed -n 's/^ *\([0-9][0-9]*\) \(.*\)/\1 \2/p')
is "$long" "" "no function over 90 lines"
done_testing

# The core library leaks nothing and makes no memory errors under valgrind:
# the unit tests, the registry client against a real registry, and a whole
# mirror run with worker threads (engine, journal, report).
. "$top_srcdir/tests/lib.sh"

sanitized && skip_all "valgrind cannot run an ASan build"
need valgrind

VG="valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite,indirect \
--show-leak-kinds=definite,indirect --error-exitcode=99 --child-silent-after-fork=yes"

# vg NAME CMD...: run CMD under valgrind, pass when it exits as it would
# without (0) and valgrind reported nothing.
vg() {
	local name="$1" rc
	shift
	$VG "$@" >"$TMPD/$name.out" 2>"$TMPD/$name.err"
	rc=$?
	is "$rc" 0 "valgrind clean: $name"
	[ "$rc" = 0 ] || diag "$(grep -E '==[0-9]+==' "$TMPD/$name.err" | head -20)"
}

for t in err ref manifest evq tagexpr journal blobset auth http referrers; do
	vg "${t}_test" "$top_builddir/tests/unit/${t}_test"
done

registry_start src
registry_start dst
seed "$src_addr" lib/app "$TMPD/seeded" --tags 1.0,1.1,2.0,2.0-slim,latest \
	--referrers "$TMPD/refs" >/dev/null ||
	bail "seeding failed"
regtool="$top_builddir/tests/tools/regtool"
digest=$(awk '$1 == "1.0" { print $2 }' "$TMPD/seeded")
vg "regtool tags" "$regtool" tags "$src_addr" lib/app
vg "regtool manifest-get" "$regtool" manifest-get "$src_addr" lib/app "$digest"

vg "tagmirror run" "$TAGMIRROR" run "$src_addr/lib/app" "$dst_addr/mirror/app" \
	--tags '1.*,latest' --jobs 3
like "$(cat "$TMPD/tagmirror run.out")" 'SUCCESS' "the run under valgrind mirrored every tag"
vg "tagmirror rollback" "$TAGMIRROR" rollback --last
got=$("$regtool" tags "$dst_addr" mirror/app 2>/dev/null | wc -l)
is "$got" 0 "the rollback under valgrind emptied the destination again"
done_testing

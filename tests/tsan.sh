#!/bin/sh
# ThreadSanitizer over the threaded code: the event queue and engine unit
# tests, and the engine run through mirror-drive (engine_api.sh) and
# through `tagmirror run` (engine_partial.sh), with lanes beside the
# workers (engine_lanes.sh).  Prints TAP, one line per
# test: ok when it passed and TSan reported nothing that tests/tsan.supp
# does not explain.
#
#   tests/tsan.sh BUILDDIR
#
# BUILDDIR is a copy of the tree configured with --enable-tsan (not the
# ASan build: the two exclude each other); what the tests need is built
# there first.
set -u
here=$(cd "$(dirname "$0")" && pwd)
[ $# -eq 1 ] || { echo "usage: $0 BUILDDIR" >&2; exit 2; }
build=$(cd "$1" && pwd) || exit 2
grep -q -- '-fsanitize=thread' "$build/Makefile" 2>/dev/null ||
	{ echo "Bail out! $build is not configured with --enable-tsan"; exit 1; }
tests="tests/unit/evq_test tests/unit/journal_test tests/unit/blobset_test
tests/it/engine_api.sh tests/it/engine_partial.sh tests/it/engine_lanes.sh"
# Every process writes its reports to a file of its own (log_path), so
# none is lost in a test that swallows a program's stderr.
out=$build/tsan
rm -rf "$out"
mkdir -p "$out"
make -C "$build" -j2 tagmirror tests/tools/mirror-drive tests/unit/evq_test \
	tests/unit/journal_test tests/unit/blobset_test >"$out/build.log" 2>&1 ||
	{ echo "Bail out! build failed (see $out/build.log)"; exit 1; }
n=0
failed=0
for t in $tests; do
	n=$((n + 1))
	name=$(basename "$t")
	TSAN_OPTIONS="suppressions=$here/tsan.supp log_path=$out/$name second_deadlock_stack=1" \
		make -C "$build" check TESTS="$t" >"$out/$name.make.log" 2>&1
	reports=$(cat "$out/$name".[0-9]* 2>/dev/null | grep -c 'WARNING: ThreadSanitizer')
	if grep -q '^:test-result: PASS' "$build/${t%.sh}.trs" 2>/dev/null &&
	    ! grep -qE '^:test-result: (FAIL|ERROR)' "$build/${t%.sh}.trs" &&
	    [ "$reports" -eq 0 ]; then
		echo "ok $n - $t: passes, no ThreadSanitizer report"
	else
		failed=$((failed + 1))
		echo "not ok $n - $t: $reports ThreadSanitizer reports ($out/$name.*)"
		cat "$out/$name".[0-9]* 2>/dev/null | head -30 | sed 's/^/# /'
	fi
done
echo "1..$n"
[ "$failed" -eq 0 ]

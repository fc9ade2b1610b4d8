#!/bin/sh
# Run every libFuzzer target of a fuzzing build briefly, then on its
# regression inputs, and print TAP: "ok N - TARGET ..." per target.
#
#   tests/fuzz/smoke.sh BUILDDIR [SECONDS]    (default 5 s per target)
#
# BUILDDIR was configured with CC=clang --enable-fuzzing and `make fuzz`
# was run there.  The seed corpora are read, never written: new inputs go
# to a scratch copy.  A crash, leak, timeout (10 s on one input) or
# going over 1 GB fails the target, and the reproducer is kept in
# ${FUZZ_ARTIFACTS:-BUILDDIR/tests/fuzz/artifacts}/ (the diag line names it).
set -u
here=$(cd "$(dirname "$0")" && pwd)
[ $# -ge 1 ] || { echo "usage: $0 BUILDDIR [SECONDS]" >&2; exit 2; }
build=$(cd "$1" && pwd) || exit 2
secs=${2:-5}
artifacts=${FUZZ_ARTIFACTS:-$build/tests/fuzz/artifacts}
work=$(mktemp -d "${TMPDIR:-/tmp}/tm-fuzz-smoke.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
mkdir -p "$artifacts"
# The targets' own temporary files go under $work too.
TMPDIR=$work
export TMPDIR
# LeakSanitizer is on by default in libFuzzer; say so for the record.
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export ASAN_OPTIONS UBSAN_OPTIONS

n=0
failed=0
for src in "$here"/*.c; do
	t=$(basename "$src" .c)
	bin=$build/tests/fuzz/$t
	n=$((n + 1))
	if [ ! -x "$bin" ]; then
		echo "not ok $n - $t: $bin missing (make fuzz in $build)"
		failed=$((failed + 1))
		continue
	fi
	mkdir -p "$work/corpus/$t"
	log=$work/$t.log
	opts="-rss_limit_mb=1024 -malloc_limit_mb=1024 -timeout=10 -artifact_prefix=$artifacts/$t-"
	# shellcheck disable=SC2086
	"$bin" $opts -max_total_time="$secs" -print_final_stats=1 \
		"$work/corpus/$t" "$here/corpus/$t" >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	what="${runs:-?} runs in ${secs}s"
	if [ "$rc" -eq 0 ] && [ -d "$here/regress/$t" ]; then
		# shellcheck disable=SC2086
		"$bin" $opts "$here/regress/$t"/* >>"$log" 2>&1
		rc=$?
		what="$what, $(ls "$here/regress/$t" | wc -l) regression inputs"
	fi
	if [ "$rc" -eq 0 ]; then
		echo "ok $n - $t ($what)"
	else
		failed=$((failed + 1))
		echo "not ok $n - $t ($what)"
		grep -E 'ERROR|SUMMARY|Test unit written|runtime error' "$log" |
			head -8 | sed 's/^/# /'
	fi
done
echo "1..$n"
[ "$failed" -eq 0 ]

#!/bin/sh
# Every test, the way CI runs them; the last line totals them all:
# "N passed, N failed, N skipped".
#
#   sh tests/check.sh          everything: the suite from the release tarball
#                              (make distcheck: read-only sources, install,
#                              uninstall); the suite again built with
#                              ASan+UBSan; every libFuzzer target briefly
#                              with its regression inputs (clang); the
#                              threaded tests under TSan.  Each build is
#                              made from the tarball in a directory of its own
#   sh tests/check.sh --quick [CONFIGURE-OPTION...]
#                              the suite in this tree only (while working)
#
# Each stage's whole output is kept under $TM_CHECK_LOGS (default: a
# fresh directory in $TMPDIR), named in the stage's summary line.
set -u
cd "$(dirname "$0")/.."
top=$(pwd)
jobs=$(nproc 2>/dev/null || echo 2)
# The tests wait on registries, proxies and terminals more than they
# compute: twice as many tests as cores run at once.
tjobs=$((jobs * 2))

configure_here() {
	if [ ! -x configure ] || [ configure.ac -nt configure ] || [ Makefile.am -nt configure ]; then
		./autogen.sh >/dev/null 2>&1 || { ./autogen.sh; return 1; }
	fi
	if [ ! -f Makefile ] || [ $# -gt 0 ]; then
		./configure --enable-werror "$@" >/dev/null ||
			{ echo "configure failed (see config.log)"; return 1; }
	fi
	make -j"$jobs" >/dev/null || { make; return 1; }
}

passed=0 failed=0 skipped=0
# stage NAME CMD...: run CMD with its output in NAME.log, count the TAP
# results automake's driver printed, and add them to the totals.  A stage
# that fails without a failed test (a build error) counts as one failure.
stage() {
	name=$1
	shift
	log="$logs/$name.log"
	start=$(date +%s)
	"$@" >"$log" 2>&1
	rc=$?
	# automake's driver prints "PASS: file N - desc"; a TAP script run
	# directly (fuzz, tsan) prints "ok N - desc".
	p=$(grep -cE '^PASS: |^ok [0-9]+ - ' "$log")
	f=$(grep -cE '^(FAIL|XPASS|ERROR): |^not ok |^Bail out!' "$log")
	s=$(grep -cE '^SKIP: |^ok [0-9]+ - .*# SKIP' "$log")
	p=$((p - $(grep -cE '^ok [0-9]+ - .*# SKIP' "$log")))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		tail -20 "$log"
	fi
	grep -E '^(FAIL|XPASS|ERROR): |^not ok |^Bail out!' "$log" | head -40
	echo "$name: $p passed, $f failed, $s skipped in $(($(date +%s) - start)) s ($log)"
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
}

# beside NAME CMD...: stage NAME in the background; besides NAME, after a
# wait, prints what it printed and adds its totals.
beside() {
	(
		passed=0 failed=0 skipped=0
		stage "$@"
		echo "$passed $failed $skipped" >"$logs/$1.totals"
	) >"$logs/$1.stage" 2>&1 &
}
besides() {
	cat "$logs/$1.stage"
	set -- $(cat "$logs/$1.totals" 2>/dev/null || echo "0 1 0")
	passed=$((passed + $1)) failed=$((failed + $2)) skipped=$((skipped + $3))
}

# unpack NAME CONFIGURE-OPTION...: the tarball in $work/NAME, configured;
# the shell is left in it.
unpack() {
	dir="$work/$1"
	shift
	mkdir -p "$dir" && tar -xzf "$tarball" -C "$dir" && cd "$dir"/* &&
		./configure "$@" >/dev/null
}

# The suite built with ASan and UBSan.
sanitized_suite() {
	unpack asan --enable-werror --enable-sanitizers &&
		make -j"$jobs" >/dev/null && make -j"$tjobs" -k check
	rc=$?
	cd "$top"
	return $rc
}

# Every fuzz target for a few seconds, plus its regression inputs.
fuzz_smoke() {
	unpack fuzz CC=clang --enable-werror --enable-fuzzing &&
		make -j"$jobs" fuzz >/dev/null && sh tests/fuzz/smoke.sh . 3
	rc=$?
	cd "$top"
	return $rc
}

# The event queue, journal, blob set and engine tests under TSan.
tsan_run() {
	unpack tsan --enable-werror --enable-tsan && sh tests/tsan.sh .
	rc=$?
	cd "$top"
	return $rc
}

logs=${TM_CHECK_LOGS:-$(mktemp -d "${TMPDIR:-/tmp}/tagmirror-check.XXXXXX")}
mkdir -p "$logs"
if [ "${1:-}" = --quick ]; then
	shift
	configure_here "$@" || { echo "0 passed, 1 failed"; exit 1; }
	stage suite make -j"$tjobs" -k check
else
	configure_here || { echo "0 passed, 1 failed"; exit 1; }
	work="$logs/build"
	mkdir -p "$work"
	stage distcheck make -j"$tjobs" distcheck
	tarball=$(ls -t "$top"/tagmirror-*.tar.gz 2>/dev/null | head -1)
	if [ -z "$tarball" ]; then
		stage dist make dist
		tarball=$(ls -t "$top"/tagmirror-*.tar.gz 2>/dev/null | head -1)
	fi
	if [ -n "$tarball" ]; then
		stage sanitizers sanitized_suite
		# Fuzzing and TSan each keep about one core busy: side by side.
		beside fuzz fuzz_smoke
		stage tsan tsan_run
		wait
		besides fuzz
	fi
	rm -rf "$work"
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]

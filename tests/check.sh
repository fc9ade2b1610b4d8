#!/bin/sh
# Build and run the whole suite through automake's TAP driver, then print
# one total line, "N passed, N failed, N skipped", as the last line.
# Usage: tests/check.sh [extra configure options]
set -u
cd "$(dirname "$0")/.."
if [ ! -x configure ] || [ configure.ac -nt configure ] || [ Makefile.am -nt configure ]; then
	./autogen.sh >/dev/null 2>&1 || { echo "autogen.sh failed"; ./autogen.sh; exit 1; }
fi
if [ ! -f Makefile ] || [ $# -gt 0 ]; then
	./configure --enable-werror "$@" >/dev/null || { echo "configure failed (see config.log)"; exit 1; }
fi
make -j"$(nproc 2>/dev/null || echo 2)" >/dev/null || { make; echo "0 passed, 1 failed"; exit 1; }
make -j2 -k check
status=$?
passed=$(cat tests/unit/*.trs tests/it/*.trs 2>/dev/null | grep -c '^:test-result: PASS')
failed=$(cat tests/unit/*.trs tests/it/*.trs 2>/dev/null | grep -cE '^:test-result: (FAIL|XPASS|ERROR)')
skipped=$(cat tests/unit/*.trs tests/it/*.trs 2>/dev/null | grep -c '^:test-result: SKIP')
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
	failed=1
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]

#!/bin/sh
# Tag expression speed (issue #3): 100,000 tags against a 20-item
# expression must take well under 100 ms.  Run with `make bench-match`,
# or: sh bench/match/run.sh ./bench/match/tagexpr-bench [N]
# For scale it also times Python's fnmatch (Quay's matcher) on the same
# tags and globs.  Not part of `make check`.
set -eu
bin="$1"
n="${2:-100000}"
top=$(cd "$(dirname "$0")/../.." && pwd)
list="$top/tests/data/python-tags-all.txt"
[ -r "$list" ] || { echo "bench-match: $list not found" >&2; exit 1; }

echo "tagmirror: $("$bin" "$list" "$n")"
python3 - "$list" "$n" <<'PY'
import fnmatch, sys, time
real = open(sys.argv[1]).read().split()
n = int(sys.argv[2])
tags = [real[i] if i < len(real) else "%s-b%d" % (real[i % len(real)], i // len(real))
        for i in range(n)]
globs = ("latest,3.[789].?,3.[789].??,3.??.?,3.??.??,3.??.??-*,3.??.?-*,3-*,"
         "3.[789].?-*,3.[789].??-*,3.6-*,3.9.??-slim-*,3.10.?-slim*,*rc*,"
         "*-alpine3.1[89],2.7.*,3.1[0-3]-*,*windows*,*-ltsc2016,[0-9]*-bullseye").split(",")
t0 = time.perf_counter()
hits = sum(1 for t in tags for g in globs if fnmatch.fnmatchcase(t, g))
dt = (time.perf_counter() - t0) * 1e3
print("python fnmatch: %d tags x %d globs: %d hits in %.0f ms" % (n, len(globs), hits, dt))
PY

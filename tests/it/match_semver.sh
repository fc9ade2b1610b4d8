# Differential test: semver: ranges and latest:N[:GLOB] against an
# independent Python reference (tests/tools/semver_ref.py, written from the
# documented rules) over the real python tag lists, with generated ranges
# and expressions (600 and 500 by default) plus hand-picked ones; then a few
# through `tagmirror preview --tag-list`, as a user runs them.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/it/match.lib"

CLI="$top_builddir/tests/tools/tagexpr-cli"
REF="$top_srcdir/tests/tools/semver_ref.py"
[ -x "$CLI" ] || bail "tests/tools/tagexpr-cli is not built"
TAGS="$TM_DATA/python-tags.txt"
ALL="$TM_DATA/python-tags-all.txt"
[ -r "$TAGS" ] && [ -r "$ALL" ] || bail "tag lists not found under $TM_DATA"

cat >"$TMPD/gen.py" <<'PY'
import random, sys

rng = random.Random(int(sys.argv[1]))
d = sys.argv[2]
n = int(sys.argv[3])
# Versions and operators as the python tags make them interesting: 2.x and
# 3.x, two- and three-part, 'v', wildcards, pre-releases ("-0", "-rc").
VERS = ["2", "2.7", "2.7.18", "3", "3.x", "3.*", "3.X", "3.9", "3.10",
	"3.10.x", "3.11.4", "3.12.4", "3.13.0", "3.13", "v3.11", "3.11.0-0",
	"3.12.0-rc", "3.13.0-rc", "3.12.4-slim", "0", "0.1", "0.0.1", "x", "*",
	"4", "3.7.17", "3.14.0-0", "3.12.4-slim-bookworm", "3.8.x", "v3"]
OPS = ["", "=", "!=", ">", "<", ">=", "=>", "<=", "=<", "~", "~>", "^"]
# The library's answers for a bare wildcard after these operators are
# its own (see core/semver.c); the reference follows the documentation.
ODD = {"!=", ">", "<=", "=<", "^"}

def cons():
	while True:
		op, v = rng.choice(OPS), rng.choice(VERS)
		if not (v in ("x", "*") and op in ODD):
			return op + rng.choice(["", "", " "]) + v

def group(comma):
	if rng.random() < 0.15:
		lo = rng.choice(VERS)
		hi = rng.choice([v for v in VERS if v not in ("x", "*")])
		return lo + " - " + hi
	seps = [" ", "  ", ", ", ","] if comma else [" ", "  "]
	out = cons()
	for _ in range(rng.randint(0, 2)):
		out += rng.choice(seps) + cons()
	return out

def rng_range(comma):
	out = group(comma)
	if rng.random() < 0.25:
		out += rng.choice(["||", " || "]) + group(comma)
	return out

BAD = ["", ">=", "3.x.y", ">=3.10<3.13", "3.12,", "|| 3", "3 | 4", ">>3",
	"3.12 - ", ">=3.1 - 3.4", "3.12.4-01", "3.1.2.3"]
ranges = [rng_range(True) for _ in range(n)] + BAD + [
	">= 3.10, < 3.13", "~3.12", "^3", ">=3.10.0-0", "3.x", "3.9 - 3.11",
	">=3.12 || <3"]

SUFFIX = ["-slim*", "-slim", "*", "", "-alpine*", "-*bookworm",
	"-windowsservercore*", "-slim-bookworm", "-?*"]
GLOBS = ["3.1*", "3.12*", "*-slim", "3.?", "*alpine*", "[a-z]*", "3.13.0[ab]*",
	"3.*", "2.*", "*", "*rc*", "3.1?-*", "3.?.?"]
EXCL = ["!*-rc*", "!*windows*", "!semver:<3.10", "!re:.*alpine.*",
	"!3.1[0-1]*", "!semver:>=3.13.0-0", "!*b?", "!semver:~3.12;suffix=*"]

def item():
	r = rng.random()
	if r < 0.45:
		s = "semver:" + rng_range(False)
		if rng.random() < 0.3:
			s += rng.choice([";", " ;", "; "]) + "suffix=" + \
			    rng.choice(SUFFIX)
		return s
	if r < 0.8:
		s = "latest:%d" % rng.choice([1, 2, 3, 5, 10, 40, 400])
		if rng.random() < 0.6:
			s += ":" + rng.choice(GLOBS)
		return s
	return rng.choice(GLOBS + ["re:3\\.9\\..*", "re:[0-9]+"])

exprs = []
for _ in range(n * 5 // 6):
	items = [item() for _ in range(rng.randint(1, 3))]
	items += rng.sample(EXCL, rng.randint(0, 2))
	rng.shuffle(items)
	exprs.append(", ".join(items))
exprs += ["semver:>=3.10 <3.13", "semver:~3.12", "semver:^3",
	"semver:~3.12;suffix=-slim*", "latest:5", "latest:5, !*-rc*",
	"latest:3:3.12*", "latest:10:3.1?-*, !*windows*", "latest:1:[a-z]*",
	"semver:*;suffix=*, !semver:<3.12;suffix=*", "!latest:3", "latest:0",
	"latest:3:", "semver:", "semver:~3;x", "semver:>=3, latest:2:2.*"]

def write(path, rows):
	with open(path, "w", encoding="latin-1", newline="") as f:
		f.write("".join(r + "\n" for r in rows))

write(d + "/range.pats", ranges)
write(d + "/expr.pats", exprs)
print(len(ranges), len(exprs))
PY

# TM_SEMVER_CASES=3000 (or more) for a long run; the default keeps the
# suite, which runs this three times in CI, within its time.
counts=$(python3 "$TMPD/gen.py" "${TM_FUZZ_SEED:-4296}" "$TMPD" \
	"${TM_SEMVER_CASES:-600}") ||
	bail "the case generator failed"
diag "cases: $counts (ranges, expressions)"

# report NAME: lines where ours and Python's differ, the first three shown.
report() {
	python3 - "$TMPD/$1" <<'PY'
import sys
p = sys.argv[1]
rd = lambda s: open(p + s, encoding="latin-1").read().split("\n")
P, G, W = rd(".pats"), rd(".got"), rd(".want")
bad = [i for i in range(len(P)) if i >= len(G) or G[i] != W[i]]
for i in bad[:3]:
	print("# %r: python %r, ours %r" % (P[i], W[i][:60], G[i][:60] if i < len(G) else None))
print(len(bad))
PY
}

for list in "$TAGS" "$ALL"; do
	base=$(basename "$list" .txt)
	for mode in range expr; do
		python3 "$REF" "$mode" "$list" "$TMPD/$mode.pats" \
			"$TMPD/$mode.want" || bail "the Python reference failed"
		flag=--batch
		[ "$mode" = range ] && flag=--range
		"$CLI" "$flag" "$TMPD/$mode.pats" <"$list" >"$TMPD/$mode.got"
		r=$(report "$mode")
		printf '%s\n' "$r" | grep '^#'
		is "$(printf '%s\n' "$r" | tail -1)" 0 \
			"$mode: ours and Python's agree on every line over $base"
	done
	# The generated cases must mean something: most select some tags and
	# some are errors, on both sides.
	n=$(grep -c '^[0-9]' "$TMPD/expr.want")
	all=$(wc -l <"$TMPD/expr.pats")
	ok "most expressions select tags over $base ($n of $all)" \
		[ $((n * 10)) -gt $((all * 6)) ]
	n=$(grep -c '^E$' "$TMPD/range.want")
	ok "bad ranges are errors over $base ($n)" [ "$n" -ge 12 ]
done

# Hand-picked, through tagmirror preview as a user runs it.
prev --tag-list "$TAGS" --tags 'semver:>=3.12 <3.13'
is "$(tags_of "$out" | tr '\n' ' ')" "3.12 3.12.0 3.12.1 3.12.2 3.12.3 3.12.4 3.12.5 3.12.6 3.12.7 " \
	"preview: semver:>=3.12 <3.13 selects the 3.12 releases, no variants"
prev --tag-list "$TAGS" --tags 'semver:~3.12.7;suffix=-slim*'
is "$(tags_of "$out" | tr '\n' ' ')" "3.12.7-slim 3.12.7-slim-bookworm 3.12.7-slim-bullseye " \
	"preview: a suffix filter picks the slim variants on purpose"
prev --tag-list "$TAGS" --tags 'latest:3:3.1?.*, !*-*'
is "$(tags_of "$out" | tr '\n' ' ')" "3.12.6 3.12.7 3.13.0 " \
	"preview: latest:3 among what the exclude leaves"
like "$errout" "latest:3:3[.]1[?][.][*] +3 matched" "preview counts what latest: chose (on stderr)"
like "$errout" '!\*-\* +[0-9]+ removed' "preview counts what the exclude took away"
prev --tag-list "$TAGS" --tags '3.9, semver:>=y'
is "$rc" 1 "preview: a bad range fails before any listing"
like "$errout" "item 2 'semver:>=y' at column 6: bad range" \
	"the error names the item and its column"

done_testing

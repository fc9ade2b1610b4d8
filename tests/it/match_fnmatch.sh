# Differential test: our glob matching against Python's fnmatch.fnmatchcase
# (the matcher Quay uses) on the python tag lists in tests/data and on thousands
# of generated patterns, plus the expression layer (commas, blanks, "!").
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/it/match.lib"

CLI="$top_builddir/tests/tools/tagexpr-cli"
[ -x "$CLI" ] || bail "tests/tools/tagexpr-cli is not built"
TAGS="$TM_DATA/python-tags.txt"
ALL="$TM_DATA/python-tags-all.txt"
[ -r "$TAGS" ] && [ -r "$ALL" ] || bail "tag lists not found under $TM_DATA"

# The oracle.  All files are latin-1 so that Python matches bytes, as we
# do.  One run prepares every case, one more judges our answers: each
# python3 start is slow here.
cat >"$TMPD/oracle.py" <<'PY'
import fnmatch, random, sys, warnings
from taglists import lines, write
warnings.simplefilter("ignore")	# "possible nested set" on odd patterns
WS = " \t\n\r\f\v"

def select(expr, names):
	"""Quay's rule plus our '!' excludes; None for a malformed item."""
	inc, exc = [], []
	for it in expr.split(","):
		it = it.strip(WS)
		if not it:
			continue
		if it.startswith("!"):
			p = it[1:].lstrip(WS)
			if not p:
				return None
			exc.append(p)
		else:
			inc.append(it)
	if not inc and not exc:
		return []
	out = []
	for i, n in enumerate(names):
		hit = any(fnmatch.fnmatchcase(n, p) for p in inc) if inc else True
		if hit and not any(fnmatch.fnmatchcase(n, p) for p in exc):
			out.append(i)
	return out

def expect(mode, pats, names):
	rows = []
	for p in pats:
		if mode == "fnmatch":
			sel = [i for i, n in enumerate(names) if fnmatch.fnmatchcase(n, p)]
		else:
			sel = select(p, names)
		rows.append("E" if sel is None else " ".join(map(str, sel)))
	return rows

def rand_glob(rng, alpha, maxlen):
	out = []
	for _ in range(rng.randint(0, maxlen)):
		r = rng.random()
		if r < 0.12:
			out.append("*")
		elif r < 0.22:
			out.append("?")
		elif r < 0.40:
			# A set, usually closed, with '!', ']', '-' and ranges.
			s = "["
			if rng.random() < 0.3: s += "!"
			if rng.random() < 0.15: s += "]"
			for _ in range(rng.randint(0, 4)):
				s += rng.choice(alpha + "-" * 4)
			if rng.random() < 0.85: s += "]"
			out.append(s)
		else:
			out.append(rng.choice(alpha))
	return "".join(out)

def mutate(rng, tag):
	"""A pattern built from a real tag, so it selects real tags."""
	out = []
	for c in tag:
		r = rng.random()
		if r < 0.08:
			out.append("?")
		elif r < 0.12:
			out.append("*")
		elif r < 0.18:
			lo, hi = sorted(rng.choice("0123456789abcdefz-.") for _ in "xy")
			out.append("[%s%s-%s]" % (rng.choice(["", "!"]), lo, hi))
		elif r < 0.20:
			continue
		else:
			out.append(c)
	if rng.random() < 0.2:
		out.append("*")
	return "".join(out)

def prepare(seed, d, datadir):
	"""Write each case's patterns, names and Python's answers."""
	rng = random.Random(seed)
	tags = lines(datadir + "/python-tags.txt")
	alltags = lines(datadir + "/python-tags-all.txt")
	# Small alphabets so random patterns hit often; glob characters and
	# bytes above 0x7f appear in names too, to check they are literal.
	small = "ab1.-_*?[]!\\\xe9"
	odd = sorted({"".join(rng.choice(small) for _ in range(rng.randint(0, 6)))
	    for _ in range(400)})
	tagc = "abcdefghijklmnopqrstuvwxyzABZ0123456789._-"
	tagish = ["".join(rng.choice(tagc) for _ in range(rng.randint(1, 12)))
	    for _ in range(300)]
	exprs = []
	for _ in range(1500):
		items = []
		for _ in range(rng.randint(0, 5)):
			it = rand_glob(rng, small.replace("!", ""), 5)
			if rng.random() < 0.3:
				it = "!" + rng.choice(["", " "]) + it
			items.append(rng.choice(["", " ", "\t"]) + it + rng.choice(["", " "]))
		exprs.append(",".join(items))
	cases = [
		("seed", "fnmatch", SEED.split(","), tags, "seed items on python-tags.txt"),
		("seedall", "fnmatch", SEED.split(","), alltags, "seed items on python-tags-all.txt"),
		("odd", "fnmatch", [rand_glob(rng, small, 7) for _ in range(4000)], odd,
		    "random globs, odd bytes"),
		("tagish", "fnmatch", [rand_glob(rng, tagc + "\\!", 10) for _ in range(2000)],
		    tagish, "random globs, tag alphabet"),
		("real", "fnmatch", [mutate(rng, rng.choice(alltags)) for _ in range(400)],
		    tags, "globs made from real tags"),
		("expr", "expr", exprs, odd, "random expressions"),
	]
	with open(d + "/cases", "w") as f:
		for name, mode, pats, names, desc in cases:
			write("%s/%s.pats" % (d, name), pats)
			write("%s/%s.names" % (d, name), names)
			write("%s/%s.want" % (d, name), expect(mode, pats, names))
			f.write("%s %s %s: %d patterns x %d names\n" % (name, mode,
			    desc, len(pats), len(names)))
	print(len(select(SEED, tags)), len(select(SEED, alltags)))

def report(d, name):
	"""Count disagreements; show the first few with their names."""
	P, N = lines("%s/%s.pats" % (d, name)), lines("%s/%s.names" % (d, name))
	G, W = lines("%s/%s.got" % (d, name)), lines("%s/%s.want" % (d, name))
	G += [None] * (len(W) - len(G))
	bad = [i for i in range(len(W)) if G[i] != W[i]]
	for i in bad[:3]:
		g, w = set((G[i] or "").split()), set(W[i].split())
		diff = sorted(int(x) for x in g ^ w if x.isdigit())[:3]
		print("# pattern %r: python %s, ours %s; they differ on %s" % (P[i],
		    "E" if W[i] == "E" else len(w),
		    G[i] if G[i] in ("E", None) else len(g), [N[x] for x in diff]))
	print("%s %d" % (name, len(bad)))

SEED = sys.argv[2]
if sys.argv[1] == "prepare":
	prepare(int(sys.argv[3]), sys.argv[4], sys.argv[5])
else:
	for name in sys.argv[4:]:
		report(sys.argv[3], name)
PY

counts=$(PYTHONPATH="$top_srcdir/tests/tools" python3 "$TMPD/oracle.py" prepare "$SEED_EXPR" "${TM_FUZZ_SEED:-4296}" \
	"$TMPD" "$TM_DATA") || bail "the Python oracle failed"
is "$counts" "392 1691" "Python: the seed expression selects 392 of 787 and 1691 of 3915"

# Our answers to every case, then one Python run judges them all.
while read -r name mode desc; do
	flag=--batch
	[ "$mode" = fnmatch ] && flag=--fnmatch
	"$CLI" "$flag" "$TMPD/$name.pats" <"$TMPD/$name.names" >"$TMPD/$name.got"
done <"$TMPD/cases"
PYTHONPATH="$top_srcdir/tests/tools" python3 "$TMPD/oracle.py" report "$SEED_EXPR" "$TMPD" $(cut -d' ' -f1 "$TMPD/cases") \
	>"$TMPD/report" || bail "the Python oracle failed"
while read -r name mode desc; do
	grep -q "^$name " "$TMPD/report" || bail "no verdict for $name"
	is "$(sed -n "s/^$name //p" "$TMPD/report")" 0 "$desc agree with Python"
done <"$TMPD/cases"
grep '^#' "$TMPD/report"

# The whole expression through our CLI: the counts tests/data/README.md states.
n=$("$CLI" "$SEED_EXPR" <"$TAGS" | wc -l)
is "$n" 392 "seed expression selects 392 of 787"
n=$("$CLI" "$SEED_EXPR" <"$ALL" | wc -l)
is "$n" 1691 "seed expression selects 1691 of 3915"
last=$("$CLI" --counts "$SEED_EXPR" <"$ALL" | tail -1)
is "$last" "0	3.10.?-slim*'" "the last item (stray quote) matches nothing"

# Natural order: digit runs by value, a total order.
got=$(printf '%s\n' 3.10 3.9 3.10-slim 3.9.1 3.10.0rc1 latest 3 3.09 | "$CLI" --sort | tr '\n' ' ')
is "$got" "3 3.09 3.9 3.9.1 3.10 3.10-slim 3.10.0rc1 latest " "natural version order"
got=$("$CLI" --natural "$SEED_EXPR" <"$TAGS" | sed -n '1p;$p' | tr '\n' ' ')
is "$got" "3-alpine latest " "preview order: 3-alpine first, latest last"

done_testing

#!/usr/bin/env python3
"""Reference for tag expressions' version items, written from the documented
rules (core/semver.h, core/tagexpr.h, the man page's TAG EXPRESSIONS and
Masterminds/semver v3's README), not from the C: versions by one regex,
ranges by the library's own grammar with each constraint turned into the
bounds its documentation gives ("~1.2" is ">=1.2.0 <1.3.0").

  semver_ref.py expr NAMES EXPRS OUT   each line of EXPRS a tag expression
  semver_ref.py range NAMES EXPRS OUT  each line a raw range (skopeo's form)

Each output line: the 0-based indexes of NAMES selected, input order, or
"E" when the line does not compile.  Files are latin-1: bytes, as in C.
"""
import fnmatch
import functools
import re
import sys

from taglists import lines, write

WS = " \t\n\r\f\v"
IDENTS = r"[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*"
VERSION = re.compile(r"v?([0-9]+)(?:\.([0-9]+))?(?:\.([0-9]+))?"
                     r"(?:-(" + IDENTS + r"))?(?:\+(" + IDENTS + r"))?\Z")
LIMIT = 2 ** 64


class Version:
    def __init__(self, nums, pre, core):
        self.nums, self.pre, self.core = nums, pre, core


def pre_ok(pre):
    return all(not (p.isdigit() and len(p) > 1 and p[0] == "0")
               for p in pre.split("."))


# Cached: every pattern asks again about the same few thousand tags, and
# a Version is never changed once made.
@functools.lru_cache(maxsize=None)
def parse_version(s):
    m = VERSION.match(s)
    if not m:
        return None
    nums = tuple(int(g) if g else 0 for g in m.group(1, 2, 3))
    if any(n >= LIMIT for n in nums):
        return None
    pre = m.group(4)
    if pre is not None and not pre_ok(pre):
        return None
    core = m.end(3) if m.group(3) else m.end(2) if m.group(2) else m.end(1)
    return Version(nums, pre, core)


def cmp(a, b):
    return (a > b) - (a < b)


def cmp_pre(a, b):
    pa, pb = a.split("."), b.split(".")
    for x, y in zip(pa, pb):
        dx, dy = x.isdigit(), y.isdigit()
        if dx and dy:
            c = cmp(int(x), int(y))
        elif dx or dy:
            c = -1 if dx else 1
        else:
            c = cmp(x, y)
        if c:
            return c
    return cmp(len(pa), len(pb))


def cmp_version(a, b):
    c = cmp(a.nums, b.nums)
    if c:
        return c
    if a.pre is None or b.pre is None:
        return cmp(a.pre is None, b.pre is None)
    return cmp_pre(a.pre, b.pre)


OPS = r"!=|>=|=>|<=|=<|~>|=|>|<|~|\^|"
CV = (r"v?[0-9xX*]+(?:\.[0-9xX*]+)?(?:\.[0-9xX*]+)?"
      r"(?:-" + IDENTS + r")?(?:\+" + IDENTS + r")?")
ONE = r"(?:" + OPS + r")[ \t\n\r\f]*" + CV
GROUP = re.compile(r"[ \t\n\r\f]*" + ONE + r"[ \t\n\r\f]*(?:(?:[ \t\n\r\f]+|,"
                   r"[ \t\n\r\f]*)" + ONE + r"[ \t\n\r\f]*)*\Z")
SPLIT = re.compile(r"(" + OPS + r")[ \t\n\r\f]*(" + CV + r")")
HYPHEN = re.compile(r"(^|[ \t\n\r\f,])(" + CV + r")[ \t\n\r\f]+-[ \t\n\r\f]+(" +
                    CV + r")(?=[ \t\n\r\f,]|\Z)")
CVPARTS = re.compile(r"v?([^.+-]+)(?:\.([^.+-]+))?(?:\.([^.+-]+))?"
                     r"(?:-([^+]+))?(?:\+.*)?\Z")


class Constraint:
    """op, the given numbers (up to the first wildcard) and the bounds."""

    def __init__(self, op, cv):
        m = CVPARTS.match(cv)
        given = []
        for part in m.group(1, 2, 3):
            if part is None or part in ("x", "X", "*"):
                break
            if not part.isdigit() or int(part) >= LIMIT:
                raise ValueError(cv)
            given.append(int(part))
        for part in m.group(1, 2, 3)[len(given):]:
            if part is not None and not (part.isdigit() or
                                         part in ("x", "X", "*")):
                raise ValueError(cv)
        self.pre = m.group(4)
        if self.pre is not None and not pre_ok(self.pre):
            raise ValueError(cv)
        self.op = {"": "=", "=>": ">=", "=<": "<=", "~>": "~"}.get(op, op)
        self.given = given
        self.lo = Version(tuple(given + [0] * (3 - len(given))), self.pre, 0)

    def block_end(self):
        """Exclusive numeric end of the block a partial version spans."""
        g = self.given
        if len(g) == 1:
            return (g[0] + 1, 0, 0)
        if len(g) == 2:
            return (g[0], g[1] + 1, 0)
        return None

    def check(self, v):
        g, full = self.given, len(self.given) == 3
        if v.pre is not None and self.pre is None and not (
                self.op == "!=" and full):
            return False
        c = cmp_version(v, self.lo)
        op = self.op
        if op == "=":
            if full:
                return c == 0
            end = self.block_end()
            return c >= 0 and (end is None or v.nums < end)
        if op == "!=":
            if full or not g:
                return c != 0
            if len(g) == 1:
                return v.nums[0] != g[0]
            # Same MAJOR.MINOR: only a differing pre-release differs.
            return v.nums[:2] != tuple(g) or v.pre != self.pre
        if op == ">":
            if full or not g:
                return c > 0
            return v.nums >= self.block_end()
        if op == "<":
            return c < 0
        if op == ">=":
            return c >= 0
        if op == "<=":
            if full:
                return c <= 0
            k = 1 if len(g) == 1 else 2
            return v.nums[:k] <= self.lo.nums[:k]
        if op == "~":
            if (full or not g) and self.lo.nums == (0, 0, 0):
                return c >= 0
            end = (g[0] + 1, 0, 0) if len(g) == 1 else (g[0], g[1] + 1, 0)
            return c >= 0 and v.nums < end
        # "^": up to the next change of the first non-zero part given.
        n = self.lo.nums
        if n[0] > 0 or len(g) == 1:
            end = (n[0] + 1, 0, 0)
        elif len(g) == 2 or n[1] > 0:
            end = (0, n[1] + 1, 0)
        else:
            end = (0, 0, n[2] + 1)
        return c >= 0 and v.nums < end


def compile_range(s):
    """A list of groups, each a list of constraints; ValueError if bad."""
    groups = []
    for alt in s.split("||"):
        alt = HYPHEN.sub(lambda m: m.group(1) + ">=" + m.group(2) + " <=" +
                         m.group(3), alt)
        if not GROUP.match(alt):
            raise ValueError(alt)
        groups.append([Constraint(op, cv) for op, cv in SPLIT.findall(alt)])
    return groups


def range_check(groups, v):
    return any(all(c.check(v) for c in g) for g in groups)


def natcmp(a, b):
    ta = re.findall(r"[0-9]+|[^0-9]", a)
    tb = re.findall(r"[0-9]+|[^0-9]", b)
    digit = "0123456789"
    for x, y in zip(ta, tb):
        if x[0] in digit and y[0] in digit:
            c = cmp(int(x), int(y))
        else:
            c = cmp(ord("0") if x[0] in digit else ord(x),
                    ord("0") if y[0] in digit else ord(y))
        if c:
            return c
    return cmp(len(ta), len(tb)) or cmp(a, b)


class Item:
    def __init__(self, text):
        self.exclude = text.startswith("!")
        p = text[1:].lstrip(WS) if self.exclude else text
        if not p:
            raise ValueError(text)
        self.kind, self.latest = "glob", 0
        if p.startswith("semver:"):
            self.kind = "semver"
            rng, semi, opt = p[7:].partition(";")
            self.range = compile_range(rng)
            self.suffix = None
            if semi:
                opt = opt.lstrip(WS)
                if not opt.startswith("suffix="):
                    raise ValueError(text)
                self.suffix = opt[7:]
        elif p.startswith("latest:"):
            m = re.match(r"([0-9]+)(?::(.+))?\Z", p[7:], re.S)
            if self.exclude or not m or not 0 < int(m.group(1)) < LIMIT:
                raise ValueError(text)
            self.kind, self.latest = "latest", int(m.group(1))
            self.pat = m.group(2) if m.group(2) is not None else "*"
        elif p.startswith("re:"):
            if not p[3:]:
                raise ValueError(text)
            self.kind, self.rx = "re", re.compile(p[3:])
        else:
            self.pat = p

    def match(self, tag):
        if self.kind == "semver":
            v = parse_version(tag)
            if v is None:
                return False
            if self.suffix is not None:
                if not fnmatch.fnmatchcase(tag[v.core:], self.suffix):
                    return False
                v = Version(v.nums, None, v.core)
            return range_check(self.range, v)
        if self.kind == "re":
            return self.rx.fullmatch(tag) is not None
        return fnmatch.fnmatchcase(tag, self.pat)


def newest_first(a, b):
    (ia, na), (ib, nb) = a, b
    va, vb = parse_version(na), parse_version(nb)
    if (va is None) != (vb is None):
        return -1 if va is not None else 1
    c = cmp_version(vb, va) if va is not None else 0
    return c or natcmp(nb, na) or cmp(ib, ia)


@functools.lru_cache(maxsize=None)
def newest_rank(names):
    """Each name's place in newest-first order: one order serves every
    latest: item, whatever its glob keeps."""
    order = sorted(enumerate(names), key=functools.cmp_to_key(newest_first))
    return {i: r for r, (i, _) in enumerate(order)}


def select(expr, names):
    items = [Item(t.strip(WS)) for t in expr.split(",") if t.strip(WS)]
    if not items:
        return []
    exc = [it for it in items if it.exclude]
    inc = [it for it in items if not it.exclude]
    gone = {i for i, n in enumerate(names) if any(x.match(n) for x in exc)}
    chosen = set()
    for i, n in enumerate(names):
        if not inc or any(it.match(n) for it in inc if it.kind != "latest"):
            chosen.add(i)
    for it in inc:
        if it.kind == "latest":
            cand = [(i, n) for i, n in enumerate(names)
                    if i not in gone and fnmatch.fnmatchcase(n, it.pat)]
            rank = newest_rank(names)
            cand.sort(key=lambda c: rank[c[0]])
            chosen.update(i for i, _ in cand[:it.latest])
    return sorted(chosen - gone)


def select_range(rng, names):
    groups = compile_range(rng)
    out = []
    for i, n in enumerate(names):
        v = parse_version(n)
        if v is not None and range_check(groups, v):
            out.append(i)
    return out


def main():
    mode, names, exprs, out = sys.argv[1:5]
    names = tuple(lines(names))
    pick = select if mode == "expr" else select_range
    rows = []
    for e in lines(exprs):
        try:
            rows.append(" ".join(str(i) for i in pick(e, names)))
        except (ValueError, re.error):
            rows.append("E")
    write(out, rows)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""The tree's shape in numbers: C files, functions over N lines, and the
include circles between modules (a module is a .c with its .h).

    structure.py SRCDIR [--long N] [--cycles]

Without --cycles it prints a summary; with it, one circle of either kind
per line (nothing when there is none), which tests/it/layering.sh asserts
on.
"""
import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"')
# House style: return type on its own line, the name at column 0, the
# opening brace alone at column 0 and the closing one likewise.
FUNC_NAME = re.compile(r'^([A-Za-z_][A-Za-z0-9_]*)\(')


def sources(top):
    for area in ("core", "tui"):
        for d, _, files in os.walk(os.path.join(top, area)):
            for f in sorted(files):
                if f.endswith((".c", ".h")):
                    yield os.path.join(d, f)


def module(top, path):
    return os.path.splitext(os.path.relpath(path, top))[0]


def resolve(top, path, name):
    for base in (os.path.dirname(path), os.path.join(top, "core"),
                 os.path.join(top, "tui"), top):
        cand = os.path.normpath(os.path.join(base, name))
        if os.path.exists(cand):
            return cand
    return None


def graph(top):
    edges = {}
    for path in sources(top):
        me = module(top, path)
        edges.setdefault(me, set())
        with open(path, encoding="utf-8", errors="replace") as fh:
            for line in fh:
                m = INCLUDE.match(line)
                if not m:
                    continue
                target = resolve(top, path, m.group(1))
                if target is None:
                    continue
                other = module(top, target)
                if other != me:
                    edges[me].add(other)
    return edges


CALL = re.compile(r'\b([A-Za-z_][A-Za-z0-9_]*)\s*\(')
COMMENT = re.compile(r'/\*.*?\*/|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])+\'',
                     re.S)


def call_graph(top):
    """Module A -> B when A's .c calls a function B's .c defines."""
    defined, calls = {}, {}
    for path in sources(top):
        if not path.endswith(".c"):
            continue
        me = module(top, path)
        with open(path, encoding="utf-8", errors="replace") as fh:
            text = COMMENT.sub(" ", fh.read())
        prev = ""
        for line in text.split("\n"):
            m = FUNC_NAME.match(line)
            if m and not line.rstrip().endswith(";") and \
                    not prev.startswith("static"):
                defined[m.group(1)] = me
            prev = line
        calls[me] = set(CALL.findall(text))
    edges = {}
    for me, names in calls.items():
        edges[me] = {defined[n] for n in names
                     if n in defined and defined[n] != me}
    return edges


def circles(edges):
    """Tarjan's strongly connected components of size > 1."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(edges):
        if v not in index:
            visit(v)
    return sorted(out)


def long_functions(top, limit):
    found = []
    for path in sources(top):
        if not path.endswith(".c"):
            continue
        with open(path, encoding="utf-8", errors="replace") as fh:
            lines = fh.read().split("\n")
        name, start = None, None
        for i, line in enumerate(lines):
            m = FUNC_NAME.match(line)
            if m and not line.rstrip().endswith(";"):
                name = m.group(1)
            elif line == "{" and name:
                start = i
            elif line == "}" and start is not None:
                n = i - start + 1
                if n > limit:
                    found.append((n, os.path.relpath(path, top), name))
                name, start = None, None
    return sorted(found, reverse=True)


def main():
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    top = args[0]
    limit = int(args[args.index("--long") + 1]) if "--long" in args else 60
    edges = graph(top)
    cyc = circles(edges)
    calls = circles(call_graph(top))
    if "--cycles" in args:
        for c in cyc + calls:
            print(" <-> ".join(c))
        return
    cfiles = [p for p in sources(top) if p.endswith(".c")]
    longf = long_functions(top, limit)
    print("files: %d .c, %d .h" % (len(cfiles),
          sum(1 for p in sources(top) if p.endswith(".h"))))
    print("functions over %d lines: %d" % (limit, len(longf)))
    for n, path, name in longf:
        print("  %4d %s %s" % (n, path, name))
    print("include circles: %d" % len(cyc))
    for c in cyc:
        print("  " + " <-> ".join(c))
    print("call circles: %d" % len(calls))
    for c in calls:
        print("  " + " <-> ".join(c))


if __name__ == "__main__":
    main()

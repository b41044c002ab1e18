#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The layout rules of docs/architecture.md, checked against the tree.

  tests/check_layout.py [SOURCE_ROOT]

1. The module table of docs/architecture.md names every folder of lib/ and every file
   in it (meson.build aside), and nothing else: the page cannot drift from the code.
2. No source file of lib/ is over 700 lines; no function of lib/ or app/ over 120.
3. A module's private headers (those not named synq_*) are included only inside the
   module, or by its own unit test (tests/unit/test_<module>*.c); lib/tcp's types,
   inlines and prototypes by nothing outside lib/tcp at all.
4. No circle of calls between the files of lib/tcp.
5. No test-only field or counter in lib/tcp.

Prints one line a violation and exits 1, or prints what it checked and exits 0.
"""

import os
import re
import sys

FILE_MAX_LINES = 700
FUNC_MAX_LINES = 120
TCP_SEALED = ("tcp_types.h", "tcp_inlines.h", "tcp_priv.h")
FUNC_START = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\(")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)

root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                       os.path.join(os.path.dirname(__file__), ".."))
problems = []


def rel(path):
    return os.path.relpath(path, root)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def sources(top, exts=(".c", ".h", ".def", ".in")):
    out = []
    for d, _, files in os.walk(os.path.join(root, top)):
        out += [os.path.join(d, f) for f in files if f.endswith(exts)]
    return sorted(out)


def functions(text):
    """(name, first line, line count, static?) of each definition: DPDK style puts
    the return type on the line before the name, at column 0, and ends at a '}' at
    column 0."""
    lines = text.split("\n")
    out, start, name = [], None, None
    for i, line in enumerate(lines):
        m = FUNC_START.match(line)
        if m and start is None and not line.rstrip().endswith(";"):
            start, name = i, m.group(1)
        elif line.startswith("}") and start is not None:
            prev = lines[start - 1] if start > 0 else ""
            out.append((name, start + 1, i - start + 1, prev.startswith("static")))
            start = None
    return out


modules = sorted(d for d in os.listdir(os.path.join(root, "lib"))
                 if os.path.isdir(os.path.join(root, "lib", d)))

# 1. the module table
doc = read(os.path.join(root, "docs", "architecture.md"))
table = doc.split("## Modules", 1)[1].split("\n\n")[1:4]
rows = {}
for block in table:
    for line in block.split("\n"):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        m = re.fullmatch(r"`lib/([a-z0-9_]+)`", cells[0]) if cells else None
        if m and len(cells) >= 2:
            rows[m.group(1)] = set(re.findall(r"`([^`]+)`", cells[1]))
for mod in modules:
    have = {f for f in os.listdir(os.path.join(root, "lib", mod)) if f != "meson.build"}
    if mod not in rows:
        problems.append("docs/architecture.md: the module table has no row for lib/%s" % mod)
        continue
    for f in sorted(have - rows[mod]):
        problems.append("docs/architecture.md: lib/%s/%s is not named in its row" % (mod, f))
    for f in sorted(rows[mod] - have):
        problems.append("docs/architecture.md: lib/%s names %s, which is not there" % (mod, f))
for mod in sorted(set(rows) - set(modules)):
    problems.append("docs/architecture.md: a row for lib/%s, which does not exist" % mod)

# 2. sizes
nfunc = 0
for path in sources("lib") + sources("app"):
    text = read(path)
    n = text.count("\n")
    if path.startswith(os.path.join(root, "lib")) and path.endswith(".c") and \
            n > FILE_MAX_LINES:
        problems.append("%s: %d lines, more than %d" % (rel(path), n, FILE_MAX_LINES))
    for name, line, length, _ in functions(text):
        nfunc += 1
        if length > FUNC_MAX_LINES:
            problems.append("%s:%d: %s() is %d lines, more than %d"
                            % (rel(path), line, name, length, FUNC_MAX_LINES))

# 3. private headers stay home
private = {}
for mod in modules:
    for f in os.listdir(os.path.join(root, "lib", mod)):
        if f.endswith(".h") and not f.startswith("synq_"):
            private[f] = mod
nincl = 0
for path in sources("lib") + sources("app") + sources("tests"):
    r = rel(path)
    for inc in INCLUDE.findall(read(path)):
        mod = private.get(inc)
        if mod is None:
            continue
        nincl += 1
        if r.startswith("lib/%s/" % mod):
            continue
        own_test = re.match(r"tests/unit/test_%s(_[a-z0-9_]+)?\.c$" % mod, r)
        if own_test and inc not in TCP_SEALED:
            continue
        problems.append("%s: includes %s, private to lib/%s" % (r, inc, mod))

# 4. no circle of calls between the files of lib/tcp
tcp_dir = os.path.join(root, "lib", "tcp")
tcp_c = sorted(f for f in os.listdir(tcp_dir) if f.endswith(".c"))
texts = {f: read(os.path.join(tcp_dir, f)) for f in tcp_c}
defined = {}
for f, text in texts.items():
    for name, _, _, static in functions(text):
        if not static:
            defined[name] = f
calls = {f: set() for f in tcp_c}
for f, text in texts.items():
    body = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    for name, owner in defined.items():
        if owner != f and re.search(r"\b%s\s*\(" % re.escape(name), body):
            calls[f].add(owner)
state = {}


def visit(f, path):
    state[f] = "open"
    for g in sorted(calls[f]):
        if state.get(g) == "open":
            cycle = path[path.index(g):] + [g]
            problems.append("lib/tcp: a circle of calls: %s" % " -> ".join(cycle))
        elif g not in state:
            visit(g, path + [g])
    state[f] = "done"


for f in tcp_c:
    if f not in state:
        visit(f, [f])

# 5. nothing of the tests in the transport
for path in sources("lib/tcp"):
    for i, line in enumerate(read(path).split("\n"), 1):
        if re.search(r"reorder|TEST_|test\.", line, re.I):
            problems.append("%s:%d: test-only code in lib/tcp: %s" % (rel(path), i, line.strip()))

for p in problems:
    print(p)
if problems:
    sys.exit(1)
print("layout: %d modules, %d functions, %d private includes, %d files of lib/tcp in order"
      % (len(modules), nfunc, nincl, len(tcp_c)))

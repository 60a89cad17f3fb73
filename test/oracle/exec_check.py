#!/usr/bin/env python3
"""Cross-checks cell_scope.py against execution on small stdlib-only cells: running a cell with exactly
its oracle reads pre-bound must raise no NameError, and every name it leaves behind must be a write."""
import contextlib
import io
import json
import sys
import os

sys.path.insert(0, os.path.dirname(__file__))
from cell_scope import analyze  # noqa: E402

CELLS = [
    "xs = [i * k for i in range(3)]\ntotal = sum(xs)\n",
    "ys = [(last := v) for v in vals]\nprint(last)\n",
    "x += 1\ndel w\n",
    "class C:\n    n = 3\n    xs = [i for i in range(n)]\n    ys = [n for _ in range(2)]\n",
    "try:\n    int('x')\nexcept ValueError as err:\n    msg = str(err)\n",
    # Not called here: `g` is a late read (lateReads), which the oracle's `reads` deliberately excludes.
    "def f(a=d):\n    return a + g\n",
    "if c:\n    x = 1\nprint(x)\n",
    "for i in r:\n    y = i\nelse:\n    z = 0\n",
    "match cmd:\n    case [first, *rest]:\n        out = first\n    case _:\n        out = None\n",
    "h = lambda p, q=dflt: p + q\nval = h(1)\n",
]


def main():
    failures = []
    for source in CELLS:
        result = analyze(source)
        ns = {name: 1 for name in result["reads"]}
        ns.update({"vals": [1, 2], "r": [1], "cmd": [1, 2], "c": True, "g": 1})  # realistic values where 1 won't do
        ns = {k: v for k, v in ns.items() if k in result["reads"]}
        before = set(ns)
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                exec(compile(source, "<cell>", "exec"), ns)
        except NameError as error:
            failures.append({"source": source, "error": str(error)})
            continue
        left = set(ns) - before - {"__builtins__"}
        if not left <= set(result["writes"]):
            failures.append({"source": source, "unexpected": sorted(left - set(result["writes"]))})
    json.dump({"cells": len(CELLS), "failures": failures}, sys.stdout)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()

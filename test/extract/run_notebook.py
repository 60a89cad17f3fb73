"""Runs a notebook's code cells top to bottom the way a Jupyter kernel does, and reports what it saw.

Usage: python3 run_notebook.py NOTEBOOK.ipynb [--exclude NAME ...]
Prints one JSON object: the captured stdout, the first uncaught error (cell index and exception type),
and a canonical rendering of every global name left in the namespace (minus --exclude'd names).

Like IPython, each cell is compiled on its own and a trailing bare expression is displayed (its repr is
printed unless it is None); the working directory is the notebook's folder and it is on sys.path.
"""
import ast
import builtins
import contextlib
import io
import json
import os
import sys
import types

sys.dont_write_bytecode = True


def canon(value, depth=0):
    """A deterministic text for a value: no addresses, containers element by element, objects by state."""
    if depth > 25:
        return "<deep>"
    if value is None or isinstance(value, (bool, int, float, str, bytes, complex)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return f"{type(value).__name__}[{', '.join(canon(v, depth + 1) for v in value)}]"
    if isinstance(value, (set, frozenset)):
        return f"{type(value).__name__}{{{', '.join(sorted(canon(v, depth + 1) for v in value))}}}"
    if isinstance(value, dict):
        # Insertion order is observable (printing, iteration), so it is part of the value.
        return f"{type(value).__name__}{{{', '.join(f'{canon(k, depth + 1)}: {canon(v, depth + 1)}' for k, v in value.items())}}}"
    if isinstance(value, types.ModuleType):
        return f"module:{value.__name__}"
    if isinstance(value, (types.FunctionType, types.BuiltinFunctionType, types.MethodType)):
        return f"function:{value.__name__}"
    if isinstance(value, type):
        return f"class:{value.__name__}"
    if hasattr(value, "__dict__") and not callable(value):
        return f"{type(value).__name__}({canon(vars(value), depth + 1)})"
    text = repr(value)
    return type(value).__name__ if " at 0x" in text else f"{type(value).__name__}:{text}"


def run(path, exclude):
    with open(path, encoding="utf-8") as f:
        nb = json.load(f)
    cells = [c for c in nb["cells"] if c.get("cell_type") == "code"]
    os.chdir(os.path.dirname(os.path.abspath(path)))
    sys.path.insert(0, os.getcwd())
    namespace = {"__name__": "__main__", "__builtins__": builtins}
    out = io.StringIO()
    error = None
    with contextlib.redirect_stdout(out):
        for index, cell in enumerate(cells):
            source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            try:
                tree = ast.parse(source)
                last = tree.body[-1] if tree.body and isinstance(tree.body[-1], ast.Expr) else None
                if last is not None:
                    tree.body.pop()
                exec(compile(tree, f"<cell {index}>", "exec"), namespace)
                if last is not None:
                    shown = eval(compile(ast.Expression(last.value), f"<cell {index}>", "eval"), namespace)
                    if shown is not None:
                        print(repr(shown))
            except BaseException as exc:  # noqa: BLE001 - the error is the observation
                error = {"cell": index, "type": type(exc).__name__}
                break
    names = {k: canon(v) for k, v in namespace.items() if k not in exclude and k not in ("__builtins__", "__name__")}
    return {"stdout": out.getvalue(), "error": error, "globals": names}


if __name__ == "__main__":
    args = sys.argv[1:]
    notebook = args[0]
    excluded = set()
    if "--exclude" in args:
        excluded = set(args[args.index("--exclude") + 1:])
    print(json.dumps(run(notebook, excluded)))

"""An independent count of MLH422's annotation coverage with CPython's own `ast` module.

Usage: python3 annotationOracle.py <folder holding the packages> <package>...
Prints JSON: {"total": N, "annotated": N, "incomplete": ["pkg.module.Class.method:line", ...]}.
Written apart from the TypeScript front end so the unit test can compare the two on real code.
"""
import ast
import json
import os
import sys

TOOLING = {"conftest.py", "setup.py", "noxfile.py", "fabfile.py", "manage.py"}


def is_private(name):
    dunder = len(name) > 4 and name.startswith("__") and name.endswith("__")
    return name.startswith("_") and not dunder


def decorated(fn, name):
    for d in fn.decorator_list:
        target = d.func if isinstance(d, ast.Call) else d
        if (isinstance(target, ast.Name) and target.id == name) or (isinstance(target, ast.Attribute) and target.attr == name):
            return True
    return False


def module_functions(tree, module, out):
    groups = {}

    def visit(statements, scope, prefix, overloaded):
        for s in statements:
            if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)):
                qualname = prefix + s.name
                if decorated(s, "overload"):
                    overloaded.add(qualname)
                elif qualname in overloaded:
                    continue
                if any(is_private(p) for p in qualname.split(".")):
                    continue
                a = s.args
                positional = a.posonlyargs + a.args
                bound = scope == "class" and not decorated(s, "staticmethod")
                exempt = positional[0] if bound and positional else None
                params = [p for p in positional + a.kwonlyargs + [a.vararg, a.kwarg] if p is not None and p is not exempt]
                return_optional = bound and s.name == "__init__" and len(params) > 0
                ok = all(p.annotation is not None for p in params) and (s.returns is not None or return_optional)
                if not ok:
                    out["incomplete"].append(f"{module}.{qualname}:{s.lineno}")
                groups[qualname] = groups.get(qualname, True) and ok
            elif isinstance(s, ast.ClassDef):
                visit(s.body, "class", prefix + s.name + ".", set())
            elif isinstance(s, (ast.If, ast.While, ast.For, ast.AsyncFor)):
                visit(s.body, scope, prefix, overloaded)
                visit(s.orelse, scope, prefix, overloaded)
            elif isinstance(s, (ast.With, ast.AsyncWith)):
                visit(s.body, scope, prefix, overloaded)
            elif isinstance(s, ast.Try) or type(s).__name__ == "TryStar":
                visit(s.body, scope, prefix, overloaded)
                for handler in s.handlers:
                    visit(handler.body, scope, prefix, overloaded)
                visit(s.orelse, scope, prefix, overloaded)
                visit(s.finalbody, scope, prefix, overloaded)
            elif isinstance(s, ast.Match):
                for case in s.cases:
                    visit(case.body, scope, prefix, overloaded)

    visit(tree.body, "module", "", set())
    out["total"] += len(groups)
    out["annotated"] += sum(1 for ok in groups.values() if ok)


def main():
    base, packages = sys.argv[1], sys.argv[2:]
    out = {"total": 0, "annotated": 0, "incomplete": []}
    for package in packages:
        for folder, _dirs, files in os.walk(os.path.join(base, package)):
            for name in files:
                path = os.path.join(folder, name)
                parts = os.path.relpath(path, base)[:-3].split(os.sep) if name.endswith(".py") else None
                if not parts or name in TOOLING or name.startswith("test_") or name.endswith("_test.py"):
                    continue
                if any(p in ("tests", "test") for p in parts[:-1]):
                    continue
                if parts[-1] == "__init__":
                    parts.pop()
                if any(not p.isidentifier() or is_private(p) or p == "__main__" for p in parts):
                    continue
                with open(path, encoding="utf-8") as f:
                    source = f.read()
                try:
                    tree = ast.parse(source)
                except SyntaxError:
                    continue
                module_functions(tree, ".".join(parts), out)
    out["incomplete"].sort()
    print(json.dumps(out))


main()

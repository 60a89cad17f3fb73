"""Runs a notebook's code cells top to bottom the way a Jupyter kernel does, and reports what it saw.

Usage: python3 run_notebook.py NOTEBOOK.ipynb [--exclude NAME ...]
Prints one JSON object: the captured stdout, the first uncaught error (cell index and exception type),
and a canonical rendering of every global name left in the namespace (minus --exclude'd names and the
stand-in `get_ipython`).

Like IPython, each cell is compiled on its own and a trailing bare expression is displayed (its repr is
printed unless it is None); the working directory is the notebook's folder and it is on sys.path.

IPython syntax is turned into Python the way IPython's input transformers do it, then run against a
deterministic stand-in shell (no real shell, nothing installed, no network, no timings printed). A magic
is recognised only at the start of a logical line (not inside brackets, strings or after a backslash):
- `%name args` -> `get_ipython().run_line_magic('name', 'args')`; `x = %name args` binds its result.
- `!cmd` (backslash continuation lines joined) -> `get_ipython().system('cmd')`;
  `x = !cmd` -> `x = get_ipython().getoutput('cmd')`, a list of deterministic lines.
- `%time stmt` runs stmt in the notebook namespace (an expression's value is returned, so displayed);
  `%timeit [-n N -r R ...] stmt` runs it once in a copy of the namespace (its bindings are discarded).
- a first-line cell magic: `%%time` runs the body as a cell (its trailing expression is displayed);
  `%%capture [name]` runs the body with stdout/stderr captured, not printed, and binds `name` to an
  object whose `.stdout`/`.stderr` hold the captured text (like IPython's CapturedIO); `%%timeit` runs
  the body once in a throwaway copy of the namespace; any other cell magic (`%%bash`...) runs nothing.
  Unlike IPython, an error inside a `%%capture` body stops the notebook like any other error.
Every stand-in prints one marker line first (`[magic] matplotlib inline`, `[shell] pip install x`,
`[getoutput] ls`, `[cell magic] capture build_log`), so a comparison of stdout also proves the magics
ran in the same order relative to the code's own output.
"""
import ast
import builtins
import contextlib
import io
import json
import os
import re
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


MAGIC_ASSIGN = re.compile(r"^([A-Za-z_][\w.]*(?:\s*,\s*[A-Za-z_][\w.]*)*)\s*=\s*([!%])(.*)$", re.S)


def _scan_python_line(line, state):
    """Updates the lexical state (open triple quote, bracket depth, backslash continuation) over one physical line."""
    state["continued"] = False
    i, n = 0, len(line)
    while i < n:
        if state["triple"]:
            j = line.find(state["triple"], i)
            while j > 0 and (len(line[:j]) - len(line[:j].rstrip("\\"))) % 2 == 1:
                j = line.find(state["triple"], j + 1)
            if j < 0:
                return
            i = j + 3
            state["triple"] = None
            continue
        c = line[i]
        if c == "#":
            return
        if c in "\"'":
            if line[i:i + 3] == c * 3:
                state["triple"] = c * 3
                i += 3
                continue
            j = i + 1
            while j < n and line[j] != c:
                j += 2 if line[j] == "\\" else 1
            if j >= n and line.endswith("\\"):
                state["continued"] = True
            i = j + 1
            continue
        if c in "([{":
            state["depth"] += 1
        elif c in ")]}":
            state["depth"] = max(0, state["depth"] - 1)
        elif c == "\\" and i == n - 1:
            state["continued"] = True
        i += 1


def _escaped(content):
    """The Python call for the text after the indentation of a magic line (`%...`, `!...`, `x = !...`), or None."""
    assign = MAGIC_ASSIGN.match(content)
    if assign and not content.startswith(("%", "!")):
        target, escape, rest = assign.groups()
        call = _escaped(escape + rest)
        return f"{target} = {call.replace('.system(', '.getoutput(', 1) if escape == '!' else call}"
    if content.startswith("!!"):
        return f"get_ipython().getoutput({content[2:].strip()!r})"
    if content.startswith("!"):
        return f"get_ipython().system({content[1:].strip()!r})"
    if content.startswith("%") and not content.startswith("%%"):
        name, _, args = content[1:].strip().partition(" ")
        return f"get_ipython().run_line_magic({name!r}, {args.strip()!r})"
    return None


def to_python(source):
    """The cell's source with IPython syntax replaced by calls on `get_ipython()`, line for line."""
    lines = source.split("\n")
    first = next((i for i, l in enumerate(lines) if l.strip()), None)
    if first is not None and lines[first].startswith("%%"):
        name, _, args = lines[first][2:].strip().partition(" ")
        body = "\n".join(lines[first + 1:])
        return "\n" * first + f"get_ipython().run_cell_magic({name!r}, {args.strip()!r}, {body!r})"
    state = {"triple": None, "depth": 0, "continued": False}
    out = []
    i = 0
    while i < len(lines):
        line = lines[i]
        logical_start = state["triple"] is None and state["depth"] == 0 and not state["continued"]
        indent = line[: len(line) - len(line.lstrip())]
        call = _escaped(line.lstrip()) if logical_start else None
        if call is None:
            out.append(line)
            _scan_python_line(line, state)
            i += 1
            continue
        # Like IPython's assemble_continued_line: each trailing backslash dropped, the parts joined by a space.
        parts = [line.lstrip()]
        while parts[-1].rstrip().endswith("\\") and i + len(parts) < len(lines):
            parts.append(lines[i + len(parts)])
        joined = " ".join([p.rstrip()[:-1] for p in parts[:-1]] + [parts[-1].rstrip()])
        out.append(indent + _escaped(joined))
        out.extend([""] * (len(parts) - 1))  # the cell keeps its line numbers
        i += len(parts)
    return "\n".join(out)


def execute(source, namespace, filename):
    """Runs a cell's source; returns the value of a trailing bare expression (None if there is none)."""
    tree = ast.parse(to_python(source), filename)
    last = tree.body[-1] if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    if last is not None:
        tree.body.pop()
    exec(compile(tree, filename, "exec"), namespace)
    if last is not None:
        return eval(compile(ast.Expression(last.value), filename, "eval"), namespace)
    return None


class CapturedIO:
    """What `%%capture name` binds: the text the body printed."""

    def __init__(self, stdout, stderr):
        self.stdout = stdout
        self.stderr = stderr

    def show(self):
        sys.stdout.write(self.stdout)
        sys.stderr.write(self.stderr)


def _without_timeit_options(line):
    """`-n 100 -r 3 -q stmt` -> `stmt` (the options of %timeit that take a value are n, r and p)."""
    words = line.split(" ")
    while words and words[0].startswith("-") and len(words[0]) > 1:
        option = words.pop(0)
        if option[-1] in "nrp" and len(option) == 2 and words:
            words.pop(0)
    return " ".join(words).strip()


class StandInShell:
    """A deterministic `get_ipython()`: prints a marker for each magic and shell command, runs only Python."""

    def __init__(self, namespace):
        self.namespace = namespace

    def system(self, cmd):
        print(f"[shell] {cmd}")

    def getoutput(self, cmd):
        print(f"[getoutput] {cmd}")
        return [f"{cmd}: line {n}" for n in (1, 2, 3)]

    def run_line_magic(self, name, line):
        print(f"[magic] {name} {line}".rstrip())
        if name == "time":
            return execute(line, self.namespace, "<%time>")
        if name == "timeit":
            execute(_without_timeit_options(line), dict(self.namespace), "<%timeit>")
        return None

    def run_cell_magic(self, name, line, body):
        print(f"[cell magic] {name} {line}".rstrip())
        if name == "time":
            return execute(body, self.namespace, "<%%time>")
        if name == "timeit":
            execute(body, dict(self.namespace), "<%%timeit>")
        elif name == "capture":
            out, err = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                shown = execute(body, self.namespace, "<%%capture>")
                if shown is not None:
                    print(repr(shown))
            target = next((w for w in line.split() if not w.startswith("-")), None)
            if target:
                self.namespace[target] = CapturedIO(out.getvalue(), err.getvalue())
        return None


def run(path, exclude):
    with open(path, encoding="utf-8") as f:
        nb = json.load(f)
    cells = [c for c in nb["cells"] if c.get("cell_type") == "code"]
    os.chdir(os.path.dirname(os.path.abspath(path)))
    sys.path.insert(0, os.getcwd())
    namespace = {"__name__": "__main__", "__builtins__": builtins}
    shell = StandInShell(namespace)
    namespace["get_ipython"] = lambda: shell
    out = io.StringIO()
    error = None
    with contextlib.redirect_stdout(out):
        for index, cell in enumerate(cells):
            source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            try:
                shown = execute(source, namespace, f"<cell {index}>")
                if shown is not None:
                    print(repr(shown))
            except BaseException as exc:  # noqa: BLE001 - the error is the observation
                error = {"cell": index, "type": type(exc).__name__}
                break
    hidden = ("__builtins__", "__name__", "get_ipython")
    names = {k: canon(v) for k, v in namespace.items() if k not in exclude and k not in hidden}
    return {"stdout": out.getvalue(), "error": error, "globals": names}


if __name__ == "__main__":
    args = sys.argv[1:]
    notebook = args[0]
    excluded = set()
    if "--exclude" in args:
        excluded = set(args[args.index("--exclude") + 1:])
    print(json.dumps(run(notebook, excluded)))

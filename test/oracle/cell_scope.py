#!/usr/bin/env python3
"""CPython oracle for per-cell dataflow: reads-before-write and writes of notebook-global names.

An independent implementation, over CPython's own `ast`, of the definitions documented at the top of
src/core/analysis/cellAnalysis.ts. Deliberately not built on `symtable`: on Python 3.12+ it lists
comprehension variables as module-level names (PEP 709 inlining), which is not the language's scoping.

Input (stdin): a JSON list of cell sources. Output (stdout): a JSON list, one entry per cell:
  {"ok": true, "reads": [...], "writes": [...], "builtinReads": [...], "deletes": [...]}  or
  {"ok": false, "error": "SyntaxError: ..."} for cells that are not valid Python 3 (after IPython's
  own input transformation when IPython is installed and the cell has magics).
"""
import ast
import builtins
import json
import re
import sys

IPYTHON_NAMES = {"display", "get_ipython", "__IPYTHON__", "In", "Out", "_", "__", "___",
                 "_i", "_ii", "_iii", "_ih", "_oh", "_dh", "exit", "quit"}
BUILTINS = set(dir(builtins)) | {"__builtins__"}


def is_builtin(name):
    return name in BUILTINS or name in IPYTHON_NAMES or re.fullmatch(r"_i?\d+", name) is not None


class Flow:
    def __init__(self, bound=(), dead=False):
        self.bound = set(bound)
        self.dead = dead

    def has(self, name):
        return self.dead or name in self.bound

    def copy(self):
        return Flow(self.bound, self.dead)

    def assign(self, other):
        self.bound = set(other.bound)
        self.dead = other.dead

    @staticmethod
    def join(paths):
        live = [p for p in paths if not p.dead]
        if not live:
            return Flow(dead=True)
        bound = set(live[0].bound)
        for p in live[1:]:
            bound &= p.bound
        return Flow(bound)


class Scope:
    def __init__(self, kind, parent):
        self.kind = kind  # module | class | function | comprehension
        self.parent = parent
        self.locals = set()
        self.globals = set()
        self.nonlocals = set()
        self.flow = Flow()


NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
COMPS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def target_names(node):
    if isinstance(node, ast.Name):
        yield node.id
    elif isinstance(node, (ast.Tuple, ast.List)):
        for e in node.elts:
            yield from target_names(e)
    elif isinstance(node, ast.Starred):
        yield from target_names(node.value)


def pattern_captures(p):
    if isinstance(p, ast.MatchAs):
        if p.pattern is not None:
            yield from pattern_captures(p.pattern)
        if p.name:
            yield p.name
    elif isinstance(p, ast.MatchStar):
        if p.name:
            yield p.name
    elif isinstance(p, ast.MatchMapping):
        for v in p.patterns:
            yield from pattern_captures(v)
        if p.rest:
            yield p.rest
    elif isinstance(p, ast.MatchClass):
        for v in list(p.patterns) + list(p.kwd_patterns):
            yield from pattern_captures(v)
    elif isinstance(p, (ast.MatchSequence, ast.MatchOr)):
        for v in p.patterns:
            yield from pattern_captures(v)


def pattern_reads(p):
    """Value patterns and class names: the expressions a pattern evaluates."""
    if isinstance(p, ast.MatchValue):
        yield p.value
    elif isinstance(p, ast.MatchClass):
        yield p.cls
        for v in list(p.patterns) + list(p.kwd_patterns):
            yield from pattern_reads(v)
    elif isinstance(p, ast.MatchMapping):
        for k in p.keys:
            yield k
        for v in p.patterns:
            yield from pattern_reads(v)
    elif isinstance(p, ast.MatchAs) and p.pattern is not None:
        yield from pattern_reads(p.pattern)
    elif isinstance(p, (ast.MatchSequence, ast.MatchOr)):
        for v in p.patterns:
            yield from pattern_reads(v)


def irrefutable(p):
    if isinstance(p, ast.MatchAs):
        return p.pattern is None or irrefutable(p.pattern)
    if isinstance(p, ast.MatchOr):
        return any(irrefutable(v) for v in p.patterns)
    return False


def function_locals(scope, body_nodes):
    """What the compiler makes local: any binding anywhere in the scope, minus declarations."""
    def visit(n):
        if isinstance(n, ast.Global):
            scope.globals.update(n.names)
        elif isinstance(n, ast.Nonlocal):
            scope.nonlocals.update(n.names)
        elif isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del)):
            scope.locals.add(n.id)
        elif isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            scope.locals.add(n.name)
            for d in n.decorator_list:
                visit(d)
            if isinstance(n, ast.ClassDef):
                for b in n.bases + [k.value for k in n.keywords]:
                    visit(b)
            else:
                for d in n.args.defaults + [d for d in n.args.kw_defaults if d is not None]:
                    visit(d)
            return
        elif isinstance(n, ast.Lambda):
            for d in n.args.defaults + [d for d in n.args.kw_defaults if d is not None]:
                visit(d)
            return
        elif isinstance(n, COMPS):
            # Only a walrus binds out of a comprehension; its targets are its own.
            for i, g in enumerate(n.generators):
                visit(g.iter)
                for c in g.ifs:
                    visit(c)
            for e in ([n.key, n.value] if isinstance(n, ast.DictComp) else [n.elt]):
                visit(e)
            return
        elif isinstance(n, ast.NamedExpr):
            scope.locals.add(n.target.id)
            visit(n.value)
            return
        elif isinstance(n, (ast.Import, ast.ImportFrom)):
            for a in n.names:
                if a.name != "*":
                    scope.locals.add(a.asname or a.name.split(".")[0])
        elif isinstance(n, ast.ExceptHandler) and n.name:
            scope.locals.add(n.name)
        elif isinstance(n, ast.match_case):
            scope.locals.update(pattern_captures(n.pattern))
        elif isinstance(n, ast.arg):
            return
        for c in ast.iter_child_nodes(n):
            visit(c)

    for n in body_nodes:
        visit(n)
    scope.locals -= scope.globals | scope.nonlocals


def class_declarations(scope, body):
    def visit(n):
        if isinstance(n, ast.Global):
            scope.globals.update(n.names)
        elif isinstance(n, ast.Nonlocal):
            scope.nonlocals.update(n.names)
        elif not isinstance(n, NESTED):
            for c in ast.iter_child_nodes(n):
                visit(c)
    for n in body:
        visit(n)


def contains_break(stmts):
    for s in stmts:
        if isinstance(s, ast.Break):
            return True
        if isinstance(s, (ast.For, ast.AsyncFor, ast.While)):
            if contains_break(s.orelse):
                return True
            continue
        if isinstance(s, NESTED):
            continue
        for field in ("body", "orelse", "finalbody", "handlers", "cases"):
            children = getattr(s, field, None)
            if children and contains_break(children):
                return True
    return False


class Cell:
    def __init__(self):
        self.module = Scope("module", None)
        self.flow = self.module.flow
        self.reads, self.builtin_reads, self.writes, self.deletes = set(), set(), set(), set()
        self.future_annotations = False
        self.deletion_log = []  # (flow, name)

    # -- names
    def resolves_global(self, name, scope):
        first = True
        while scope is not None:
            if scope.kind == "module":
                return True
            if scope.kind == "class":
                if first:
                    if name in scope.globals:
                        return True
                    if name in scope.nonlocals or scope.flow.has(name):
                        return False
            else:
                if name in scope.globals:
                    return True
                if name in scope.locals or name in scope.nonlocals:
                    return False
            first = False
            scope = scope.parent
        return True

    def read(self, name, ctx):
        if not self.resolves_global(name, ctx["scope"]):
            return
        if ctx["late"] or self.flow.has(name):
            return
        (self.builtin_reads if is_builtin(name) else self.reads).add(name)

    def bind(self, name, ctx):
        scope = ctx["scope"]
        if scope.kind == "comprehension":
            return
        if scope.kind == "module" or name in scope.globals:
            self.writes.add(name)
            if not ctx["late"]:
                self.flow.bound.add(name)
        elif scope.kind == "class":
            scope.flow.bound.add(name)

    def unbind(self, name, flow):
        flow.bound.discard(name)
        self.deletion_log.append((flow, name))

    def flow_of(self, ctx):
        scope = ctx["scope"]
        while scope.kind == "comprehension":
            scope = scope.parent
        return scope.flow

    # -- statements
    def block(self, stmts, ctx):
        for s in stmts:
            self.stmt(s, ctx)

    def stmt(self, s, ctx):
        flow = self.flow_of(ctx)
        if isinstance(s, ast.Expr) and self.statement_magic(s.value, ctx):
            pass
        elif isinstance(s, ast.Expr):
            self.expr(s.value, ctx)
        elif isinstance(s, ast.Assign):
            self.expr(s.value, ctx)
            for t in s.targets:
                self.target(t, ctx)
        elif isinstance(s, ast.AugAssign):
            if isinstance(s.target, ast.Name):
                self.read(s.target.id, ctx)
                self.expr(s.value, ctx)
                self.bind(s.target.id, ctx)
            else:
                self.target_object(s.target, ctx)
                self.expr(s.value, ctx)
        elif isinstance(s, ast.AnnAssign):
            if s.value is not None:
                self.expr(s.value, ctx)
                self.target(s.target, ctx)
            elif not isinstance(s.target, ast.Name):
                self.target_object(s.target, ctx)
            if not self.future_annotations and ctx["scope"].kind in ("module", "class"):
                self.expr(s.annotation, ctx)
        elif isinstance(s, ast.If):
            self.expr(s.test, ctx)
            after_test = flow.copy()
            self.block(s.body, ctx)
            true_out = flow.copy()
            flow.assign(after_test)
            self.block(s.orelse, ctx)
            flow.assign(Flow.join([true_out, flow.copy()]))
        elif isinstance(s, (ast.For, ast.AsyncFor, ast.While)):
            self.expr(s.test if isinstance(s, ast.While) else s.iter, ctx)
            after_test = flow.copy()
            mark = len(self.deletion_log)
            if not isinstance(s, ast.While):
                self.target(s.target, ctx)
            self.block(s.body, ctx)
            deleted = [n for f, n in self.deletion_log[mark:] if f is flow]
            flow.assign(after_test)
            self.block(s.orelse, ctx)
            after = Flow.join([after_test, flow.copy()]) if contains_break(s.body) else flow.copy()
            after.bound -= set(deleted)
            flow.assign(after)
        elif isinstance(s, (ast.Try, getattr(ast, "TryStar", ast.Try))):
            before = flow.copy()
            self.block(s.body, ctx)
            normal = flow.copy()
            handlers = []
            for h in s.handlers:
                flow.assign(before)
                if h.type is not None:
                    self.expr(h.type, ctx)
                if h.name:
                    self.bind(h.name, ctx)
                self.block(h.body, ctx)
                if h.name:
                    scope = ctx["scope"]
                    if scope.kind == "module" or h.name in scope.globals:
                        if not ctx["late"]:
                            self.unbind(h.name, self.flow)
                    elif scope.kind == "class":
                        self.unbind(h.name, flow)
                handlers.append(flow.copy())
            if s.orelse:
                flow.assign(normal)
                self.block(s.orelse, ctx)
                normal = flow.copy()
            completed = Flow.join([normal] + handlers)
            if not s.finalbody:
                flow.assign(completed)
            else:
                flow.assign(Flow.join([before, completed]))
                mark = len(self.deletion_log)
                self.block(s.finalbody, ctx)
                deleted = {n for f, n in self.deletion_log[mark:] if f is flow}
                if flow.dead or completed.dead:
                    flow.dead = True
                else:
                    flow.bound |= completed.bound - deleted
        elif isinstance(s, (ast.With, ast.AsyncWith)):
            for item in s.items:
                self.expr(item.context_expr, ctx)
                if item.optional_vars is not None:
                    self.target(item.optional_vars, ctx)
            self.block(s.body, ctx)
        elif isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self.function(s, ctx)
        elif isinstance(s, ast.ClassDef):
            for d in s.decorator_list:
                self.expr(d, ctx)
            for b in s.bases:
                self.expr(b, ctx)
            for k in s.keywords:
                self.expr(k.value, ctx)
            scope = Scope("class", ctx["scope"])
            class_declarations(scope, s.body)
            self.block(s.body, dict(ctx, scope=scope))
            self.bind(s.name, ctx)
        elif isinstance(s, ast.Match):
            self.expr(s.subject, ctx)
            before = flow.copy()
            outs, exhaustive = [], False
            for case in s.cases:
                flow.assign(before)
                for e in pattern_reads(case.pattern):
                    self.expr(e, ctx)
                for name in pattern_captures(case.pattern):
                    self.bind(name, ctx)
                if case.guard is not None:
                    self.expr(case.guard, ctx)
                self.block(case.body, ctx)
                outs.append(flow.copy())
                if case.guard is None and irrefutable(case.pattern):
                    exhaustive = True
            if not exhaustive:
                outs.append(before)
            flow.assign(Flow.join(outs))
        elif isinstance(s, (ast.Return, ast.Raise)):
            for c in ast.iter_child_nodes(s):
                self.expr(c, ctx)
            flow.dead = True
        elif isinstance(s, (ast.Break, ast.Continue)):
            flow.dead = True
        elif isinstance(s, ast.Delete):
            for t in s.targets:
                self.delete(t, ctx)
        elif isinstance(s, ast.Import):
            for a in s.names:
                self.bind(a.asname or a.name.split(".")[0], ctx)
        elif isinstance(s, ast.ImportFrom):
            for a in s.names:
                if s.module == "__future__" and a.name == "annotations":
                    self.future_annotations = True
                if a.name != "*":
                    self.bind(a.asname or a.name, ctx)
        elif isinstance(s, ast.Assert):
            self.expr(s.test, ctx)
            if s.msg is not None:
                before = flow.copy()
                self.expr(s.msg, ctx)
                flow.assign(before)
        elif isinstance(s, (ast.Global, ast.Nonlocal, ast.Pass)):
            pass
        elif hasattr(ast, "TypeAlias") and isinstance(s, ast.TypeAlias):
            self.bind(s.name.id, ctx)  # the value is evaluated lazily
        else:
            raise NotImplementedError(type(s).__name__)

    def statement_magic(self, e, ctx):
        """IPython turns `%time stmt` into get_ipython().run_line_magic('time', 'stmt'). `%time` runs the
        statement in the user namespace; `%timeit` inside a timing function (reads count, bindings don't)."""
        if not (isinstance(e, ast.Call) and isinstance(e.func, ast.Attribute)
                and all(isinstance(a, ast.Constant) for a in e.args)):
            return False
        if e.func.attr == "run_cell_magic" and len(e.args) == 3:
            # `%%time`/`%%prun`/`%%capture [out]` run the body in the user namespace; `%%timeit` in a
            # timing function. IPython hands us the body as a string: analyse it as Python.
            name, line, body = (a.value for a in e.args)
            if name not in ("time", "prun", "capture", "timeit"):
                return False
            if name == "capture":
                words = [w for w in line.split() if not w.startswith("-")]
                if words:
                    self.bind(words[0], ctx)
            return self.run_body(ast.parse(transform_magics(body)).body, ctx, isolated=name == "timeit")
        if e.func.attr != "run_line_magic" or len(e.args) != 2:
            return False
        name, line = e.args[0].value, e.args[1].value
        if name not in ("time", "timeit"):
            return False
        words = line.split()
        while words and words[0].startswith("-"):
            flag = words.pop(0)
            if name == "timeit" and len(flag) == 2 and flag[1] in "nrp" and words:
                words.pop(0)
        code = line[line.find(words[0]):] if words else ""
        if not code:
            return False
        return self.run_body(ast.parse(code).body, ctx, isolated=name == "timeit")

    def run_body(self, body, ctx, isolated):
        if isolated:
            before, writes, deletes = self.flow.copy(), set(self.writes), set(self.deletes)
            self.block(body, ctx)
            self.flow.assign(before)
            self.writes, self.deletes = writes, deletes
        else:
            self.block(body, ctx)
        return True

    def target_object(self, t, ctx):
        if isinstance(t, ast.Attribute):
            self.expr(t.value, ctx)
        elif isinstance(t, ast.Subscript):
            self.expr(t.value, ctx)
            self.expr(t.slice, ctx)
        else:
            self.expr(t, ctx)

    def target(self, t, ctx):
        if isinstance(t, ast.Name):
            self.bind(t.id, ctx)
        elif isinstance(t, (ast.Tuple, ast.List)):
            for e in t.elts:
                self.target(e, ctx)
        elif isinstance(t, ast.Starred):
            self.target(t.value, ctx)
        else:
            self.target_object(t, ctx)

    def delete(self, t, ctx):
        if isinstance(t, (ast.Tuple, ast.List)):
            for e in t.elts:
                self.delete(e, ctx)
            return
        if not isinstance(t, ast.Name):
            self.target_object(t, ctx)
            return
        scope, name = ctx["scope"], t.id
        if scope.kind == "class" and name not in scope.globals:
            self.unbind(name, scope.flow)
            return
        if not self.resolves_global(name, scope):
            return
        if not ctx["late"] and not self.flow.has(name):
            self.reads.add(name)
        self.deletes.add(name)
        if not ctx["late"]:
            self.unbind(name, self.flow)

    def function(self, f, ctx):
        for d in f.decorator_list:
            self.expr(d, ctx)
        self.arguments(f.args, ctx, annotations=not self.future_annotations)
        if f.returns is not None and not self.future_annotations:
            self.expr(f.returns, ctx)
        scope = Scope("function", ctx["scope"])
        scope.locals.update(a.arg for a in self.all_args(f.args))
        function_locals(scope, f.body)
        self.block(f.body, dict(ctx, scope=scope, late=True))
        self.bind(f.name, ctx)

    @staticmethod
    def all_args(args):
        out = list(args.posonlyargs) + list(args.args) + list(args.kwonlyargs)
        return out + [a for a in (args.vararg, args.kwarg) if a is not None]

    def arguments(self, args, ctx, annotations):
        for d in args.defaults + [d for d in args.kw_defaults if d is not None]:
            self.expr(d, ctx)
        if annotations:
            for a in self.all_args(args):
                if a.annotation is not None:
                    self.expr(a.annotation, ctx)

    # -- expressions
    def expr(self, e, ctx):
        flow = self.flow_of(ctx)
        if isinstance(e, ast.Name):
            if isinstance(e.ctx, ast.Load):
                self.read(e.id, ctx)
        elif isinstance(e, ast.NamedExpr):
            self.expr(e.value, ctx)
            scope = ctx["scope"]
            while scope.kind == "comprehension":
                scope = scope.parent
            self.bind(e.target.id, dict(ctx, scope=scope))
        elif isinstance(e, ast.BoolOp):
            self.expr(e.values[0], ctx)
            before = flow.copy()
            for v in e.values[1:]:
                self.expr(v, ctx)
            flow.assign(Flow.join([before, flow.copy()]))
        elif isinstance(e, ast.IfExp):
            self.expr(e.test, ctx)
            after = flow.copy()
            self.expr(e.body, ctx)
            true_out = flow.copy()
            flow.assign(after)
            self.expr(e.orelse, ctx)
            flow.assign(Flow.join([true_out, flow.copy()]))
        elif isinstance(e, ast.Lambda):
            self.arguments(e.args, ctx, annotations=False)
            scope = Scope("function", ctx["scope"])
            scope.locals.update(a.arg for a in self.all_args(e.args))
            function_locals(scope, [e.body])
            self.expr(e.body, dict(ctx, scope=scope, late=True))
        elif isinstance(e, COMPS):
            self.expr(e.generators[0].iter, ctx)
            scope = Scope("comprehension", ctx["scope"])
            for g in e.generators:
                scope.locals.update(target_names(g.target))
            inner = dict(ctx, scope=scope)
            before = flow.copy()
            for i, g in enumerate(e.generators):
                if i > 0:
                    self.expr(g.iter, inner)
                self.target(g.target, inner)
                for c in g.ifs:
                    self.expr(c, inner)
            if isinstance(e, ast.DictComp):
                self.expr(e.key, inner)
                self.expr(e.value, inner)
            else:
                self.expr(e.elt, inner)
            flow.assign(before)
        elif isinstance(e, ast.Dict):
            for k, v in zip(e.keys, e.values):
                if k is not None:
                    self.expr(k, ctx)
                self.expr(v, ctx)
        else:
            for c in ast.iter_child_nodes(e):
                if isinstance(c, ast.expr):
                    self.expr(c, ctx)
                elif isinstance(c, (ast.keyword, ast.comprehension, ast.arguments, ast.FormattedValue)):
                    for cc in ast.iter_child_nodes(c):
                        if isinstance(cc, ast.expr):
                            self.expr(cc, ctx)


def transform_magics(source):
    try:
        from IPython.core.inputtransformer2 import TransformerManager
    except ImportError:
        return source
    return TransformerManager().transform_cell(source)


def analyze(source):
    code = source
    try:
        tree = ast.parse(code)
    except SyntaxError:
        code = transform_magics(source)
        try:
            tree = ast.parse(code)
        except SyntaxError as error:
            return {"ok": False, "error": "SyntaxError: %s" % error.msg}
    cell = Cell()
    ctx = {"scope": cell.module, "late": False}
    cell.block(tree.body, ctx)
    return {"ok": True, "transformed": code != source, "reads": sorted(cell.reads), "writes": sorted(cell.writes),
            "builtinReads": sorted(cell.builtin_reads), "deletes": sorted(cell.deletes)}


def main():
    sources = json.load(sys.stdin)
    out = []
    for s in sources:
        try:
            out.append(analyze(s))
        except (RecursionError, NotImplementedError) as error:
            out.append({"ok": False, "error": "%s: %s" % (type(error).__name__, error)})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""CPython's own parse of Python sources, printed in the shape of src/core/python/ast.ts.

The parser's oracle: our hand-written parser must produce, field by field, what this script prints
for the same source. One process serves thousands of sources (interpreter start-up is most of the
cost of a small source):

    stdin:  one JSON object per line, {"id": <any JSON>, "source": "<python source>"}
    stdout: one JSON object per input line, in order:
            {"id": ..., "module": <Module>}                     when ast.parse accepts the source
            {"id": ..., "error": {"message", "kind", "start", "end"}} when it raises SyntaxError

Run it with CPython 3.13 (test/helpers/cpythonAst.ts finds one): ast.ts mirrors the 3.13 grammar, and
only 3.12+ give the parts of an f-string their own positions.

Offsets. CPython reports lineno (1-based; lines end at \\n, \\r\\n or a lone \\r, nothing else) and
col_offset in UTF-8 bytes of that line. ast.ts wants offsets in UTF-16 code units into the source
string, so each position goes line start -> code points (decoding the line's byte prefix when it is
not ASCII) -> UTF-16 (+1 for every non-BMP character before it). A form feed is an ordinary column
character. A leading BOM (U+FEFF) is dropped before parsing, as CPython does when it reads a file, and
every offset still counts it (one code unit).

Conventions for what CPython does not give (the parser follows these; they are the contract):
- Identifier ranges (ast.ts keeps def/class names, alias names, import modules, global/nonlocal
  names, parameter names, keyword-argument names, except-handler names, match capture names, class
  pattern keyword names, attribute names and type-parameter names as {name, start, end}) cover the
  identifier's source text; `name` is CPython's (NFKC-normalised) string. A dotted name (`import a.b`,
  `from a.b import c`) spans from its first to its last component. A star import's name is `*`.
- Module: 0 to the length of the source; `errors` is [] (rejected sources print an error instead).
- Arguments: from the first token of the parameter list to the end of its last token that is not a
  comma (a `/` or bare `*` counts, so does the `)` of a parenthesised default). An empty list is
  empty at the closing `)` of a def or the `:` of a lambda.
- Comprehension: from its `async`/`for` keyword to the end of its last expression (the iterable or
  the last `if` condition; a closing parenthesis around it is not included).
- WithItem: from the context expression's start to the end of the `as` target, else of the context
  expression (parentheses around the item list are not included).
- MatchCase: from the `case` keyword to the end of the last statement of its body.
- Constant.value: decoded text for str; the literal's source text for bytes and numbers (so
  `b"a" b"b"` is the whole span); `True`/`False`/`None`; `...` for Ellipsis.
- Operators are their source spelling (`+`, `not in`, `and`, ...), contexts are Load/Store/Del.
- TypeAlias / type parameters exist only when run on 3.12+.
"""
import ast
import bisect
import json
import re
import sys
import threading

NEWLINE = re.compile(r'\r\n|\r|\n')
ASTRAL = re.compile('[\U00010000-\U0010ffff]')
IDENT = re.compile(r'[^\W\d]\w*')

BINOPS = {
    'Add': '+', 'Sub': '-', 'Mult': '*', 'MatMult': '@', 'Div': '/', 'Mod': '%', 'Pow': '**',
    'LShift': '<<', 'RShift': '>>', 'BitOr': '|', 'BitXor': '^', 'BitAnd': '&', 'FloorDiv': '//',
}
UNARYOPS = {'Invert': '~', 'Not': 'not', 'UAdd': '+', 'USub': '-'}
BOOLOPS = {'And': 'and', 'Or': 'or'}
CMPOPS = {
    'Eq': '==', 'NotEq': '!=', 'Lt': '<', 'LtE': '<=', 'Gt': '>', 'GtE': '>=', 'Is': 'is',
    'IsNot': 'is not', 'In': 'in', 'NotIn': 'not in',
}
CTX = {'Load': 'Load', 'Store': 'Store', 'Del': 'Del'}


def is_ident_char(ch):
    return ch == '_' or ch.isalnum() or ('a' + ch).isidentifier()


class Converter:
    def __init__(self, source, shift):
        self.src = source
        self.shift = shift  # code units before `source` in the original string (a dropped BOM)
        self.line_starts = [0] + [m.end() for m in NEWLINE.finditer(source)]
        self.astral = [m.start() for m in ASTRAL.finditer(source)]
        self.line_bytes = {}

    # ---- positions ---------------------------------------------------------------------------
    def cp(self, lineno, col):
        """Code-point index of CPython's (lineno, UTF-8 byte col)."""
        if lineno is None:
            return 0
        line = lineno - 1
        if line >= len(self.line_starts):
            return len(self.src)
        start = self.line_starts[line]
        if col <= 0:
            return start
        stop = self.line_starts[line + 1] if line + 1 < len(self.line_starts) else len(self.src)
        text = self.src[start:stop]
        if text.isascii():
            return min(start + col, stop)
        data = self.line_bytes.get(line)
        if data is None:
            data = self.line_bytes[line] = text.encode('utf-8', 'surrogatepass')
        return start + len(data[:col].decode('utf-8', 'replace'))

    def u16(self, cp):
        return cp + bisect.bisect_left(self.astral, cp) + self.shift

    def span_cp(self, node):
        return self.cp(node.lineno, node.col_offset), self.cp(node.end_lineno, node.end_col_offset)

    def base(self, node_type, node, /, **fields):
        s, e = self.span_cp(node)
        out = {"type": node_type, "start": self.u16(s), "end": self.u16(e)} if node_type else {'start': self.u16(s), 'end': self.u16(e)}
        out.update(fields)
        return out

    def ranged(self, s, e, /, **fields):
        out = {'start': self.u16(s), 'end': self.u16(e)}
        out.update(fields)
        return out

    # ---- scanning the source between nodes (only punctuation, keywords and trivia live there) ----
    def skip_trivia(self, i, punct=''):
        src = self.src
        n = len(src)
        while i < n:
            ch = src[i]
            if ch in ' \t\f\r\n' or ch in punct:
                i += 1
            elif ch == '\\' and i + 1 < n and src[i + 1] in '\r\n':
                i += 2
            elif ch == '#':
                while i < n and src[i] not in '\r\n':
                    i += 1
            else:
                break
        return i

    def ident_at(self, i, name):
        m = IDENT.match(self.src, i)
        if not m:
            raise ValueError(f'no identifier at {i} for {name!r}: {self.src[i:i + 20]!r}')
        return {'name': name, 'start': self.u16(m.start()), 'end': self.u16(m.end())}

    def ident_match(self, i):
        m = IDENT.match(self.src, i)
        if not m:
            raise ValueError(f'no identifier at {i}: {self.src[i:i + 20]!r}')
        return m

    def next_ident(self, i, name, punct=''):
        return self.ident_at(self.skip_trivia(i, punct), name)

    def after_keyword(self, i, *keywords):
        """Position after the given keywords (each optional, in order) starting at i."""
        for kw in keywords:
            i = self.skip_trivia(i)
            m = IDENT.match(self.src, i)
            if m and m.group() == kw:
                i = m.end()
        return i

    def ident_ending_at(self, e, name):
        i = e
        while i > 0 and is_ident_char(self.src[i - 1]):
            i -= 1
        return {'name': name, 'start': self.u16(i), 'end': self.u16(e)}

    def dotted(self, i, name):
        """A dotted name starting at i (after trivia): range of first to last component."""
        i = self.skip_trivia(i)
        first = self.ident_match(i)
        end = first.end()
        for _ in range(name.count('.')):
            j = self.skip_trivia(end)
            assert self.src[j] == '.', (name, self.src[j:j + 10])
            end = self.ident_match(self.skip_trivia(j + 1)).end()
        return {'name': name, 'start': self.u16(first.start()), 'end': self.u16(end)}

    def matching_close(self, i):
        """Index of the bracket closing the one at i, skipping strings and comments."""
        src = self.src
        n = len(src)
        depth = 0
        while i < n:
            ch = src[i]
            if ch in '([{':
                depth += 1
                i += 1
            elif ch in ')]}':
                depth -= 1
                if depth == 0:
                    return i
                i += 1
            elif ch == '#':
                while i < n and src[i] not in '\r\n':
                    i += 1
            elif ch in '\'"':
                q = src[i:i + 3] if src[i:i + 3] in ('"""', "'''") else ch
                i += len(q)
                while i < n and not src.startswith(q, i):
                    i += 2 if src[i] == '\\' else 1
                i += len(q)
            else:
                i += 1
        raise ValueError('unbalanced bracket')

    # ---- nodes -------------------------------------------------------------------------------
    def stmts(self, body):
        return [self.stmt(s) for s in body]

    def exprs(self, items):
        return [self.expr(e) for e in items]

    def opt(self, e):
        return None if e is None else self.expr(e)

    def type_params(self, node):
        return [self.type_param(p) for p in getattr(node, 'type_params', None) or []]

    def type_param(self, p):
        kind = type(p).__name__
        name = self.next_ident(self.cp(p.lineno, p.col_offset), p.name, '*')
        default = self.opt(getattr(p, 'default_value', None))
        if kind == 'TypeVar':
            return self.base('TypeVar', p, name=name, bound=self.opt(p.bound), defaultValue=default)
        return self.base(kind, p, name=name, defaultValue=default)

    def arguments(self, a, open_index, close_index, lambda_keyword_end=None):
        """open_index: just after `(` (def) or the `lambda` keyword; close_index: `)` or `:`."""
        nodes = [*a.posonlyargs, *a.args, *a.kwonlyargs, *a.defaults]
        nodes += [d for d in a.kw_defaults if d is not None]
        nodes += [x for x in (a.vararg, a.kwarg) if x is not None]
        start = self.skip_trivia(open_index)
        if start >= close_index:
            s = e = close_index
        else:
            s = start
            e = max((self.span_cp(x)[1] for x in nodes), default=start)
            i = e
            while True:
                i = self.skip_trivia(i)
                if i >= close_index:
                    break
                ch = self.src[i]
                if ch == ',':
                    i += 1
                elif ch in '/*)':
                    i += 1
                    e = i
                else:
                    break
        return self.ranged(
            s, e,
            posonlyargs=[self.arg(x) for x in a.posonlyargs],
            args=[self.arg(x) for x in a.args],
            vararg=None if a.vararg is None else self.arg(a.vararg),
            kwonlyargs=[self.arg(x) for x in a.kwonlyargs],
            kwDefaults=[self.opt(d) for d in a.kw_defaults],
            kwarg=None if a.kwarg is None else self.arg(a.kwarg),
            defaults=self.exprs(a.defaults),
        )

    def arg(self, x):
        s, _ = self.span_cp(x)
        return self.base(None, x, arg=self.ident_at(s, x.arg), annotation=self.opt(x.annotation))

    def keyword(self, k):
        s, _ = self.span_cp(k)
        return self.base(None, k, arg=None if k.arg is None else self.ident_at(s, k.arg), value=self.expr(k.value))

    def alias(self, a):
        s, e = self.span_cp(a)
        if a.name == '*':
            name = {'name': '*', 'start': self.u16(s), 'end': self.u16(s + 1)}
        else:
            name = self.dotted(s, a.name)
        asname = None if a.asname is None else self.ident_ending_at(e, a.asname)
        return self.ranged(s, e, name=name, asname=asname)

    def comprehensions(self, gens, prev_end):
        out = []
        for g in gens:
            s = self.skip_trivia(prev_end, ')')
            e = max([self.span_cp(g.iter)[1], *(self.span_cp(c)[1] for c in g.ifs)])
            out.append(self.ranged(
                s, e, target=self.expr(g.target), iter=self.expr(g.iter), ifs=self.exprs(g.ifs), isAsync=bool(g.is_async),
            ))
            prev_end = e
        return out

    def with_items(self, items):
        out = []
        for it in items:
            s = self.span_cp(it.context_expr)[0]
            e = self.span_cp(it.optional_vars if it.optional_vars is not None else it.context_expr)[1]
            out.append(self.ranged(s, e, contextExpr=self.expr(it.context_expr), optionalVars=self.opt(it.optional_vars)))
        return out

    def stmt(self, n):
        k = type(n).__name__
        if k in ('FunctionDef', 'AsyncFunctionDef'):
            s, _ = self.span_cp(n)
            i = self.after_keyword(s, 'async', 'def')
            name_m = self.ident_match(self.skip_trivia(i))
            i = self.skip_trivia(name_m.end())
            if self.src[i] == '[':
                i = self.skip_trivia(self.matching_close(i) + 1)
            assert self.src[i] == '(', self.src[i:i + 20]
            close = self.matching_close(i)
            return self.base(
                'FunctionDef', n, isAsync=k == 'AsyncFunctionDef',
                name={'name': n.name, 'start': self.u16(name_m.start()), 'end': self.u16(name_m.end())},
                args=self.arguments(n.args, i + 1, close), body=self.stmts(n.body),
                decorators=self.exprs(n.decorator_list), returns=self.opt(n.returns), typeParams=self.type_params(n),
            )
        if k == 'ClassDef':
            s, _ = self.span_cp(n)
            return self.base(
                'ClassDef', n, name=self.next_ident(self.after_keyword(s, 'class'), n.name), bases=self.exprs(n.bases),
                keywords=[self.keyword(x) for x in n.keywords], body=self.stmts(n.body),
                decorators=self.exprs(n.decorator_list), typeParams=self.type_params(n),
            )
        if k == 'Return':
            return self.base('Return', n, value=self.opt(n.value))
        if k == 'Delete':
            return self.base('Delete', n, targets=self.exprs(n.targets))
        if k == 'Assign':
            return self.base('Assign', n, targets=self.exprs(n.targets), value=self.expr(n.value))
        if k == 'TypeAlias':
            return self.base('TypeAlias', n, name=self.expr(n.name), typeParams=self.type_params(n), value=self.expr(n.value))
        if k == 'AugAssign':
            return self.base('AugAssign', n, target=self.expr(n.target), op=BINOPS[type(n.op).__name__], value=self.expr(n.value))
        if k == 'AnnAssign':
            return self.base(
                'AnnAssign', n, target=self.expr(n.target), annotation=self.expr(n.annotation), value=self.opt(n.value),
                simple=bool(n.simple),
            )
        if k in ('For', 'AsyncFor'):
            return self.base(
                'For', n, isAsync=k == 'AsyncFor', target=self.expr(n.target), iter=self.expr(n.iter),
                body=self.stmts(n.body), orelse=self.stmts(n.orelse),
            )
        if k == 'While':
            return self.base('While', n, test=self.expr(n.test), body=self.stmts(n.body), orelse=self.stmts(n.orelse))
        if k == 'If':
            return self.base('If', n, test=self.expr(n.test), body=self.stmts(n.body), orelse=self.stmts(n.orelse))
        if k in ('With', 'AsyncWith'):
            return self.base('With', n, isAsync=k == 'AsyncWith', items=self.with_items(n.items), body=self.stmts(n.body))
        if k == 'Match':
            cases = []
            prev = self.span_cp(n.subject)[1]
            for c in n.cases:
                s = self.skip_trivia(prev, '):;')
                e = self.span_cp(c.body[-1])[1]
                cases.append(self.ranged(s, e, pattern=self.pattern(c.pattern), guard=self.opt(c.guard), body=self.stmts(c.body)))
                prev = e
            return self.base('Match', n, subject=self.expr(n.subject), cases=cases)
        if k == 'Raise':
            return self.base('Raise', n, exc=self.opt(n.exc), cause=self.opt(n.cause))
        if k in ('Try', 'TryStar'):
            return self.base(
                'Try', n, isStar=k == 'TryStar', body=self.stmts(n.body), handlers=[self.handler(h) for h in n.handlers],
                orelse=self.stmts(n.orelse), finalbody=self.stmts(n.finalbody),
            )
        if k == 'Assert':
            return self.base('Assert', n, test=self.expr(n.test), msg=self.opt(n.msg))
        if k == 'Import':
            return self.base('Import', n, names=[self.alias(a) for a in n.names])
        if k == 'ImportFrom':
            s, _ = self.span_cp(n)
            module = None
            if n.module is not None:
                module = self.dotted(self.skip_trivia(self.after_keyword(s, 'from'), '.'), n.module)
            return self.base('ImportFrom', n, module=module, names=[self.alias(a) for a in n.names], level=n.level or 0)
        if k in ('Global', 'Nonlocal'):
            s, _ = self.span_cp(n)
            i = self.after_keyword(s, k.lower())
            names = []
            for name in n.names:
                m = self.ident_match(self.skip_trivia(i, ','))
                names.append({'name': name, 'start': self.u16(m.start()), 'end': self.u16(m.end())})
                i = m.end()
            return self.base(k, n, names=names)
        if k == 'Expr':
            return self.base('ExprStmt', n, value=self.expr(n.value))
        if k in ('Pass', 'Break', 'Continue'):
            return self.base(k, n)
        raise ValueError(f'unknown statement {k}')

    def handler(self, h):
        name = None
        if h.name is not None:
            i = self.after_keyword(self.skip_trivia(self.span_cp(h.type)[1], ')'), 'as')
            name = self.next_ident(i, h.name)
        return self.base('ExceptHandler', h, exceptionType=self.opt(h.type), name=name, body=self.stmts(h.body))

    def expr(self, n):
        k = type(n).__name__
        if k == 'BoolOp':
            return self.base('BoolOp', n, op=BOOLOPS[type(n.op).__name__], values=self.exprs(n.values))
        if k == 'NamedExpr':
            return self.base('NamedExpr', n, target=self.expr(n.target), value=self.expr(n.value))
        if k == 'BinOp':
            return self.base('BinOp', n, left=self.expr(n.left), op=BINOPS[type(n.op).__name__], right=self.expr(n.right))
        if k == 'UnaryOp':
            return self.base('UnaryOp', n, op=UNARYOPS[type(n.op).__name__], operand=self.expr(n.operand))
        if k == 'Lambda':
            s, _ = self.span_cp(n)
            open_index = self.after_keyword(s, 'lambda')
            a = n.args
            nodes = [*a.posonlyargs, *a.args, *a.kwonlyargs, *a.defaults, *(d for d in a.kw_defaults if d is not None)]
            nodes += [x for x in (a.vararg, a.kwarg) if x is not None]
            i = max((self.span_cp(x)[1] for x in nodes), default=open_index)
            while True:
                i = self.skip_trivia(i, ',/*)')
                if self.src[i] == ':':
                    break
                raise ValueError(f'lambda colon not found: {self.src[i:i + 20]!r}')
            return self.base('Lambda', n, args=self.arguments(a, open_index, i), body=self.expr(n.body))
        if k == 'IfExp':
            return self.base('IfExp', n, test=self.expr(n.test), body=self.expr(n.body), orelse=self.expr(n.orelse))
        if k == 'Dict':
            return self.base('Dict', n, keys=[self.opt(x) for x in n.keys], values=self.exprs(n.values))
        if k == 'Set':
            return self.base('Set', n, elts=self.exprs(n.elts))
        if k in ('ListComp', 'SetComp', 'GeneratorExp'):
            gens = self.comprehensions(n.generators, self.span_cp(n.elt)[1])
            return self.base(k, n, elt=self.expr(n.elt), generators=gens)
        if k == 'DictComp':
            gens = self.comprehensions(n.generators, self.span_cp(n.value)[1])
            return self.base('DictComp', n, key=self.expr(n.key), value=self.expr(n.value), generators=gens)
        if k == 'Await':
            return self.base('Await', n, value=self.expr(n.value))
        if k == 'Yield':
            return self.base('Yield', n, value=self.opt(n.value))
        if k == 'YieldFrom':
            return self.base('YieldFrom', n, value=self.expr(n.value))
        if k == 'Compare':
            return self.base(
                'Compare', n, left=self.expr(n.left), ops=[CMPOPS[type(o).__name__] for o in n.ops],
                comparators=self.exprs(n.comparators),
            )
        if k == 'Call':
            return self.base('Call', n, func=self.expr(n.func), args=self.exprs(n.args), keywords=[self.keyword(x) for x in n.keywords])
        if k == 'FormattedValue':
            return self.base(
                'FormattedValue', n, value=self.expr(n.value), conversion=n.conversion,
                formatSpec=None if n.format_spec is None else self.expr(n.format_spec),
            )
        if k == 'JoinedStr':
            return self.base('JoinedStr', n, values=self.exprs(n.values))
        if k == 'Constant':
            return self.constant(n)
        if k == 'Attribute':
            _, e = self.span_cp(n)
            return self.base('Attribute', n, value=self.expr(n.value), attr=self.ident_ending_at(e, n.attr), ctx=CTX[type(n.ctx).__name__])
        if k == 'Subscript':
            return self.base('Subscript', n, value=self.expr(n.value), slice=self.expr(n.slice), ctx=CTX[type(n.ctx).__name__])
        if k == 'Starred':
            return self.base('Starred', n, value=self.expr(n.value), ctx=CTX[type(n.ctx).__name__])
        if k == 'Name':
            return self.base('Name', n, id=n.id, ctx=CTX[type(n.ctx).__name__])
        if k in ('List', 'Tuple'):
            return self.base(k, n, elts=self.exprs(n.elts), ctx=CTX[type(n.ctx).__name__])
        if k == 'Slice':
            return self.base('Slice', n, lower=self.opt(n.lower), upper=self.opt(n.upper), step=self.opt(n.step))
        raise ValueError(f'unknown expression {k}')

    def constant(self, n):
        v = n.value
        s, e = self.span_cp(n)
        prefix_u = getattr(n, 'kind', None) == 'u'
        if isinstance(v, str):
            kind, value = 'str', v
        elif isinstance(v, bytes):
            kind, value = 'bytes', self.src[s:e]
        elif v is True or v is False or v is None:
            kind = value = repr(v)
        elif v is Ellipsis:
            kind, value = 'Ellipsis', '...'
        elif isinstance(v, bool):
            kind = value = repr(v)
        elif isinstance(v, int):
            kind, value = 'int', self.src[s:e]
        elif isinstance(v, float):
            kind, value = 'float', self.src[s:e]
        elif isinstance(v, complex):
            kind, value = 'complex', self.src[s:e]
        else:
            raise ValueError(f'unknown constant {v!r}')
        return self.base('Constant', n, kind=kind, value=value, prefixU=prefix_u)

    def pattern(self, p):
        k = type(p).__name__
        if k == 'MatchValue':
            return self.base('MatchValue', p, value=self.expr(p.value))
        if k == 'MatchSingleton':
            return self.base('MatchSingleton', p, value=repr(p.value))
        if k == 'MatchSequence':
            return self.base('MatchSequence', p, patterns=[self.pattern(x) for x in p.patterns])
        if k == 'MatchMapping':
            rest = None
            if p.rest is not None:
                s, _ = self.span_cp(p)
                prev = max([s + 1, *(self.span_cp(x)[1] for x in [*p.keys, *p.patterns])])
                rest = self.next_ident(prev, p.rest, ',*)')
            return self.base('MatchMapping', p, keys=self.exprs(p.keys), patterns=[self.pattern(x) for x in p.patterns], rest=rest)
        if k == 'MatchClass':
            attrs = []
            prev = self.span_cp(p.patterns[-1])[1] if p.patterns else self.span_cp(p.cls)[1]
            for name, sub in zip(p.kwd_attrs, p.kwd_patterns):
                attrs.append(self.next_ident(prev, name, '(),'))
                prev = self.span_cp(sub)[1]
            return self.base(
                'MatchClass', p, cls=self.expr(p.cls), patterns=[self.pattern(x) for x in p.patterns], kwdAttrs=attrs,
                kwdPatterns=[self.pattern(x) for x in p.kwd_patterns],
            )
        if k == 'MatchStar':
            _, e = self.span_cp(p)
            return self.base('MatchStar', p, name=None if p.name is None else self.ident_ending_at(e, p.name))
        if k == 'MatchAs':
            _, e = self.span_cp(p)
            name = None if p.name is None else self.ident_ending_at(e, p.name)
            return self.base('MatchAs', p, pattern=None if p.pattern is None else self.pattern(p.pattern), name=name)
        if k == 'MatchOr':
            return self.base('MatchOr', p, patterns=[self.pattern(x) for x in p.patterns])
        raise ValueError(f'unknown pattern {k}')


def error_result(conv, e):
    line = (e.lineno or 1) - 1
    if line >= len(conv.line_starts):
        start = len(conv.src)
        line = len(conv.line_starts) - 1
    line_start = conv.line_starts[line]
    line_stop = conv.line_starts[line + 1] if line + 1 < len(conv.line_starts) else len(conv.src)
    start = min(line_start + max((e.offset or 1) - 1, 0), line_stop)
    end = start
    end_lineno = getattr(e, 'end_lineno', None)
    end_offset = getattr(e, 'end_offset', None)
    if end_lineno is not None and end_offset is not None and end_offset > 0 and end_lineno - 1 < len(conv.line_starts):
        ls = conv.line_starts[end_lineno - 1]
        stop = conv.line_starts[end_lineno] if end_lineno < len(conv.line_starts) else len(conv.src)
        end = max(start, min(ls + end_offset - 1, stop))
    return {'message': e.msg if hasattr(e, 'msg') else str(e), 'kind': type(e).__name__, 'start': conv.u16(start), 'end': conv.u16(end)}


def convert(source):
    shift = 1 if source.startswith('\ufeff') else 0
    body_source = source[shift:]
    conv = Converter(body_source, shift)
    try:
        tree = ast.parse(body_source)
    except SyntaxError as e:
        return {'error': error_result(conv, e)}
    except (ValueError, UnicodeError) as e:  # null bytes (3.11), lone surrogates
        return {'error': {'message': str(e), 'kind': type(e).__name__, 'start': 0, 'end': 0}}
    except (RecursionError, MemoryError) as e:  # CPython itself gave up on the nesting
        return {'error': {'message': str(e) or type(e).__name__, 'kind': type(e).__name__, 'start': 0, 'end': 0}}
    length = len(source) + len(ASTRAL.findall(source))
    return {'module': {'type': 'Module', 'start': 0, 'end': length, 'body': conv.stmts(tree.body), 'errors': []}}


def main():
    out = sys.stdout
    for line in sys.stdin:
        if not line.strip():
            continue
        item = json.loads(line)
        try:
            result = convert(item['source'])
        except Exception as e:  # a bug in this script: say so instead of a silent disagreement
            result = {'oracleFailure': f'{type(e).__name__}: {e}'}
        result['id'] = item.get('id')
        out.write(json.dumps(result, ensure_ascii=True, separators=(',', ':')))
        out.write('\n')
    out.flush()


if __name__ == '__main__':
    sys.setrecursionlimit(1_000_000)
    threading.stack_size(512 * 1024 * 1024)
    worker = threading.Thread(target=main)
    worker.start()
    worker.join()

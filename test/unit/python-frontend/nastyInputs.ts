/**
 * A seeded generator of nasty Python inputs for the parser's oracle test: valid snippets of every
 * construct the 3.13 grammar has (PEP 701 f-strings, match, PEP 695 type parameters and defaults,
 * except*, walrus in comprehensions, lambda defaults, decorators, global/nonlocal, async
 * comprehensions, ...), combined and nested, then put through line-ending, BOM, tab and form-feed
 * transforms and through random one-character mutations that produce every class of syntax error.
 * The same seed always gives the same cases.
 */

export interface NastyCase {
  id: string;
  source: string;
}

/** mulberry32: small, fast, deterministic. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const SNIPPETS: string[] = [
  // f-strings (PEP 701)
  'x = f"{a!r:>{w}}b" "c"',
  "s = f'{d[\"k\"]} {f\"{x!s}\"}'",
  'y = f"{f"{f"{x}"}"}"',
  'z = f"{x = }" f"{y=!s:^10}" f"{z = :>5}"',
  'r = rf"\\d{x}\\n" fr"{y}\\{{z}}"',
  't = f"""multi\n{x\n  + 1}\nline"""',
  'u = f"{x:{w}.{p}f}" f"{{}}" f""',
  'v = "a" f"b{c}d" "e" f"{g}"',
  'w = f"{lambda: 1}"',
  'q = f"{x:=5}" f"{(x:=5)}"',
  'p = f"{a[1:2]!a}" f"{ {1: 2}[1] }" f"{*a,}"',
  // strings and bytes
  "b = b'\\x00\\n' rb'\\d' B\"\"\"x\"\"\"",
  "s = u'x' 'y' + '\\u00e9\\U0001F600\\x41\\101\\q\\777'",
  "s = '''a\\\nb''' \"\\\n\"",
  // numbers
  'n = 1_000 + 0x_ff + 0o17 + 0b1_0 + 1.5e-3 + .5 + 5. + 1j + 1_0.0_1J + 0 + 00 + 0e0',
  // match
  'match p:\n    case Point(x=0, y=yy) | [_, *rest] if yy:\n        pass\n    case {"k": v, **kw}:\n        pass\n    case -1 | 1 + 2j | "s" | None | a.b.c:\n        pass\n    case (a, b) as c:\n        pass\n    case [*_]:\n        pass\n    case _:\n        pass',
  'match a, *b:\n    case 1, 2:\n        pass\n    case (1 | 2) as x, y if (z := y):\n        pass',
  'match = 1\nmatch(x)\nmatch[1]\ncase = 2\n_ = 3',
  'match x:\n    case {1: _, "a": [1, {}], **rest}:\n        pass\n    case C():\n        pass\n    case C(1, a=2):\n        pass',
  // PEP 695 and TypeVar defaults
  'type Vec[T] = list[T]',
  'type X[*Ts, **P, T: int = str] = tuple[*Ts]',
  'def first[T](xs: list[T]) -> T: return xs[0]',
  'class Box[T: (int, str) = int, *Ts = *tuple[int], **P = [int]](Base, metaclass=M): pass',
  'type = 1\ntype(x)\ntype.x = 2',
  // except*
  'try:\n    pass\nexcept* ValueError as eg:\n    pass\nexcept* (TypeError, KeyError):\n    pass\nelse:\n    pass\nfinally:\n    pass',
  'try:\n    pass\nexcept ValueError:\n    pass\nexcept:\n    pass',
  // walrus and comprehensions
  '[y := f(x) for x in a if (z := x)]',
  '{(k := 1): v for k, v in d.items() if k}',
  'g = (x for x in y if x for y in z)\nh = f(x for x in y)',
  'any((n := x) > 0 for x in xs)\nprint(n)',
  // lambdas
  'f = lambda a, b=1, /, c=2, *d, e=3, f, **g: a',
  'f = lambda: (yield)\nf = lambda *, k: k\nf = lambda *a, **k: 0',
  // decorators
  '@decorator(arg)\n@a.b[c]\n@(lambda f: f)\n@x := y\ndef f(): pass',
  '@dataclass\nclass C:\n    x: int = 0\n    y: "str"',
  // global / nonlocal
  'def outer():\n    n = 0\n    def inner():\n        nonlocal n\n        global g, h\n        n += 1\n    return inner',
  // async
  'async def f():\n    async with a as b, c:\n        pass\n    async for x in y:\n        pass\n    return [x async for x in y] + [await z for z in w]',
  'async def g():\n    await x\n    yield\n    r = {k: v async for k, v in aiter()}',
  // assignments
  'x: int = 1; (y): str; a.b: int; a[0]: list = []',
  'a, *b = c = d\n[e, (f, g)] = h\ni += 1\nj //= 2\nk **= 3\nl @= m',
  'del a[1:2, ::3], b.c, (d, e), [f]',
  'with (open(a) as f, open(b) as g):\n    pass\nwith (a, b):\n    pass\nwith a as (b, c):\n    pass',
  'print(*args, sep="", **kw)\nf(a)(b)[c].d\nf(a=1, *b, **c)\nf(**a, b=1)',
  'x = yield\ny = yield from z\nz = await w',
  'a[b:c:d, e:, :f, ...]\na[*b]\na[b, *c]\na[()]\na[x := 1]',
  'if a:\n    pass\nelif b:\n    pass\nelif c:\n    pass\nelse:\n    pass',
  'while x:\n    break\nelse:\n    continue',
  'for x, in y:\n    pass\nfor *a, b in c:\n    pass\nelse:\n    pass',
  'from . import a\nfrom ..b.c import (d as e, f,)\nfrom ... import g\nimport h.i as j, k\nfrom l import *',
  'assert x, "msg"\nraise\nraise E from None\nreturn\npass',
  'x = not a and b or c if d else e\ny = a < b <= c is not d not in e in f is g',
  'z = -a ** -b + ~c * d @ e / f // g % h << i >> j & k ^ l | m',
  'x = {**a, "b": 1, **c}\ny = {*a, b}\nz = [*a, *b]\nw = (*a, b)\nv = ()\nu = (a,)',
  'print(... is Ellipsis, True, False, None)',
  'ﬁ = 1\nℌ = 2\nµ = 3',
  'é = 1\n𝔘𝔫𝔦 = 2\n中文 = 3',
  'def f(a, /, b, *, c):\n    """doc"""\n    return a\ndef g(*args: *Ts): pass\ndef h(a: int = 1, *b: int, c: "x" = 2, **d: int) -> None: pass',
  'class A(B, C, *D, metaclass=M, **kw):\n    def m(self): ...\n    @property\n    def p(self): return 1',
  'x = (  # comment\n    1,  # one\n    2\n)\n# trailing',
  'if x:\n    # only a comment\n    pass\n\n\n',
  'x = 1 if y else 2\nx = [i for i in range(10) if i if i % 2]',
  's = "\\\n"\nt = x \\\n    + y',
  'print(f"{x!r}", f"{x}", f"{x:}", f"{x!r:}")',
];

/** One source per class of syntax error CPython's parser and tokenizer report. */
export const ERROR_CLASSES: string[] = [
  'print "x"', 'exec "code"', 'x = 1 <> 2', 'f(**a, *b)', 'f(a=1, b)', 'f(**a, b)', 'f(a for a in b, c)', 'f(c, a for a in b)',
  'def f(a=1, b): pass', 'def f(*): pass', 'def f(*, **k): pass', 'def f(/, a): pass', 'def f(a, /, /): pass', 'def f(*a, *b): pass',
  'def f(**k, a): pass', 'def f(*a=1): pass', 'lambda a=1, b: 0', 'x = 1 = 2', 'f() = 1', 'del f()', 'del *a', '(a, b) += 1',
  'a, b: int', '[a]: int', '1 = x', 'None = 1', 'x.True = 1', 'f(True=1)', 'f(a.b=1)', 'x := 1', '(a.b := 1)', '[x for x in y if z := 1]',
  '{**a for a in b}', '[*a for a in b]', '(*a)', 'x = *a', 'print(*a for a in b)', 'a[]', 'a[1:2:3:4]', 'if x\n    pass', 'if x:\npass',
  'if x:\n    pass\n  else:\n    pass', 'else:\n    pass', 'try:\n    pass', 'try:\n    pass\nexcept* :\n    pass',
  'try:\n    pass\nexcept A:\n    pass\nexcept* B:\n    pass', 'try:\n    pass\nexcept A, B:\n    pass', 'class A(x for x in y): pass',
  'import a.b as c.d', 'from a import b,', 'from a import (b', 'from import a', 'import *', 'global', 'nonlocal a,', 'return from',
  'match x:\n    case a.b():\n        pass\n    case 1 + 1:\n        pass', 'match x:\n    case f"{x}":\n        pass',
  'match x:\n    case a | *b:\n        pass', 'match x:\n    case {**_}:\n        pass', 'match x:\n    case C(a=1, 2):\n        pass',
  'match x:\n    case _ as _:\n        pass', 'match x:\ncase 1:\n    pass', 'type X = ', 'type X[] = int', 'type X[*T: int] = T',
  'def f[**P: int](): pass', 'class A[]: pass', 'f"{}"', 'f"{!r}"', 'f"{x!}"', 'f"{x!z}"', 'f"{x!r ="', 'f"{x:{y:{z:{w}}}}"', "f'{'",
  'f"{x}}"', 'f"{{x}"', "f'{a['b']}'", 'f"{x\n}"', 'b"é"', "b'\\xZZ'", "'\\x4'", "'\\u12'", "'\\U0011ffff'", "'\\N{}'", "'\\N'",
  'x = "abc', "x = '''abc", 'x = (1, 2', 'x = [1, 2)', 'x = 1)', '0x', '0b2', '0o8', '1e', '1_', '1__2', '09', '1.2.3', '1jj',
  'x = $', 'x = `a`', 'x = a\u00a0b', 'a\\ b', 'x = 1 \\', '\tif x:\n        pass', 'if x:\n\tpass\n        pass',
  'async x = 1', 'await = 1', 'def f():\n    yield = 1', 'x = yield = 1', 'for x in range(3) print(x)', 'while True print(1)',
  'with a as b.c(): pass', 'with (a as b, c as d) as e: pass', '@\ndef f(): pass', '@x\nx = 1', 'class A:\n    def f(self)\n        pass',
  'a = 1 if b', 'a = 1 if b else', 'lambda: yield', 'not', 'a not b', 'a is not not b', 'a < < b', 'x = [1, 2,, 3]', 'x = {1: 2, 3}',
  'x = {1, 2: 3}', 'del (a, f())', 'assert', 'raise from e', 'x = 1;;', ';', 'pass pass', 'if x: pass elif y: pass', 'def f(): return *a',
];

const MUTATION_CHARS = ['(', ')', '[', ']', '{', '}', ':', '=', ',', '*', '**', '"', "'", '\\', '\t', '\n', ' ', 'if ', 'else', 'lambda', 'yield', 'await ', 'not ', '!', ':=', '->', '@', '.', '#', '\f', 'f"', '{x}', '$', '\r', 'async ', 'def ', 'case ', 'match ', 'type ', '0x', '1_', '_1', '0777', 'print x', '<>', ';', '\x00'];

function indent(text: string, by: string): string {
  return text.split('\n').map((l) => (l.length ? by + l : l)).join('\n');
}

/** The cases: `count` combinations and mutations, plus fixed deep-nesting and long-line cases. */
export function nastyCases(seed: number, count: number): NastyCase[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const cases: NastyCase[] = [];
  for (let k = 0; k < count; k++) {
    const parts: string[] = [];
    const n = 1 + Math.floor(r() * 3);
    for (let j = 0; j < n; j++) parts.push(pick(SNIPPETS));
    let source = parts.join('\n');
    // nest inside blocks
    const wrap = r();
    if (wrap < 0.15) source = 'def wrapper():\n' + indent(source, '    ');
    else if (wrap < 0.25) source = 'if cond:\n' + indent(source, '\t');
    else if (wrap < 0.3) source = 'class K:\n    def m(self):\n' + indent(source, '        ');
    if (r() < 0.8) source += '\n';
    // mutations: 0 (valid), 1 or 2
    const m = r();
    const mutations = m < 0.4 ? 0 : m < 0.85 ? 1 : 2;
    for (let j = 0; j < mutations; j++) {
      const pos = Math.floor(r() * (source.length + 1));
      const op = r();
      if (op < 0.35) source = source.slice(0, pos) + source.slice(pos + 1);
      else if (op < 0.8) source = source.slice(0, pos) + pick(MUTATION_CHARS) + source.slice(pos);
      else {
        const lines = source.split('\n');
        const li = Math.floor(r() * lines.length);
        lines[li] = pick([' ', '  ', '\t', '    ', '\f', '']) + lines[li];
        source = lines.join('\n');
      }
    }
    // line endings, BOM, indentation characters
    const t = r();
    if (t < 0.1) source = source.replace(/\n/g, '\r\n');
    else if (t < 0.15) source = source.replace(/\n/g, '\r');
    if (r() < 0.05) source = '\ufeff' + source;
    if (r() < 0.05) source = source.replace(/\n {4}/g, '\n\t');
    if (r() < 0.03) source = source.replace(/\n/g, '\n\f');
    cases.push({ id: `seed${seed}#${k}`, source });
  }
  ERROR_CLASSES.forEach((source, k) => cases.push({ id: `error-class#${k}`, source }));
  // deep nesting: well inside the limits (both accept) and far beyond (both reject, no stack overflow)
  const deep: Array<[string, string]> = [
    ['parens-100', 'x = ' + '('.repeat(100) + '1' + ')'.repeat(100)],
    ['parens-200', 'x = ' + '('.repeat(200) + '1' + ')'.repeat(200)],
    ['parens-201', 'x = ' + '('.repeat(201) + '1' + ')'.repeat(201)],
    ['brackets-5000', 'x = ' + '['.repeat(5000) + ']'.repeat(5000)],
    ['unclosed-5000', 'x = ' + '{'.repeat(5000)],
    ['minus-500', 'x = ' + '-'.repeat(500) + '1'],
    ['minus-100000', 'x = ' + '-'.repeat(100000) + '1'],
    ['not-100000', 'x = ' + 'not '.repeat(100000) + 'y'],
    ['plus-500', 'x = ' + Array(500).fill('a').join(' + ')],
    ['plus-100000', 'x = ' + Array(100000).fill('a').join('+')],
    ['pow-100000', 'x = ' + Array(100000).fill('a').join('**')],
    ['ifelse-100000', 'x = ' + 'a if b else '.repeat(100000) + 'c'],
    ['lambda-100000', 'x = ' + 'lambda: '.repeat(100000) + '1'],
    ['attr-100000', 'x = a' + '.b'.repeat(100000)],
    ['call-100000', 'x = f' + '()'.repeat(100000)],
    ['await-100000', 'async def f():\n    x = ' + 'await '.repeat(100000) + 'y'],
    ['elifs-2000', 'if a:\n    pass\n' + 'elif b:\n    pass\n'.repeat(2000)],
    ['elifs-100000', 'if a:\n    pass\n' + 'elif b:\n    pass\n'.repeat(100000)],
    ['or-4000', 'x = ' + Array(4000).fill('a').join(' or ')],
    ['blocks-99', Array.from({ length: 99 }, (_, i) => ' '.repeat(i) + 'if x:\n').join('') + ' '.repeat(99) + 'pass\n'],
    ['blocks-101', Array.from({ length: 101 }, (_, i) => ' '.repeat(i) + 'if x:\n').join('') + ' '.repeat(101) + 'pass\n'],
    ['fstring-nest-149', 'x = ' + 'f"{'.repeat(149) + 'x' + '}"'.repeat(149)],
    ['fstring-nest-150', 'x = ' + 'f"{'.repeat(150) + 'x' + '}"'.repeat(150)],
    ['long-list-1MB', 'x = [' + '1, '.repeat(350_000) + ']\n'],
    ['long-string-1MB', 'x = "' + 'a'.repeat(1_000_000) + '"\n'],
    ['long-names-1MB', 'x = ' + Array(150_000).fill('abcde').join(', ') + '\n'],
    ['long-fstring-1MB', 'x = f"' + '{a}b'.repeat(250_000) + '"\n'],
    ['long-comment-1MB', '# ' + 'c'.repeat(1_000_000) + '\nx = 1\n'],
  ];
  for (const [id, source] of deep) cases.push({ id, source });
  return cases;
}

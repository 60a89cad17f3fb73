import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeCell, type NameRef } from '../../../src/core/analysis/cellAnalysis';

/** The NameRef of the `nth` (0-based) occurrence of `name` as a whole word in `source`. */
function at(source: string, name: string, nth = 0): NameRef {
  let from = 0;
  for (let seen = 0; ; seen++) {
    let index = source.indexOf(name, from);
    while (index >= 0 && (/\w/.test(source[index - 1] ?? '') || /\w/.test(source[index + name.length] ?? ''))) index = source.indexOf(name, index + 1);
    if (index < 0) throw new Error(`${name} #${nth} not in source`);
    if (seen === nth) return { name, start: index, end: index + name.length };
    from = index + 1;
  }
}
const names = (refs: NameRef[]): string[] => refs.map((r) => r.name);

describe('scoping traps (notes/notebooks.md)', () => {
  it('a comprehension loop variable does not leak', () => {
    const src = '[i for i in range(3)]\nprint(i)\n';
    const a = analyzeCell(src);
    assert.deepEqual(a.reads, [at(src, 'i', 2)]);
    assert.deepEqual(a.writes, []);
    assert.deepEqual(names(a.builtinReads), ['range', 'print']);
  });

  it('a walrus inside a comprehension binds in the enclosing scope, but not definitely', () => {
    const src = 'ys = [(last := v) for v in vals]\nprint(last)\n';
    const a = analyzeCell(src);
    assert.deepEqual(a.writes, [at(src, 'ys'), at(src, 'last')]);
    assert.deepEqual(a.reads, [at(src, 'vals'), at(src, 'last', 1)]);
  });

  it('the first iterable runs in the enclosing scope; a class body does not enclose its comprehensions', () => {
    const src = 'class C:\n    n = 3\n    xs = [i for i in range(n)]\n    ys = [n for _ in range(2)]\n';
    const a = analyzeCell(src);
    assert.deepEqual(a.reads, [at(src, 'n', 2)]);
    assert.deepEqual(a.writes, [at(src, 'C')]);
  });

  it('a class body does not enclose its methods: they read the global late', () => {
    const src = 'class C:\n    k = 1\n    def m(self):\n        return k\n';
    const a = analyzeCell(src);
    assert.deepEqual(a.reads, []);
    assert.deepEqual(a.lateReads, [at(src, 'k', 1)]);
    assert.deepEqual(a.definedFunctions, [{ name: 'C.m', start: src.indexOf('def'), end: src.length - 1, readsGlobals: ['k'] }]);
  });

  it('x += 1 reads x first, then writes it', () => {
    const a = analyzeCell('x += 1');
    assert.deepEqual(a.reads, [{ name: 'x', start: 0, end: 1 }]);
    assert.deepEqual(a.writes, [{ name: 'x', start: 0, end: 1 }]);
  });

  it('del x needs x bound, and unbinds it', () => {
    assert.deepEqual(analyzeCell('del x').reads, [{ name: 'x', start: 4, end: 5 }]);
    const src = 'x = 1\ndel x\nprint(x)\n';
    const a = analyzeCell(src);
    assert.deepEqual(a.reads, [at(src, 'x', 2)]);
    assert.deepEqual(a.writes, [at(src, 'x')]);
    assert.deepEqual(a.deletes, [at(src, 'x', 1)]);
  });

  it('z: int binds nothing; z: int = 0 does; a function-local annotation makes the name local', () => {
    const bare = analyzeCell('z: int\nprint(z)\n');
    assert.deepEqual(bare.writes, []);
    assert.deepEqual(names(bare.reads), ['z']);
    assert.deepEqual(names(bare.builtinReads), ['int', 'print']);
    assert.deepEqual(names(analyzeCell('z: int = 0').writes), ['z']);
    const fn = analyzeCell('def f():\n    z: int\n    return z\n');
    assert.deepEqual(fn.lateReads, []);
    assert.deepEqual(fn.definedFunctions[0]?.readsGlobals, []);
  });

  it('except E as err unbinds err when the handler ends', () => {
    const src = 'try:\n    f()\nexcept ValueError as err:\n    print(err)\nprint(err)\n';
    const a = analyzeCell(src);
    assert.deepEqual(a.reads, [at(src, 'f'), at(src, 'err', 2)]);
    assert.deepEqual(a.writes, [at(src, 'err')]);
  });

  it('function bodies read globals late; decorators and defaults run at definition time', () => {
    const src = '@deco\ndef f(a=default, *, b=kw) -> Ret:\n    return a + g\n';
    const a = analyzeCell(src);
    assert.deepEqual(a.reads, [at(src, 'deco'), at(src, 'default'), at(src, 'kw'), at(src, 'Ret')]);
    assert.deepEqual(a.lateReads, [at(src, 'g')]);
    assert.deepEqual(a.writes, [at(src, 'f')]);
    assert.deepEqual(a.definedFunctions, [{ name: 'f', start: 0, end: src.length - 1, readsGlobals: ['g'] }]);
  });

  it('lambdas: defaults now, body late', () => {
    const src = 'f = lambda a, b=d: a + b + e\n';
    const a = analyzeCell(src);
    assert.deepEqual(a.reads, [at(src, 'd')]);
    assert.deepEqual(a.lateReads, [at(src, 'e')]);
    assert.deepEqual(a.writes, [at(src, 'f')]);
    assert.equal(a.definedFunctions[0]?.name, '<lambda>');
  });

  it('a global statement inside a function writes a hidden global', () => {
    const src = 'def bump():\n    global counter\n    counter += 1\n';
    const a = analyzeCell(src);
    assert.deepEqual(a.writes, [at(src, 'bump'), at(src, 'counter', 1)]);
    assert.deepEqual(a.lateReads, [at(src, 'counter', 1)]);
    assert.deepEqual(a.globalDecls, [at(src, 'counter')]);
    assert.deepEqual(a.reads, []);
  });

  it('nonlocal and closures are not global reads', () => {
    const src = 'def outer():\n    v = 1\n    def inner():\n        nonlocal v\n        v += w\n    return inner\n';
    const a = analyzeCell(src);
    assert.deepEqual(a.lateReads, [at(src, 'w')]);
    assert.deepEqual(names(a.nonlocalDecls), ['v']);
    assert.deepEqual(names(a.writes), ['outer']);
  });

  it('star imports are flagged; reads after them are still reads', () => {
    const src = 'from os.path import *\nprint(join)\n';
    const a = analyzeCell(src);
    assert.equal(a.imports[0]?.star, true);
    assert.deepEqual(a.reads, [at(src, 'join')]);
    assert.deepEqual(a.writes, []);
  });

  it('builtins and IPython names are not notebook reads', () => {
    const a = analyzeCell('display(len(df)); get_ipython(); _; __IPYTHON__; Out[3]; _12\n');
    assert.deepEqual(names(a.reads), ['df']);
    assert.deepEqual(names(a.builtinReads), ['display', 'len', 'get_ipython', '_', '__IPYTHON__', 'Out', '_12']);
    assert.deepEqual(names(analyzeCell('list = [1]\nprint(list)\n').builtinReads), ['print']);
  });

  it('match: captures bind per case, value patterns and classes are reads', () => {
    const src = 'match cmd:\n    case Point(x=0, y=py):\n        pass\n    case [first, *rest]:\n        pass\n    case Color.RED:\n        pass\n    case other:\n        seen = 1\nprint(other, seen)\n';
    const a = analyzeCell(src);
    assert.deepEqual(names(a.reads), ['cmd', 'Point', 'Color', 'other', 'seen']);
    assert.deepEqual(a.reads[3], at(src, 'other', 1));
    assert.deepEqual(names(a.writes), ['py', 'first', 'rest', 'other', 'seen']);
    const exhaustive = analyzeCell('match v:\n    case 1:\n        r = 1\n    case _:\n        r = 2\nprint(r)\n');
    assert.deepEqual(names(exhaustive.reads), ['v']);
  });
});

describe('flow-sensitive definite binding', () => {
  it('if without else: the name is still read', () => {
    const src = 'if c:\n    x = 1\nprint(x)\n';
    assert.deepEqual(analyzeCell(src).reads, [at(src, 'c'), at(src, 'x', 1)]);
  });
  it('if/else both bind: definite', () => {
    assert.deepEqual(names(analyzeCell('if c:\n    x = 1\nelse:\n    x = 2\nprint(x)\n').reads), ['c']);
  });
  it('a raising branch does not spoil the join', () => {
    assert.deepEqual(names(analyzeCell('if bad:\n    raise ValueError()\nelse:\n    v = 1\nprint(v)\n').reads), ['bad']);
  });
  it('loop bodies and targets are not definite after the loop; while-else without break is', () => {
    assert.deepEqual(names(analyzeCell('for i in r:\n    y = i\nprint(i, y)\n').reads), ['r', 'i', 'y']);
    assert.deepEqual(names(analyzeCell('while c():\n    pass\nelse:\n    done = True\nprint(done)\n').reads), ['c']);
    assert.deepEqual(names(analyzeCell('while c():\n    break\nelse:\n    done = True\nprint(done)\n').reads), ['c', 'done']);
    assert.deepEqual(names(analyzeCell('x = 1\nfor i in r:\n    del x\nprint(x)\n').reads), ['r', 'x']);
  });
  it('try/except where both bind; finally binds', () => {
    assert.deepEqual(analyzeCell('try:\n    import torch\nexcept ImportError:\n    torch = None\nprint(torch)\n').reads, []);
    assert.deepEqual(analyzeCell('try:\n    a = 1\nfinally:\n    b = 2\nprint(a, b)\n').reads, []);
    assert.deepEqual(names(analyzeCell('try:\n    a = f()\nexcept Exception:\n    pass\nprint(a)\n').reads), ['f', 'a']);
  });
  it('short-circuit walrus is not definite; the left operand is', () => {
    assert.deepEqual(names(analyzeCell('if (n := len(a)) > 1 and (m := 2):\n    pass\nprint(n, m)\n').reads), ['a', 'm']);
  });
  it('with binds its target', () => {
    const a = analyzeCell('with open(p) as fh:\n    text = fh.read()\nprint(text)\n');
    assert.deepEqual(names(a.reads), ['p']);
    assert.deepEqual(names(a.writes), ['fh', 'text']);
  });
});

describe('imports, calls, strings, flags', () => {
  it('describes imports with module spans', () => {
    const src = 'import numpy as np, os.path\nfrom ..pkg.mod import a as b, c\nfrom . import d\n';
    const a = analyzeCell(src);
    assert.deepEqual(a.imports, [
      { module: 'numpy', level: 0, names: [], star: false, start: 0, end: 27, moduleStart: 7, moduleEnd: 12, topLevel: true },
      { module: 'os.path', level: 0, names: [], star: false, start: 0, end: 27, moduleStart: 20, moduleEnd: 27, topLevel: true },
      { module: 'pkg.mod', level: 2, names: ['a', 'c'], star: false, start: 28, end: 59, moduleStart: 33, moduleEnd: 42, topLevel: true },
      { module: '', level: 1, names: ['d'], star: false, start: 60, end: 75, moduleStart: 65, moduleEnd: 66, topLevel: true },
    ]);
    assert.deepEqual(names(a.writes), ['np', 'os', 'b', 'c', 'd']);
    assert.equal(analyzeCell('def f():\n    import json\n').imports[0]?.topLevel, false);
  });
  it('records calls with dotted callees, keywords and argument spans, and decoded strings', () => {
    const src = 'np.random.seed(42)\ndf = pd.read_csv("C:\\\\data\\\\x.csv", sep=";")\n';
    const a = analyzeCell(src);
    assert.deepEqual(a.calls.map((c) => [c.callee, c.keywordArgs, c.args.map((s) => src.slice(s.start, s.end))]), [
      ['np.random.seed', [], ['42']],
      ['pd.read_csv', ['sep'], ['"C:\\\\data\\\\x.csv"']],
    ]);
    assert.deepEqual(a.strings.map((s) => s.value), ['C:\\data\\x.csv', ';']);
  });
  it('flags top-level return, yield and await', () => {
    assert.equal(analyzeCell('return 1').topLevelReturn, true);
    assert.equal(analyzeCell('x = yield').topLevelYield, true);
    assert.equal(analyzeCell('await asyncio.sleep(1)').topLevelAwait, true);
    assert.equal(analyzeCell('async with lock:\n    pass\n').topLevelAwait, true);
    const inner = analyzeCell('async def f():\n    await g()\n    yield 1\n    return 2\n');
    assert.deepEqual([inner.topLevelAwait, inner.topLevelYield, inner.topLevelReturn], [false, false, false]);
  });
  it('uses UTF-16 offsets', () => {
    assert.deepEqual(analyzeCell('s = "😀é"; t = u').reads, [{ name: 'u', start: 15, end: 16 }]);
  });
  it('modern syntax parses cleanly', () => {
    const a = analyzeCell('type Vec[T] = list[T]\nprint(f"{d["k"]}")\ntry:\n    pass\nexcept* ValueError as eg:\n    pass\n');
    assert.deepEqual(a.syntaxErrors, []);
    assert.deepEqual(names(a.reads), ['d']);
    assert.deepEqual(names(a.writes), ['Vec', 'eg']);
    assert.deepEqual(a.lateReads, []);
  });
  it('reports syntax errors without throwing, including Python 2 print', () => {
    const broken = analyzeCell('def f(:\n  pass\n');
    assert.equal(broken.parsed, true);
    assert.ok(broken.syntaxErrors.length > 0);
    assert.deepEqual(analyzeCell('print "x"').syntaxErrors, [{ start: 0, end: 9, message: 'Python 2 print statement' }]);
  });
});

describe('IPython magics', () => {
  it('masks line, shell and help magics without moving offsets; %time keeps its statement', () => {
    const src = '%matplotlib inline\nfiles = !ls -la\nfor f in files:\n    !echo {f}\n%time total = compute(files)\n%timeit -n 3 scratch = heavy(total)\nfiles?\nprint(scratch)\n';
    const a = analyzeCell(src);
    assert.deepEqual(a.syntaxErrors, []);
    assert.deepEqual(a.magics.map((m) => [m.kind, m.text]), [
      ['line', '%matplotlib inline'],
      ['shell', '!ls -la'],
      ['shell', '!echo {f}'],
      ['line', '%time total = compute(files)'],
      ['line', '%timeit -n 3 scratch = heavy(total)'],
      ['help', 'files?'],
    ]);
    assert.deepEqual(a.reads, [at(src, 'compute'), at(src, 'heavy'), at(src, 'scratch', 1)]);
    assert.deepEqual(names(a.writes), ['files', 'f', 'total']);
  });
  it('a % inside brackets or strings is Python', () => {
    const a = analyzeCell('x = (a\n  % b)\ns = """\n%not a magic\n"""\n');
    assert.deepEqual(a.magics, []);
    assert.deepEqual(names(a.reads), ['a', 'b']);
  });
  it('non-Python cell magics make the cell opaque; %%time and %%capture bodies are Python', () => {
    const bash = analyzeCell('%%bash\necho $x\n');
    assert.equal(bash.parsed, false);
    assert.deepEqual(bash.reads, []);
    const timed = analyzeCell('%%time\ny = model.fit(X)\n');
    assert.deepEqual([names(timed.reads), names(timed.writes)], [['model', 'X'], ['y']]);
    const captured = analyzeCell('%%capture out\nv = q\n');
    assert.deepEqual(captured.writes, [{ name: 'out', start: 10, end: 13 }, { name: 'v', start: 14, end: 15 }]);
    const timeit = analyzeCell('%%timeit\nw = big.sum()\n');
    assert.deepEqual([names(timeit.reads), names(timeit.writes)], [['big'], []]);
  });
});

describe('scoping cases found by the symtable oracle on the standard library', () => {
  it('__class__ in a method is the class being defined, not a notebook global', () => {
    const a = analyzeCell('class C(Base):\n    def m(self):\n        return __class__, super().m()\n');
    assert.deepEqual(a.lateReads, []);
    assert.deepEqual(a.definedFunctions[0]?.readsGlobals, []);
    // Outside a class there is no such cell: it is an ordinary global read.
    assert.deepEqual(names(analyzeCell('def f():\n    return __class__\n').lateReads), ['__class__']);
  });

  it('(x): int in a function does not make x local; x: int does', () => {
    assert.deepEqual(names(analyzeCell('def f():\n    (x): int\n    return x\n').lateReads), ['x']);
    assert.deepEqual(analyzeCell('def f():\n    x: int\n    return x\n').lateReads, []);
  });
});

describe('a statement broken while typing still binds its targets', () => {
  it('an assignment whose value does not parse yet binds its target; the rest of the cell is analysed', () => {
    const src = 'df = pd.read_csv("a.csv"\nprint(df)\nmodel = Model(lr=0.1,, depth=3)\ntotal += 1 +\nfor i in range(3)\n    seen = i\n';
    const a = analyzeCell(src);
    assert.ok(a.syntaxErrors.length > 0);
    assert.deepEqual(names(a.writes), ['df', 'model', 'total', 'i', 'seen']);
    // what the broken statements read before their errors still counts: pd and Model come from other cells
    assert.deepEqual(a.reads, [at(src, 'pd'), at(src, 'Model'), at(src, 'total')]);
  });
  it('a comparison is not an assignment', () => {
    assert.deepEqual(analyzeCell('x == f(\n').writes, []);
    assert.deepEqual(names(analyzeCell('y = x == f(\n').writes), ['y']);
  });
});

describe('deep nesting CPython accepts', () => {
  it('an elif chain of 5,000 branches is analysed (the chain is walked as a loop, not by recursion)', () => {
    const src = 'if a:\n    v = 1\n' + 'elif b:\n    v = 2\n'.repeat(5000) + 'else:\n    v = 3\nprint(v, w)\n';
    const a = analyzeCell(src);
    assert.equal(a.parsed, true);
    assert.deepEqual(a.syntaxErrors, []);
    assert.deepEqual(names(a.reads), ['a', 'b', 'w']);
    assert.deepEqual(names(a.writes), ['v']);
  });
});

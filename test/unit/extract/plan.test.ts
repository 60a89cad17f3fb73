import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { EditOperation } from '../../../src/core/diagnostics';
import { planExtraction, type ExtractPlan, type ExtractRequest } from '../../../src/core/extract/plan';
import { applyTextEdits } from '../../../src/core/fixes/applyEdits';
import { MemoryFileSystem } from '../../../src/core/fs/memoryFileSystem';

const ROOT = '/proj';
const NOTEBOOK = `${ROOT}/notebooks/analysis.ipynb`;
const MODULE = `${ROOT}/src/churn/steps.py`;

type Cell = { kind: 'code' | 'markdown'; source: string; outputs?: unknown[] };

/** An nbformat-4 notebook written the way Jupyter writes it. */
function ipynb(cells: Cell[]): string {
  const lines = (text: string) => text.split(/(?<=\n)/).filter((l) => l !== '');
  return (
    JSON.stringify(
      {
        cells: cells.map((c) =>
          c.kind === 'code'
            ? { cell_type: 'code', execution_count: null, metadata: {}, outputs: c.outputs ?? [], source: lines(c.source) }
            : { cell_type: 'markdown', metadata: {}, source: lines(c.source) },
        ),
        metadata: { kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' } },
        nbformat: 4,
        nbformat_minor: 5,
      },
      null,
      1,
    ) + '\n'
  );
}

const code = (source: string): Cell => ({ kind: 'code', source });

function project(cells: Cell[], extra: Record<string, string> = {}): MemoryFileSystem {
  return new MemoryFileSystem({
    [NOTEBOOK]: ipynb(cells),
    [`${ROOT}/pyproject.toml`]: '[project]\nname = "churn"\n\n[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n',
    [`${ROOT}/src/churn/__init__.py`]: '',
    ...extra,
  });
}

function request(codeCellIndex: number, overrides: Partial<ExtractRequest> = {}): ExtractRequest {
  return { notebookPath: NOTEBOOK, codeCellIndex, modulePath: MODULE, functionName: 'step', projectRoot: ROOT, ...overrides };
}

async function plan(cells: Cell[], index: number, overrides: Partial<ExtractRequest> = {}, extra: Record<string, string> = {}): Promise<ExtractPlan> {
  return planExtraction(project(cells, extra), request(index, overrides));
}

function ok(p: ExtractPlan): Extract<ExtractPlan, { ok: true }> {
  if (!p.ok) assert.fail(`expected a plan, got a refusal: ${p.reason}`);
  return p;
}

function refused(p: ExtractPlan): string {
  if (p.ok) assert.fail(`expected a refusal, got a plan:\n${p.moduleText}`);
  return p.reason;
}

const op = <K extends EditOperation['kind']>(p: Extract<ExtractPlan, { ok: true }>, kind: K) =>
  p.edit.operations.filter((o): o is Extract<EditOperation, { kind: K }> => o.kind === kind);

describe('parameters and return values', () => {
  test('reads from earlier cells become parameters, names later cells read become returns, in order', async () => {
    const p = ok(
      await plan(
        [code('rows = [1, 2, 3]\nscale = 2'), code('scaled = [r * scale for r in rows]\ntotal = sum(scaled)\nhelper = 0'), code('print(total, scaled)')],
        1,
      ),
    );
    assert.deepEqual(p.parameters, ['scale', 'rows'], 'parameters follow their first appearance in the cell');
    assert.deepEqual(p.returns, ['scaled', 'total']);
    assert.equal(p.callLine, 'scaled, total = step(scale, rows)');
    assert.equal(p.importLine, 'from churn.steps import step');
    assert.equal(p.cellText, 'from churn.steps import step\nscaled, total = step(scale, rows)');
    assert.match(p.moduleText, /\n {4}return scaled, total\n$/);
    assert.doesNotMatch(p.moduleText, /return .*helper/, 'a name no later cell reads stays local');
  });

  test('one return value is assigned without a tuple', async () => {
    const p = ok(await plan([code('x = 1'), code('y = x + 1'), code('print(y)')], 1));
    assert.equal(p.callLine, 'y = step(x)');
  });

  test('names from earlier imports are re-imported in the module, not passed', async () => {
    const p = ok(await plan([code('import statistics as st\nfrom math import sqrt\nvalues = [1.0, 4.0]'), code('m = st.mean(values)\nr = sqrt(m)'), code('print(r)')], 1));
    assert.deepEqual(p.parameters, ['values']);
    assert.match(p.moduleText, /^import statistics as st$/m);
    assert.match(p.moduleText, /^from math import sqrt$/m);
  });

  test('only the imports the function needs are emitted', async () => {
    const p = ok(await plan([code('import json\nimport os\nimport re\ndata = {"a": 1}'), code('text = json.dumps(data)'), code('print(text)')], 1));
    assert.match(p.moduleText, /^import json$/m);
    assert.doesNotMatch(p.moduleText, /^import (os|re)$/m);
  });

  test('augmented assignment of a parameter returns it', async () => {
    const p = ok(await plan([code('count = 1'), code('count += 1')], 1));
    assert.deepEqual(p.parameters, ['count']);
    assert.deepEqual(p.returns, ['count'], 'the notebook must hold the new value even if no later cell reads it');
    assert.equal(p.callLine, 'count = step(count)');
  });

  test('a return value bound only inside a loop also comes in as a parameter', async () => {
    const p = ok(await plan([code('best = None\nitems = [3, 1]'), code('for item in items:\n    best = item'), code('print(best)')], 1));
    assert.deepEqual(p.parameters, ['items', 'best']);
    assert.deepEqual(p.returns, ['best']);
  });

  test('a trailing expression is returned so the notebook still displays it', async () => {
    const p = ok(await plan([code('x = [1, 2]'), code('len(x)')], 1));
    assert.equal(p.callLine, 'step(x)');
    assert.match(p.moduleText, /\n {4}return len\(x\)\n$/);
    const withReturns = ok(await plan([code('x = [1, 2]'), code('y = x * 2\nlen(y)'), code('print(y)')], 1));
    assert.equal(withReturns.callLine, 'y, step_output = step(x)\nstep_output');
  });

  test('imports at the top of the cell move to the module and stay in the cell when later cells use them', async () => {
    const p = ok(await plan([code('import json\nconfig = json.loads("{}")'), code('print(json.dumps(config))')], 0));
    assert.match(p.moduleText, /^import json$/m);
    assert.equal(p.cellText, 'import json\nfrom churn.steps import step\nconfig = step()');
  });

  test('lines inside a multi-line string are not re-indented', async () => {
    const p = ok(await plan([code('text = """a\n  b\nc"""\nn = len(text)'), code('print(n)')], 0));
    assert.match(p.moduleText, /\n {4}text = """a\n {2}b\nc"""\n {4}n = len\(text\)\n/);
  });
});

describe('annotations', () => {
  test('literals and evident constructors annotate parameters and returns', async () => {
    const p = ok(
      await plan(
        [code('from pathlib import Path\nepochs = 10\nrate = 0.5\nname = "run"\nflags = [True]\npath = Path("data")'), code('out = {"e": epochs, "r": rate, "n": name, "f": flags, "p": path}\nlabel = f"{name}-{epochs}"\nok = epochs > 3'), code('print(out, label, ok)')],
        1,
      ),
    );
    assert.match(p.moduleText, /def step\(epochs: int, rate: float, name: str, flags: list, path: Path\) -> tuple\[dict, str, bool\]:/);
    assert.match(p.moduleText, /^from pathlib import Path$/m, 'the annotation needs the import');
  });

  test('pd.read_csv gives pd.DataFrame, with the pandas import', async () => {
    const p = ok(await plan([code('import pandas as pd\nraw = pd.read_csv("x.csv")'), code('clean = raw.dropna()'), code('print(clean)')], 1));
    assert.match(p.moduleText, /def step\(raw: pd\.DataFrame\):/);
    assert.match(p.moduleText, /^import pandas as pd$/m);
  });

  test('no annotation when the type is not evident', async () => {
    const p = ok(await plan([code('n = 1\nn += 0.5\nm = compute() if False else 2'.replace('compute() if False else 2', '2')), code('k = n * m'), code('print(k)')], 1));
    assert.match(p.moduleText, /def step\(n, m: int\):/, 'an augmented assignment makes the type of n unknown');
  });

  test('a function without return values is annotated -> None and has a docstring stub', async () => {
    const p = ok(await plan([code('x = 1'), code('# Report the value\nprint(x)')], 1));
    assert.match(p.moduleText, /def step\(x: int\) -> None:\n {4}"""Report the value\.\n\n {4}Extracted from cell 1 of analysis\.ipynb\.\n\n {4}Args:\n {8}x: TODO\.\n {4}"""/);
  });
});

describe('refusals name the construct and the line', () => {
  const cases: [string, Cell[], number, RegExp][] = [
    ['magic', [code('x = 1'), code('y = x\n%time z = y')], 1, /IPython magic `%time z = y` on line 2/],
    ['global', [code('n = 0'), code('def bump():\n    global n\n    n += 1')], 1, /`global n` on line 2/],
    ['top-level return', [code('return 1')], 0, /top-level `return`/],
    ['top-level yield', [code('yield 1')], 0, /top-level `yield`/],
    ['top-level await', [code('import asyncio\nawait asyncio.sleep(0)')], 0, /top-level `await`/],
    ['star import', [code('from math import *\ny = sqrt(4)')], 0, /`from math import \*` on line 1/],
    ['syntax error', [code('x = (1,')], 0, /syntax error on line 1/],
    ['function reading a notebook global when called', [code('rate = 2'), code('def f(v):\n    return v * rate')], 1, /`f` \(line 1\) reads the notebook global `rate` \(from cell 0\) when it is called/],
    ['closure over a name a later cell rebinds', [code('t = 1\nf = lambda v: v > t'), code('t = 2')], 0, /`<lambda>` \(line 2\) reads `t` when called; cell 1 rebinds `t` later/],
    ['del of a notebook name after other code', [code('x = 1'), code('print(x)\ndel x')], 1, /`del x` on line 2 unbinds a notebook variable/],
    ['a lambda kept in a lazy map object', [code('t = 1\nxs = [1, 2]'), code('it = map(lambda v: v > t, xs)'), code('t = 5\nprint(list(it))')], 1, /`<lambda>` \(line 1\) reads the notebook global `t`/],
    ['a lambda handed to an unknown function', [code('t = 1\ndef apply(f):\n    return f'), code('g = apply(lambda v: v > t)')], 1, /`<lambda>` \(line 1\) reads the notebook global `t`/],
    ['a sort key that returns closures', [code('t = 1\nxs = [1, 2]'), code('fs = list(map(lambda v: (lambda: v + t), xs))')], 1, /`<lambda>` \(line 1\) reads the notebook global `t`/],
    ['a builtin that a cell shadows is not trusted', [code('t = 1\nxs = [1]\nsorted = lambda xs, key: key'), code('k = sorted(xs, key=lambda v: v > t)')], 1, /`<lambda>` \(line 1\) reads the notebook global `t`/],
    ['a stored generator reads a name a later cell rebinds', [code('t = 1\nxs = [1, 2, 3]'), code('g = (x > t for x in xs)'), code('t = 5\nprint(list(g))')], 1, /`<genexpr>` \(line 1\) reads `t` when called; cell 2 rebinds `t` later/],
    ['consuming a stored generator while rebinding what it reads', [code('t = 1\nxs = [1, 2, 3]\ng = (x > t for x in xs)'), code('t = 5\nprint(list(g))')], 1, /The cell rebinds `t`, which `<genexpr>` \(cell 0\) reads when called/],
    ['a generator passed to a shadowed consumer', [code('t = 1\nxs = [1]\nsum = lambda g: g'), code('g = sum(x > t for x in xs)'), code('t = 5\nprint(list(g))')], 1, /`<genexpr>` \(line 1\) reads `t` when called; cell 2 rebinds `t` later/],
    ['a stored generator closing over a global a function rebinds later', [code('c = 0\ndef bump():\n    global c\n    c += 1'), code('g = (c for _ in [0])'), code('bump()\nprint(list(g))')], 1, /`<genexpr>` \(line 1\) reads `c` when called; a function from cell 0 rebinds `c` \(`global c`\)/],
    ['a global writer called through another function', [code('c = 0\ndef bump():\n    global c\n    c += 1\ndef run():\n    bump()'), code('run()\nprint(c)')], 1, /A function from cell 0 rebinds the notebook global `c`/],
    ['a global writer passed around as a value', [code('c = 0\ndef bump():\n    global c\n    c += 1\nhooks = [bump]'), code('hooks[0]()\nprint(c)')], 1, /A function from cell 0 rebinds the notebook global `c`/],
    ['class definition', [code('class Point:\n    pass\np = Point()'), code('print(p)')], 0, /Line 1 defines class `Point`/],
    ['display() outside IPython', [code('x = 1'), code('display(x)')], 1, /Line 1 uses `display`, which only exists in an IPython session/],
    ['__name__', [code('print(__name__)')], 0, /Line 1 reads `__name__`/],
    ['globals()', [code('x = 1'), code('y = globals()["x"]')], 1, /Line 1 calls `globals\(\)`/],
    ['dir() without an argument', [code('x = 1'), code('names = dir()')], 1, /Line 1 calls `dir\(\)`/],
    ['hidden state', [code('print(later)'), code('later = 1')], 0, /Line 1 reads `later`, which no earlier cell defines \(cell 1, further down, does: hidden state\)/],
    ['rebinding a global an earlier function reads', [code('k = 1\ndef f():\n    return k'), code('k = 2\nprint(f())')], 1, /The cell rebinds `k`, which `f` \(cell 0\) reads when called/],
    ['a function of an earlier cell rebinds a global the cell uses', [code('c = 0\ndef bump():\n    global c\n    c += 1'), code('bump()\nprint(c)')], 1, /A function from cell 0 rebinds the notebook global `c`/],
    ['imports only', [code('import os')], 0, /only imports modules/],
    ['empty cell', [code('# nothing here\n')], 0, /no code to extract/],
  ];
  for (const [name, cells, index, expected] of cases) {
    test(name, async () => {
      assert.match(refused(await plan(cells, index)), expected);
    });
  }

  test('dir(obj) and vars(obj) look at an object, not the namespace: the cell moves', async () => {
    const p = ok(await plan([code('class Row:\n    pass\nrow = Row()\nrow.a = 1'), code('fields = vars(row)\nprint(len(dir(row)) > 0, fields)')], 1));
    assert.deepEqual(p.parameters, ['row']);
  });

  test('a lambda called only while the cell runs reads like the rest of the cell', async () => {
    // A later cell rebinds `t`; the key function is gone by then.
    const own = ok(await plan([code('xs = [3, 1]'), code('t = 2\nabove = list(filter(lambda v: v > t, xs))'), code('t = 9\nprint(above, t)')], 1));
    assert.deepEqual(own.parameters, ['xs']);
    assert.deepEqual(own.returns, ['above']);
    // A notebook global the key reads becomes a parameter.
    const global = ok(await plan([code('w = 2\nxs = [3, 1]'), code('best = max(xs, key=lambda v: v * w)\nprint(best)')], 1));
    assert.deepEqual(global.parameters, ['xs', 'w']);
    // A later cell rebinding what an earlier eager lambda read is no longer a reason to refuse.
    ok(await plan([code('xs = [3, 1]\nt = 2\nprint(sorted(xs, key=lambda v: abs(v - t)))'), code('t = 5\nprint(sum(v > t for v in xs))')], 1));
  });

  test('a generator consumed on the spot reads like the rest of the cell', async () => {
    for (const consume of ['total = sum(x * t for x in xs)', 'total = ", ".join(str(x + t) for x in xs)', 'total = [y for y in (x + t for x in xs)]', 'for total in (x + t for x in xs):\n    pass']) {
      const p = ok(await plan([code('t = 1\nxs = [1, 2]'), code(consume), code('t = 5\nprint(total)')], 1));
      assert.deepEqual([...p.parameters].sort(), ['t', 'xs'], consume);
    }
  });

  test('a global rebound only by direct top-level calls elsewhere is read as a parameter', async () => {
    const p = ok(await plan([code('c = 0\ndef bump():\n    global c\n    c += 1'), code('bump()\nbump()'), code('ratio = 10 / c\nprint(ratio)')], 2));
    assert.deepEqual(p.parameters, ['c']);
    // The cell that calls the writer itself stays refused.
    assert.match(refused(await plan([code('c = 0\ndef bump():\n    global c\n    c += 1'), code('bump()\nprint(c)')], 1)), /A function from cell 0 rebinds the notebook global `c`/);
  });

  test('invalid function names and cell indices', async () => {
    assert.match(refused(await plan([code('x = 1')], 0, { functionName: 'class' })), /not a valid Python function name/);
    assert.match(refused(await plan([code('x = 1')], 0, { functionName: 'len' })), /shadow a Python or IPython builtin/);
    assert.match(refused(await plan([code('x = 1')], 3)), /no code cell 3: the notebook has 1 code cells/);
  });

  test('a function name the notebook already uses is refused', async () => {
    assert.match(refused(await plan([code('step = 3'), code('y = step + 1'), code('print(y)')], 1)), /already uses the name `step` \(cell 0\)/);
  });

  test('a module outside the project or with a non-identifier path is refused', async () => {
    assert.match(refused(await plan([code('x = 1'), code('print(x)')], 0, { modulePath: '/elsewhere/m.py' })), /outside the project/);
    assert.match(refused(await plan([code('x = 1'), code('print(x)')], 0, { modulePath: `${ROOT}/src/my-pkg/m.py` })), /"my-pkg" .* is not a valid Python module name/);
  });
});

describe('create versus append', () => {
  test('a new module is one create operation, with __init__.py for a new package, plus the cell edit', async () => {
    const p = ok(await plan([code('x = 1'), code('print(x)')], 0, { modulePath: `${ROOT}/src/churn/features/build.py` }));
    assert.deepEqual(
      p.edit.operations.map((o) => [o.kind, o.path]),
      [
        ['create', `${ROOT}/src/churn/features/__init__.py`],
        ['create', `${ROOT}/src/churn/features/build.py`],
        ['cellEdit', NOTEBOOK],
      ],
    );
    assert.equal(p.importLine, 'from churn.features.build import step');
    assert.match(p.moduleText, /^"""Functions extracted from analysis\.ipynb by ML Hygiene/);
    assert.match(p.moduleText, /install the project in editable mode/);
    assert.match(p.moduleText, /PYTHONPATH=src/);
    assert.doesNotMatch(p.moduleText, /sys\.path\.(insert|append)/);
  });

  test('the docstring says when the project is installed in editable mode', async () => {
    const p = ok(await plan([code('x = 1'), code('print(x)')], 0, {}, { [`${ROOT}/.venv/lib/python3.12/site-packages/__editable__.churn-0.1.pth`]: `${ROOT}/src\n` }));
    assert.match(p.moduleText, /installed in editable mode\s\(\.venv\/lib\/python3\.12\/site-packages\/__editable__\.churn-0\.1\.pth\)/);
  });

  test('an existing module is appended to, and its text is kept byte for byte', async () => {
    const existing = '"""Steps."""\nimport json\n\n\ndef other():\n    return json.dumps({})\n';
    const p = ok(await plan([code('import math\nv = 2.0'), code('r = math.sqrt(v)'), code('print(r)')], 1, {}, { [MODULE]: existing }));
    const edits = op(p, 'edit');
    assert.equal(edits.length, 1);
    assert.equal(op(p, 'create').length, 0, 'never a create over an existing file');
    const after = applyTextEdits(existing, edits[0]!.edits);
    assert.equal(after, p.moduleText);
    assert.ok(after.startsWith('"""Steps."""\nimport json\nimport math\n\n\ndef other():\n    return json.dumps({})\n'), after);
    assert.match(after, /\n\n\ndef step\(v: float\):\n/);
  });

  test('an imported name the module already has is not imported twice', async () => {
    const existing = 'import math\n';
    const p = ok(await plan([code('import math\nv = 2.0'), code('r = math.sqrt(v)'), code('print(r)')], 1, {}, { [MODULE]: existing }));
    assert.equal(p.moduleText.match(/^import math$/gm)?.length, 1);
  });

  test('a function name that clashes with the module is refused', async () => {
    const reason = refused(await plan([code('x = 1'), code('print(x)')], 1, {}, { [MODULE]: 'def step():\n    pass\n' }));
    assert.match(reason, /src\/churn\/steps\.py already defines `step`/);
  });

  test('a module that binds an import name differently is refused', async () => {
    const reason = refused(await plan([code('import numpy as np\nx = 1'), code('y = np.zeros(x)'), code('print(y)')], 1, {}, { [MODULE]: 'np = None\n' }));
    assert.match(reason, /already binds `np` differently from `import numpy as np`/);
  });

  test('a module that shadows a builtin the function uses is refused', async () => {
    const reason = refused(await plan([code('x = [1]'), code('print(len(x))')], 1, {}, { [MODULE]: 'def len(v):\n    return 0\n' }));
    assert.match(reason, /defines `len`, which the function uses as the builtin/);
  });
});

describe('the cell edit', () => {
  test('the cellEdit targets the cell among all cells and replaces its whole text', async () => {
    const cells: Cell[] = [{ kind: 'markdown', source: '# Title' }, code('x = 1'), { kind: 'markdown', source: '## Next' }, code('y = x + 1\n'), code('print(y)')];
    const p = ok(await plan(cells, 1));
    const [cellEdit] = op(p, 'cellEdit');
    assert.equal(cellEdit!.cell, 3);
    assert.equal(applyTextEdits('y = x + 1\n', cellEdit!.edits), p.cellText);
  });

  test('live editor cells win over the file', async () => {
    const p = ok(await planExtraction(project([code('x = 1'), code('y = 0'), code('print(y)')]), request(1, { cells: ['x = 1', 'y = x * 5', 'print(y)'] })));
    assert.deepEqual(p.parameters, ['x']);
    assert.match(p.moduleText, /y = x \* 5/);
  });

  test('editor and file disagreeing on the number of code cells is refused', async () => {
    assert.match(refused(await planExtraction(project([code('x = 1')]), request(0, { cells: ['x = 1', 'y = 2'] }))), /save the notebook/);
  });
});

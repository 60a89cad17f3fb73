/**
 * Hoisting and cell ranges (rangePlan.ts, hoist.ts): which definitions move to module level unchanged,
 * which stay back and why, and how a run of cells becomes one module with one edit.
 * The execution test (execution.test.ts) proves the behaviour with python3; these pin the shapes.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { planCellsExtraction, type CellsExtractPlan } from '../../../src/core/extract/rangePlan';
import type { ExtractRequest } from '../../../src/core/extract/plan';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { applyTextEdits } from '../../../src/core/fixes/applyEdits';
import { MemoryFileSystem } from '../../../src/core/fs/memoryFileSystem';

const ROOT = '/proj';
const NOTEBOOK = `${ROOT}/notebooks/analysis.ipynb`;
const MODULE = `${ROOT}/src/churn/steps.py`;

function ipynb(sources: string[]): string {
  const lines = (text: string) => text.split(/(?<=\n)/).filter((l) => l !== '');
  return JSON.stringify({ cells: sources.map((s) => ({ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: lines(s) })), metadata: {}, nbformat: 4, nbformat_minor: 5 }, null, 1) + '\n';
}

async function plan(sources: string[], first: number, last = first, extra: Record<string, string> = {}, overrides: Partial<ExtractRequest> = {}): Promise<CellsExtractPlan> {
  const fs = new MemoryFileSystem({
    [NOTEBOOK]: ipynb(sources),
    [`${ROOT}/pyproject.toml`]: '[project]\nname = "churn"\n',
    [`${ROOT}/src/churn/__init__.py`]: '',
    ...extra,
  });
  return planCellsExtraction(fs, { notebookPath: NOTEBOOK, codeCellIndex: first, lastCodeCellIndex: last, modulePath: MODULE, functionName: 'step', projectRoot: ROOT, ...overrides });
}

function ok(p: CellsExtractPlan): Extract<CellsExtractPlan, { ok: true }> {
  if (!p.ok) assert.fail(p.reason);
  return p;
}

describe('hoisting definitions to module level', () => {
  test('a class and a function move unchanged; the cell imports them back and keeps its call', async () => {
    const p = ok(await plan(['import re', '# A vocabulary\nclass Vocab:\n    """Token ids."""\n    def __init__(self, tokens):\n        self.index = {t: i for i, t in enumerate(sorted(set(tokens)))}\n\ndef tokens(text):\n    return re.findall(r"\\w+", text)\nprint(len(Vocab(tokens("a b"))))'], 1));
    assert.deepEqual(p.hoisted, ['Vocab', 'tokens']);
    assert.equal(p.functionName, undefined);
    assert.equal(p.cellText, 'from churn.steps import Vocab, tokens\nprint(len(Vocab(tokens("a b"))))');
    assert.match(p.moduleText, /\nimport re\n\n\n# A vocabulary\nclass Vocab:\n    """Token ids."""\n/);
    assert.match(p.moduleText, /\n\n\ndef tokens\(text\):\n    return re\.findall\(r"\\w\+", text\)\n$/);
  });

  test('literal constants move; what else the cell computes becomes a function', async () => {
    const p = ok(await plan(['SEED = 7\nLABELS = ["a", "b"]\nrate = 0.5\nstate = [SEED]\n', 'print(SEED, LABELS, rate, state)'], 0));
    assert.deepEqual(p.hoisted, ['SEED', 'LABELS', 'rate']);
    assert.equal(p.functionName, 'step');
    assert.deepEqual(p.returns, ['state']);
    assert.match(p.cellText, /^from churn\.steps import SEED, LABELS, rate, step\nstate = step\(\)$/);
    // Annotated where the literal makes the type plain; the list is left as written.
    assert.match(p.moduleText, /SEED: int = 7\nLABELS = \["a", "b"\]\nrate: float = 0\.5\n\n\ndef step\(\)/);
  });

  test('hoisted functions that never return a value get `-> None`; anything less evident stays as written', async () => {
    const p = ok(
      await plan(
        [
          'import csv\n' +
            'def show(rows, sep=")",  # the separator\n         *, width: int = 3):\n    for r in rows:\n        print(sep.join(r)[:width])\n    return None\n' +
            'def total(xs):\n    return sum(xs)\n' +
            'def each(xs):\n    yield from xs\n' +
            'def inner():\n    def f():\n        return 1\n    f()\n' +
            'def typed(x) -> int:\n    print(x)\n' +
            'NAME = "run"\nNEG = -2\nFLAG = True\nNOTHING = None\nWRAPPED = (1)\n',
          'show([["a"]])',
        ],
        0,
      ),
    );
    assert.match(p.moduleText, /\ndef show\(rows, sep="\)",  # the separator\n         \*, width: int = 3\) -> None:\n/);
    assert.match(p.moduleText, /\ndef total\(xs\):\n/);
    assert.match(p.moduleText, /\ndef each\(xs\):\n/);
    assert.match(p.moduleText, /\ndef inner\(\) -> None:\n    def f\(\):\n/);
    assert.match(p.moduleText, /\ndef typed\(x\) -> int:\n/);
    assert.match(p.moduleText, /\nNAME: str = "run"\nNEG: int = -2\nFLAG: bool = True\nNOTHING = None\nWRAPPED: int = \(1\)\n/);
  });

  test('a lower-case mutable value stays in the notebook: mutating the module object would leak', async () => {
    const p = ok(await plan(['regions = {"north"}\nMAX = 3', 'regions.add("x")'], 0));
    assert.deepEqual(p.hoisted, ['MAX']);
  });

  test('a function reading a notebook global when called stays back, and the refusal says why', async () => {
    const p = await plan(['w = 2', 'def f(x):\n    return w * x'], 1);
    assert.equal(p.ok, false);
    assert.match((p as { reason: string }).reason, /reads the notebook global `w`.*Not moved to module level: `f`, because its body reads the notebook global `w` when called/s);
  });

  test('a default read from a notebook value keeps the def back; an import the module can repeat does not', async () => {
    const p = ok(await plan(['import math\nbase = 2.0', 'def grow(x, b=base):\n    return math.exp(x) * b\ndef root(x, f=math.sqrt):\n    return f(x)'], 1));
    assert.deepEqual(p.hoisted, ['root']);
    assert.deepEqual(p.keptBack.map((k) => k.name), ['grow']);
    assert.match(p.keptBack[0]!.reason, /reads `base` when it is defined/);
    assert.match(p.moduleText, /^import math$/m);
  });

  test('a name bound twice in the notebook, or through `global`, is not hoisted', async () => {
    const twice = ok(await plan(['def f():\n    return 1\nprint(f())', 'def f():\n    return 2'], 0));
    assert.deepEqual(twice.hoisted, []);
    const p = await plan(['def g():\n    global n\n    n = 1'], 0);
    assert.equal(p.ok, false);
    assert.match((p as { reason: string }).reason, /`global n`/);
  });

  test('a class whose body runs code is kept back (it would run at import time)', async () => {
    const p = await plan(['class A:\n    print("hi")\n    x = 1'], 0);
    assert.equal(p.ok, false);
    assert.match((p as { reason: string }).reason, /its class body runs statements other than definitions/);
  });

  test('an imports-only cell nobody reads says why nothing moves', async () => {
    const p = await plan(['import os\nfrom pathlib import Path'], 0);
    assert.equal(p.ok, false);
    assert.match((p as { reason: string }).reason, /The cell only imports modules, and no code reads `os`, `Path`: they are unused or imported for a side effect/);
  });

  test('an existing module is appended to, never overwritten, and a clash is refused', async () => {
    const existing = '"""Steps."""\nimport os\n\n\ndef other():\n    return os.sep\n';
    const p = ok(await plan(['def helper():\n    return 1'], 0, 0, { [MODULE]: existing }));
    assert.equal(p.edit.operations.filter((o) => o.kind === 'create').length, 0);
    assert.ok(p.moduleText.startsWith(existing));
    assert.match(p.moduleText, /\n\n\ndef helper\(\):\n    return 1\n$/);
    const clash = await plan(['def other():\n    return 1'], 0, 0, { [MODULE]: existing });
    assert.equal(clash.ok, false);
  });
});

describe('extracting a range of cells', () => {
  test('names flow between the selected cells; only names read later are returned; the other cells are emptied', async () => {
    const p = ok(await plan(['data = [3, 1, 2]', 'tmp = sorted(data)', 'top = tmp[-1]\nprint(top)', 'print(top * 2)'], 1, 2));
    assert.deepEqual(p.parameters, ['data']);
    assert.deepEqual(p.returns, ['top']);
    const cellEdits = p.edit.operations.filter((o) => o.kind === 'cellEdit');
    assert.deepEqual(cellEdits.map((o) => (o.kind === 'cellEdit' ? [o.cell, o.edits[0]!.newText] : [])), [
      [1, 'from churn.steps import step\ntop = step(data)'],
      [2, ''],
    ]);
    assert.equal(p.ipynbEdit.length, 2);
  });

  test('a cell in the middle of the range that displays a value is refused (its output would be lost)', async () => {
    const p = await plan(['x = 1', 'x + 1', 'y = x'], 0, 2);
    assert.equal(p.ok, false);
    assert.match((p as { reason: string }).reason, /Cell 1 shows `x \+ 1` as its output/);
  });

  test('a refusal inside a range names the cell and its own line', async () => {
    const p = await plan(['x = 1', 'y = x + 1\nz = y * 2', 'def f():\n    global y\n    y = 3'], 1, 2);
    assert.equal(p.ok, false);
    assert.match((p as { reason: string }).reason, /`global y` on line 2 of cell 2/);
  });

  test('when definitions moved, a refusal of the rest still cites the line as the cells have it', async () => {
    const p = await plan(['x = 1', 'LIMIT = 3\ny = x + LIMIT', 'def f():\n    global y\n    y = 3'], 1, 2);
    assert.equal(p.ok, false);
    assert.match((p as { reason: string }).reason, /^LIMIT could move to the module, but the rest of the code cannot: `global y` on line 2 of cell 2/);
  });

  test('a bad range is refused with the notebook size', async () => {
    const p = await plan(['x = 1'], 0, 3);
    assert.equal(p.ok, false);
    assert.match((p as { reason: string }).reason, /has 1 code cells/);
  });
});

describe('imports-only cells follow the code that reads them', () => {
  const cellSources = (p: Extract<CellsExtractPlan, { ok: true }>) =>
    p.edit.operations.flatMap((o) => (o.kind === 'cellEdit' ? [{ cell: o.cell, text: o.edits[0]!.newText }] : []));

  test('extracting the only cell that reads the imports empties the imports cell in the same edit', async () => {
    const p = ok(await plan(['import textwrap\nfrom statistics import mean', 'text = "a b c"', 'wrapped = textwrap.fill(text, width=3)\nprint(wrapped, mean([1, 2]))'], 2));
    assert.deepEqual(p.importCells, [{ codeIndex: 0, names: ['textwrap', 'mean'], emptied: true, text: '', reason: 'only the moved code read `textwrap`, `mean`, which the module now imports' }]);
    assert.deepEqual(cellSources(p).map((c) => c.cell).sort(), [0, 2]);
    assert.equal(cellSources(p).find((c) => c.cell === 0)!.text, '');
    assert.match(p.moduleText, /\nimport textwrap\nfrom statistics import mean\n/);
    assert.equal(p.ipynbEdit.length, 2);
  });

  test('an emptied imports cell keeps its comments: they are the user\'s words and went nowhere else', async () => {
    const p = ok(await plan(['# Text helpers for the report\nimport textwrap  # wraps long labels\n\n# statistics\nfrom statistics import mean', 'print(textwrap.fill("a b c", width=3), mean([1, 2]))'], 1));
    assert.equal(p.importCells![0]!.emptied, true);
    assert.equal(cellSources(p).find((c) => c.cell === 0)!.text, '# Text helpers for the report\n# wraps long labels\n# statistics');
  });

  test('an imports cell another cell still reads stays, and the reason names the cells and names', async () => {
    const p = ok(await plan(['import textwrap\nimport math', 'text = "a b c"', 'print(textwrap.fill(text, width=3), math.pi)', 'print(math.e)\nprint(textwrap.dedent(text))', 'print(math.tau)'], 2));
    assert.deepEqual(p.importCells, [{ codeIndex: 0, names: ['textwrap', 'math'], emptied: false, reason: 'the notebook still reads `textwrap` in cell 3, `math` in cells 3 and 4' }]);
    assert.deepEqual(cellSources(p).map((c) => c.cell), [2]);
  });

  test('an imports cell another cell still reads loses only the statements the moved code alone read', async () => {
    const sources = ['import csv  # the export format\nfrom statistics import mean\nimport math', 'rows = list(csv.reader(["1,2"]))\nprint(rows, math.pi)', 'print(mean([1, 2]))'];
    const p = ok(await plan(sources, 1));
    assert.deepEqual(p.importCells, [
      {
        codeIndex: 0,
        names: ['csv', 'mean', 'math'],
        emptied: false,
        removed: ['csv', 'math'],
        text: '# the export format\nfrom statistics import mean',
        reason: 'the notebook still reads `mean` in cell 2; `csv`, `math` went with the moved code, which the module now imports',
      },
    ]);
    assert.equal(cellSources(p).find((c) => c.cell === 0)!.text, '# the export format\nfrom statistics import mean');
    assert.equal(p.ipynbEdit.length, 2);
    // A statement binding a name still read stays whole, even if its other name went.
    const shared = ok(await plan(['from statistics import mean, median', 'print(median([1, 2, 3]))', 'print(mean([1, 2]))'], 1));
    assert.deepEqual(shared.importCells?.map((c) => [c.emptied, c.removed, c.text]), [[false, undefined, undefined]]);
  });

  test('an import nothing reads keeps its cell (it may be there for its side effect)', async () => {
    const p = ok(await plan(['import textwrap\nimport this_registers_a_plugin', 'print(textwrap.fill("a b", width=1))'], 1));
    assert.equal(p.importCells![0]!.emptied, false);
    assert.match(p.importCells![0]!.reason, /nothing reads `this_registers_a_plugin`, which may be imported for its side effect/);
  });

  test('a cell reading the name through a magic or a later function body keeps the imports', async () => {
    const viaMagic = ok(await plan(['import textwrap', 'print(textwrap.fill("a b", width=1))', '%timeit textwrap.fill("a b", width=1)'], 1));
    assert.match(viaMagic.importCells![0]!.reason, /still reads `textwrap` in cell 2/);
    const viaFunction = ok(await plan(['import textwrap', 'print(textwrap.fill("a b", width=1))', 'def later():\n    return textwrap.dedent(" x")'], 1));
    assert.equal(viaFunction.importCells![0]!.emptied, false);
  });

  test('an imports-only cell extracted alone names the cells that still read each import', async () => {
    const p = await plan(['import csv\nfrom pathlib import Path\nimport statistics', 'DATA = Path("x")', 'rows = list(csv.reader(DATA.open()))', 'print(Path(".").name)'], 0);
    assert.equal(p.ok, false);
    assert.match((p as { reason: string }).reason, /The cell only imports modules, and the notebook still reads them: `Path` in cells 1 and 3, `csv` in cell 2 \(nothing reads `statistics`\)\. So the imports stay/);
  });

  describe('moving a notebook cell by cell into one module', () => {
    // The state after cell 1 was extracted: its code now lives in churn/steps.py, which imports csv.
    const MODULE_AFTER_CELL_1 = '"""Code moved from analysis.ipynb."""\n\nimport csv\n\n\nMIN_ROWS: int = 1\n\n\ndef load():\n    return list(csv.reader(["a,b", "c,d"]))\n';
    const module = { [MODULE]: MODULE_AFTER_CELL_1 };

    test('the last reader moving empties the imports cell, counting readers an earlier extraction moved', async () => {
      const p = ok(await plan(['import csv\nimport statistics', 'from churn.steps import MIN_ROWS, load\nrows = load()', 'sizes = [len(r) for r in rows if len(rows) >= MIN_ROWS]\nprint(statistics.mean(sizes))'], 2, 2, module));
      assert.deepEqual(p.importCells, [{ codeIndex: 0, names: ['csv', 'statistics'], emptied: true, text: '', reason: 'only the moved code read `csv`, `statistics`, which the module now imports' }]);
      assert.equal(cellSources(p).find((c) => c.cell === 0)?.text, '');
    });

    test('a name the notebook imports from the module itself is read there directly, not imported into it', async () => {
      const p = ok(await plan(['import csv\nimport statistics', 'from churn.steps import MIN_ROWS, load\nrows = load()', 'sizes = [len(r) for r in rows if len(rows) >= MIN_ROWS]\nprint(statistics.mean(sizes))'], 2, 2, module));
      assert.doesNotMatch(p.moduleText, /from churn\.steps import/);
      assert.match(p.moduleText, /\nimport csv\nimport statistics\n/);
      assert.match(p.moduleText, /\ndef step\(rows\) -> None:\n/);
    });

    test('a name the notebook imports from the module under another name becomes an alias there, not a circular import', async (t) => {
      const p = ok(await plan(['import statistics', 'from churn.steps import load as read_rows\nrows = read_rows()', 'print(len(read_rows()), statistics.mean([1]))'], 2, 2, module));
      assert.doesNotMatch(p.moduleText, /from churn\.steps import/);
      assert.match(p.moduleText, /\n\ndef load\(\):[\s\S]*\nread_rows = load\n\n\ndef step\(\) -> None:\n/);
      // The module imports on its own: nothing runs before what it names is defined.
      const dir = mkdtempSync(path.join(tmpdir(), 'mlh-alias-'));
      try {
        mkdirSync(path.join(dir, 'churn'));
        writeFileSync(path.join(dir, 'churn', '__init__.py'), '');
        writeFileSync(path.join(dir, 'churn', 'steps.py'), p.moduleText);
        const run = spawnSync('python3', ['-c', 'import churn.steps as s; assert s.read_rows is s.load; s.step()'], { cwd: dir, encoding: 'utf8' });
        if (run.error) {
          t.skip('python3 is not available to import the module');
          return;
        }
        assert.equal(run.status, 0, run.stderr);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    test('the imports cell stays when other code runs before the module is imported again', async () => {
      const p = ok(await plan(['import csv\nimport statistics', 'print("checking the environment")', 'from churn.steps import MIN_ROWS, load\nrows = load()', 'print(statistics.mean([len(r) for r in rows]))'], 3, 3, module));
      assert.deepEqual(p.importCells?.map((c) => c.emptied), [false]);
      assert.match(p.importCells![0]!.reason, /nothing reads `csv`, which may be imported for its side effect/);
    });

    test('an import the module binds differently still stays', async () => {
      const p = ok(await plan(['import csv as c\nimport statistics', 'from churn.steps import MIN_ROWS, load\nrows = load()', 'print(statistics.mean([len(r) for r in rows]))'], 2, 2, module));
      assert.deepEqual(p.importCells?.map((c) => c.emptied), [false]);
    });
  });

  test('an imports cell stays while another cell may read its names through globals(), eval, exec or vars()', async () => {
    for (const reader of ['print(globals()["st"].mean([1, 2, 3]))', 'print(eval("st.mean([1, 2, 3])"))', 'exec("print(st.mean([1, 2, 3]))")', 'def later():\n    return vars()']) {
      const p = ok(await plan(['import statistics as st', 'spread = st.pstdev([1.0, 2.0, 4.0])\nprint(spread)', reader], 1));
      assert.deepEqual(p.importCells?.map((c) => c.emptied), [false], reader);
      assert.match(p.importCells![0]!.reason, /cell 2 may read its names in ways that cannot be known/, reader);
      assert.equal(p.ipynbEdit.length, 1, `${reader}: only the extracted cell changes`);
    }
  });

  test('`dir(obj)` or `vars(obj)` look at an object, not the namespace: the imports cell still empties', async () => {
    const p = ok(await plan(['import statistics as st', 'spread = st.pstdev([1.0, 2.0, 4.0])\nprint(spread)', 'print(len(dir(spread)), vars(type(spread)) is not None)'], 1));
    assert.deepEqual(p.importCells?.map((c) => c.emptied), [true]);
  });

  test('a range holding the imports cell and all their readers moves the imports into the module', async () => {
    const p = ok(await plan(['import textwrap', 'out = textwrap.fill("a b", width=1)', 'print(out)'], 0, 1));
    assert.match(p.moduleText, /\nimport textwrap\n/);
    assert.doesNotMatch(p.cellText, /import textwrap/);
  });
});

describe('magics and `del` at the top and bottom of a cell stay there, around the call', () => {
  /** The notebook after the planned .ipynb edit, as its code cells' sources. */
  const sourcesAfter = (sources: string[], p: Extract<CellsExtractPlan, { ok: true }>) =>
    (JSON.parse(applyTextEdits(ipynb(sources), p.ipynbEdit)) as { cells: { source: string[] }[] }).cells.map((c) => c.source.join(''));

  test('leading `del` statements and their comment stay; the rest becomes the function', async () => {
    const sources = ['x = 1\ny = 2', '# drop what we no longer need\ndel x\nprint(y)'];
    const p = ok(await plan(sources, 1));
    assert.equal(p.cellText, '# drop what we no longer need\ndel x\nfrom churn.steps import step\nstep(y)');
    assert.deepEqual(p.parameters, ['y']);
    assert.doesNotMatch(p.moduleText, /del x/);
    assert.equal(sourcesAfter(sources, p)[1], p.cellText);
  });

  test('line magics and shell escapes stay above the call; the comment under them describes the moved code', async () => {
    const sources = ['import statistics\nreadings = [3, 1, 4]', '%matplotlib inline\n!pip install tabulate \\\n    rich\n# Summarise the readings\nmean = statistics.mean(readings)\nprint(mean)', 'print(mean)'];
    const p = ok(await plan(sources, 1));
    assert.equal(p.cellText, '%matplotlib inline\n!pip install tabulate \\\n    rich\nfrom churn.steps import step\nmean = step(readings)');
    assert.match(p.moduleText, /def step\(readings: list\):\n {4}"""Summarise the readings\./);
    assert.doesNotMatch(p.moduleText, /matplotlib|tabulate|rich/);
    const after = sourcesAfter(sources, p);
    assert.equal(after[1], p.cellText);
    assert.deepEqual([after[0], after[2]], [sources[0], sources[2]]);
    // The editor's cell edit writes the same text over the whole original cell.
    const cellEdit = p.edit.operations.find((op) => op.kind === 'cellEdit');
    assert.ok(cellEdit && cellEdit.kind === 'cellEdit');
    assert.deepEqual(cellEdit.edits.map((e) => e.newText), [p.cellText]);
    assert.deepEqual(cellEdit.edits[0]!.range, { start: { line: 0, character: 0 }, end: { line: 5, character: 11 } });
  });

  test('a cell magic whose body is Python (%%capture, %%time) keeps its first line; the call runs under it', async () => {
    const p = ok(await plan(['xs = [1, 2]', '%%capture captured\ntotal = sum(xs)\nprint(total)', 'print(total)'], 1));
    assert.equal(p.cellText, '%%capture captured\nfrom churn.steps import step\ntotal = step(xs)');
    const timed = ok(await plan(['xs = [1, 2]', '%%time\nsquares = [x * x for x in xs]\nsquares'], 1));
    assert.match(timed.cellText, /^%%time\nfrom churn\.steps import step\nstep\(xs\)$/);
  });

  test('a CRLF cell: the kept rows come back with the new text, and the edits cover the whole CRLF cell', async () => {
    const sources = ['xs = [1, 2]', '%load_ext autoreload\r\n%autoreload 2\r\nn = len(xs)\r\nprint(n)'];
    const p = ok(await plan(sources, 1));
    assert.equal(p.cellText, '%load_ext autoreload\n%autoreload 2\nfrom churn.steps import step\nstep(xs)');
    const cellEdit = p.edit.operations.find((op) => op.kind === 'cellEdit');
    assert.ok(cellEdit && cellEdit.kind === 'cellEdit');
    assert.deepEqual(cellEdit.edits[0]!.range, { start: { line: 0, character: 0 }, end: { line: 3, character: 8 } }, 'the editor edit spans the four CRLF lines');
    assert.equal(sourcesAfter(sources, p)[1], p.cellText, 'the .ipynb edit replaces the whole source');
  });

  test('a range keeps the magics at the top of its first cell', async () => {
    const p = ok(await plan(['xs = [1, 2]', '!echo start\nys = [x + 1 for x in xs]', 'print(sum(ys))', 'print(ys)'], 1, 2));
    assert.equal(p.cellText, '!echo start\nfrom churn.steps import step\nys = step(xs)');
  });

  test('definitions below a magic are hoisted as without it', async () => {
    const p = ok(await plan(['%load_ext autoreload\nclass Point:\n    """A point."""\n    x = 0\n', 'print(Point())'], 0));
    assert.deepEqual(p.hoisted, ['Point']);
    assert.equal(p.cellText, '%load_ext autoreload\nfrom churn.steps import Point');
  });

  test('`del` and magics at the bottom of a cell stay there, after the call', async () => {
    const sources = ['xs = [3, 1, 2]\ntmp = {"k": 1}', 'ranked = sorted(xs)\nprint(ranked[0])\n# tidy up\ndel tmp\n!echo done', 'print(ranked)'];
    const p = ok(await plan(sources, 1));
    assert.equal(p.cellText, 'from churn.steps import step\nranked = step(xs)\n# tidy up\ndel tmp\n!echo done');
    assert.doesNotMatch(p.moduleText, /del tmp|echo/);
    assert.equal(sourcesAfter(sources, p)[1], p.cellText);
  });

  test('what a magic below the code mentions is returned to the notebook, as for a later cell', async () => {
    const timed = ok(await plan(['x = 1', 'y = x * 2\nscratch = y + 1\n%timeit y + 1'], 1));
    assert.equal(timed.cellText, 'from churn.steps import step\ny = step(x)\n%timeit y + 1');
    assert.deepEqual(timed.returns, ['y']);
    const echoed = ok(await plan(['x = 1', 'label = str(x)\n!echo {label}'], 1));
    assert.equal(echoed.cellText, 'from churn.steps import step\nlabel = step(x)\n!echo {label}');
  });

  test('a bottom `del` of a name the code binds stays in the function, as any local `del`', async () => {
    const p = ok(await plan(['xs = [3, 1, 2]', '%load_ext autoreload\ntmp = sorted(xs)\nbest = tmp[-1]\ndel tmp', 'print(best)'], 1));
    assert.equal(p.cellText, '%load_ext autoreload\nfrom churn.steps import step\nbest = step(xs)');
    assert.match(p.moduleText, /\n {4}del tmp\n/);
  });

  test('a range keeps the top of its first cell and the bottom of its last, and edits the whole of each', async () => {
    const sources = ['xs = [1, 2]\nold = 0', '%load_ext autoreload\nys = [x + 1 for x in xs]', 'total = sum(ys)\ndel old\n!echo summed', 'print(total)'];
    const p = ok(await plan(sources, 1, 2));
    assert.equal(p.cellText, '%load_ext autoreload\nfrom churn.steps import step\ntotal = step(xs)\ndel old\n!echo summed');
    const after = sourcesAfter(sources, p);
    assert.deepEqual(after, [sources[0], p.cellText, '', sources[3]]);
    const lastCellEdit = p.edit.operations.find((op) => op.kind === 'cellEdit' && op.cell === 2);
    assert.ok(lastCellEdit && lastCellEdit.kind === 'cellEdit');
    assert.deepEqual(lastCellEdit.edits, [{ range: { start: { line: 0, character: 0 }, end: { line: 2, character: 12 } }, newText: '' }], 'the emptied last cell is replaced whole');
  });

  test('a cell magic over a range is refused: `%%capture` would swallow the later cells\' output', async () => {
    const p = await plan(['a = 2', '%%capture log\nprint("noisy", a)\nb = a * 3', 'print("result", b)\nc = b + 1', 'print(c, log.stdout)'], 1, 2);
    assert.ok(!p.ok);
    assert.match(p.reason, /^Line 1 \(`%%capture log`\) applies to its whole cell; in one function with the selected cells after it, it would apply to them too/);
  });

  test('a range may start with a cell of magics only: they stay, the following cells move', async () => {
    const p = ok(await plan(['xs = [1, 2]', '!pip install tabulate', 'ys = [x * 2 for x in xs]', 'print(ys)'], 1, 2));
    assert.equal(p.cellText, '!pip install tabulate\nfrom churn.steps import step\nys = step(xs)');
    const passed = ok(await plan(['xs = [1, 2]', 'files = !ls', 'print(len(files), xs)'], 1, 2));
    assert.equal(passed.cellText, 'files = !ls\nfrom churn.steps import step\nstep(files, xs)');
    const refused = await plan(['xs = [1, 2]', 'files = !ls', 'def count():\n    return len(files)\nprint(count(), xs)'], 1, 2);
    assert.ok(!refused.ok);
    assert.match(refused.reason, /^Line 1 \(`files = !ls`\) stays in the notebook ahead of the call and binds `files`, which a later selected cell reads/);
  });

  test('imports under kept magics stay while read; moving their last reader removes them and keeps the magics', async () => {
    const sources = ['%load_ext autoreload\n%autoreload 2\n# serialisation\nimport json', 'print(json.dumps([1]))'];
    const p = await plan(sources, 0);
    assert.ok(!p.ok);
    assert.match(p.reason, /^The cell only imports modules, and the notebook still reads them: `json` in cell 1\. So the imports stay; .* and the edit that moves the last code reading a name removes the imports from this cell; its IPython magics stay\.$/);
    const moved = ok(await plan(sources, 1));
    assert.deepEqual(moved.importCells?.map((c) => [c.codeIndex, c.emptied]), [[0, true]]);
    assert.equal(sourcesAfter(sources, moved)[0], '%load_ext autoreload\n%autoreload 2\n# serialisation');
    const withoutMagics = await plan(['import json', 'print(json.dumps([1]))'], 0);
    assert.ok(!withoutMagics.ok);
    assert.match(withoutMagics.reason, /and the edit that moves the last code reading a name empties this cell\.$/);
  });

  test('a name a kept magic binds is passed to the call, which runs right after it', async () => {
    const listed = ok(await plan(['files = !ls\nprint(len(files))'], 0));
    assert.equal(listed.cellText, 'files = !ls\nfrom churn.steps import step\nstep(files)');
    assert.deepEqual(listed.parameters, ['files']);
    const timed = ok(await plan(['xs = [1]', '%time total = sum(xs)\n\nprint(total * 2)'], 1));
    assert.equal(timed.cellText, '%time total = sum(xs)\nfrom churn.steps import step\nstep(total)');
    // `%%capture out` binds `out` when its cell ends: the cell itself reads the value from before, as the
    // call's argument does; a later selected cell would read the new one (and a range under a cell magic is refused).
    const captured = ok(await plan(['out = None', '%%capture out\nprint(out)'], 1));
    assert.equal(captured.cellText, '%%capture out\nfrom churn.steps import step\nstep(out)');
    const stale = await plan(['out = None', '%%capture out\nprint("hi")', 'print(out.stdout)'], 1, 2);
    assert.ok(!stale.ok);
    assert.match(stale.reason, /^Line 1 \(`%%capture out`\) applies to its whole cell/);
    // Even when an earlier cell imports the same name, the kept row's value is what the code reads.
    const rebound = ok(await plan(['from os import sep', 'sep = !echo /\nprint(sep)'], 1));
    assert.deepEqual(rebound.parameters, ['sep']);
    assert.doesNotMatch(rebound.moduleText, /from os import sep/);
  });

  const refusals: Array<[string, string[], number, RegExp]> = [
    ['a cell that only deletes', ['x = 1', 'del x'], 1, /^The cell only deletes notebook variables, which stay in the notebook/],
    ['a cell that only runs magics', ['!pip install pandas\n%load_ext autoreload'], 0, /^The cell only runs IPython magics, which stay in the notebook; there is no Python code to move/],
    ['a function body reading a name a kept magic binds (it would read the module\'s)', ['files = !ls\ndef count():\n    return len(files)\nprint(count())'], 0, /^Line 1 \(`files = !ls`\) stays in the notebook ahead of the call and binds `files`, which line 3 reads/],
    ['a leading `del` of a name the code reads again', ['x = 1', 'del x\nprint(x)'], 1, /^Line 1 \(`del x`\) stays in the notebook ahead of the call and deletes `x`, which line 2 reads/],
    ['a refusal after the kept rows cites the cell\'s own line', ['x = 1\ny = 2', 'del x\nprint(y)\ndel y\nprint(2)'], 1, /`del y` on line 3 unbinds/],
    ['a magic in the middle of the code still refuses the cell', ['x = 1', 'y = x\n%time z = y\nprint(z)'], 1, /IPython magic `%time z = y` on line 2/],
    ['%%timeit discards what its body binds', ['xs = [1]', '%%timeit\ntotal = sum(xs)'], 1, /IPython magic `%%timeit` on line 1/],
    ['%%bash is not Python', ['%%bash\nls -l'], 0, /IPython magic `%%bash`/],
  ];
  for (const [name, sources, index, expected] of refusals) {
    test(`refused: ${name}`, async () => {
      const p = await plan(sources, index);
      assert.ok(!p.ok, `${name}: expected a refusal`);
      assert.match(p.reason, expected);
    });
  }
});

/**
 * The "Turn notebook into project" planner on in-memory projects: what it creates, what it never
 * overwrites, how an existing pyproject.toml gets only the missing dependencies, and how versions are
 * pinned only when an environment is given (trusted workspaces). The execution test proves behaviour.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PythonEnvironment } from '../../../src/core/environment/installedDistributions';
import { MemoryFileSystem } from '../../../src/core/fs/memoryFileSystem';
import { planProductionize, type ProductionizePlan } from '../../../src/core/productionize/plan';

const ROOT = '/work/churn-lab';
const NOTEBOOK = `${ROOT}/explore.ipynb`;

function ipynb(cells: Array<{ md?: string; code?: string; shows?: string }>): string {
  return JSON.stringify({
    cells: cells.map((c) =>
      c.md !== undefined
        ? { cell_type: 'markdown', metadata: {}, source: c.md }
        : { cell_type: 'code', execution_count: 1, metadata: {}, outputs: c.shows ? [{ output_type: 'execute_result', execution_count: 1, metadata: {}, data: { 'text/plain': [c.shows] } }] : [], source: c.code },
    ),
    metadata: {},
    nbformat: 4,
    nbformat_minor: 5,
  });
}

const CELLS = [
  { code: 'import yaml\nimport math' },
  { md: '## Helpers' },
  { code: 'def area(r):\n    """Area of a disc."""\n    return math.pi * r ** 2' },
  { code: 'area(1.0)', shows: '3.141592653589793' },
  { md: '## Training' },
  { code: 'EPOCHS = 5\nhistory = [area(e) for e in range(EPOCHS)]\nprint(history[-1])' },
];

function ok(p: ProductionizePlan): Extract<ProductionizePlan, { ok: true }> {
  if (!p.ok) assert.fail(p.reason);
  return p;
}

const created = (p: Extract<ProductionizePlan, { ok: true }>) =>
  new Map(p.edit.operations.flatMap((o) => (o.kind === 'create' ? [[o.path.slice(ROOT.length + 1), o.content] as const] : [])));

const environment: PythonEnvironment = {
  sitePackages: ['/env/lib/python3.12/site-packages'],
  distributions: new Map([['pyyaml', { name: 'PyYAML', normalizedName: 'pyyaml', version: '6.0.2', importNames: ['yaml'] }]]),
};

describe('turn notebook into project: the plan', () => {
  test('a bare folder gets the package per heading, params, tests, dvc.yaml and a pinned pyproject', async () => {
    const fs = new MemoryFileSystem({ [NOTEBOOK]: ipynb(CELLS), [`${ROOT}/README.md`]: '# Churn lab\n' });
    const p = ok(await planProductionize(fs, { notebookPath: NOTEBOOK, projectRoot: ROOT, environment }));
    const files = created(p);
    assert.deepEqual(p.modules, [
      { importName: 'churn_lab.params', names: ['EPOCHS'] },
      { importName: 'churn_lab.helpers', names: ['area'] },
    ]);
    assert.match(files.get('src/churn_lab/helpers.py')!, /^import math\n\n\ndef area\(r\):\n    """Area of a disc\."""\n/m);
    assert.match(files.get('src/churn_lab/params.py')!, /^EPOCHS: int = PARAMS\["epochs"\]$/m);
    assert.equal(files.get('params.yaml'), 'epochs: 5\n');
    assert.match(files.get('tests/test_helpers.py')!, /self\.assertEqual\(area\(1\.0\), 3\.141592653589793\)/);
    assert.match(files.get('dvc.yaml')!, /cmd: python -m churn_lab\.pipeline\n    deps:\n      - src\/churn_lab\n    params:\n      - epochs\n/);
    const pyproject = files.get('pyproject.toml')!;
    assert.match(pyproject, /dependencies = \[\n    "PyYAML==6\.0\.2",\n\]/);
    assert.match(pyproject, /requires-python = ">=3\.12"/);
    assert.match(pyproject, /\[tool\.pytest\.ini_options\]\ntestpaths = \["tests"\]\npythonpath = \["src"\]/);
    assert.match(pyproject, /\[tool\.mypy\]/);
    assert.equal(files.get('.python-version'), '3.12\n');
    const cellEdits = p.edit.operations.filter((o) => o.kind === 'cellEdit');
    assert.deepEqual(cellEdits.map((o) => (o.kind === 'cellEdit' ? o.edits[0]!.newText : '')), [
      'from churn_lab.helpers import area',
      'from churn_lab.params import EPOCHS\nhistory = [area(e) for e in range(EPOCHS)]\nprint(history[-1])',
      // The imports cell: `math` went with `area`; nothing reads `yaml`, which may be there for its side effect.
      'import yaml',
    ]);
    assert.deepEqual(p.importCells.map((c) => [c.codeIndex, c.emptied, c.removed]), [[0, false, ['math']]]);
  });

  test('without an environment (untrusted workspace) nothing is pinned or guessed', async () => {
    const fs = new MemoryFileSystem({ [NOTEBOOK]: ipynb(CELLS) });
    const files = created(ok(await planProductionize(fs, { notebookPath: NOTEBOOK, projectRoot: ROOT })));
    assert.match(files.get('pyproject.toml')!, /dependencies = \[\n    "pyyaml",\n\]/);
    assert.doesNotMatch(files.get('pyproject.toml')!, /requires-python/);
    assert.ok(!files.has('.python-version'));
  });

  test('an existing pyproject.toml only gains the missing dependency; existing files are never overwritten', async () => {
    const pyproject = '[project]\nname = "churn-lab"\ndependencies = [\n    "numpy==2.1.0",\n]\n';
    const fs = new MemoryFileSystem({ [NOTEBOOK]: ipynb(CELLS), [`${ROOT}/pyproject.toml`]: pyproject, [`${ROOT}/dvc.yaml`]: 'stages: {}\n' });
    const p = ok(await planProductionize(fs, { notebookPath: NOTEBOOK, projectRoot: ROOT, environment }));
    assert.ok(!created(p).has('pyproject.toml') && !created(p).has('dvc.yaml'));
    assert.deepEqual(p.skipped, ['dvc.yaml']);
    const edit = p.edit.operations.find((o) => o.kind === 'edit' && o.path.endsWith('pyproject.toml'));
    assert.ok(edit && edit.kind === 'edit');
    assert.equal(edit.edits[0]!.newText, '[project]\nname = "churn-lab"\ndependencies = [\n    "numpy==2.1.0",\n    "PyYAML==6.0.2",\n]\n');
  });

  test('a module file that already exists is refused: the notebook would import what it does not hold', async () => {
    const fs = new MemoryFileSystem({ [NOTEBOOK]: ipynb(CELLS), [`${ROOT}/src/churn_lab/helpers.py`]: 'X = 1\n' });
    const p = await planProductionize(fs, { notebookPath: NOTEBOOK, projectRoot: ROOT });
    assert.equal(p.ok, false);
    assert.match((p as { reason: string }).reason, /src\/churn_lab\/helpers\.py already exists/);
  });

  test('the pipeline runs the Python under and over magics, and leaves out what reads a name only the notebook has', async () => {
    const cells = [
      { code: '%load_ext autoreload\n%autoreload 2\nimport csv\nimport io' },
      { code: '!pip install tabulate' },
      { code: '%%time\nrows = list(csv.reader(io.StringIO("a,1\\nb,2")))\nprint(len(rows))' },
      { code: '%%capture log\nnames = [r[0] for r in rows]\nprint(names)' },
      { code: 'print(log.stdout)' },
      { code: 'total = sum(int(r[1]) for r in rows)\nprint(total)\n!echo done' },
      { code: 'files = !ls\nprint(len(files))' },
      { code: '%cd ..\nreadme = open("README.md").read()' },
      { code: '%run helpers.py\nv = helper()' },
    ];
    const fs = new MemoryFileSystem({ [NOTEBOOK]: ipynb(cells) });
    const pipeline = created(ok(await planProductionize(fs, { notebookPath: NOTEBOOK, projectRoot: ROOT }))).get('src/churn_lab/pipeline.py')!;
    assert.match(pipeline, /^import csv\nimport io$/m);
    assert.match(pipeline, /^ {4}# Cell 0, in the notebook only: `%load_ext autoreload`, `%autoreload 2`$/m);
    assert.match(pipeline, /^ {4}# Cell 1 uses IPython syntax and runs only in the notebook:\n {4}# !pip install tabulate$/m);
    assert.match(pipeline, /^ {4}# Cell 2, in the notebook only: `%%time`\n {4}rows = list\(csv\.reader/m);
    assert.match(pipeline, /^ {4}names = \[r\[0\] for r in rows\]$/m);
    assert.match(pipeline, /^ {4}# Cell 4 reads `log`, which only the notebook has, and runs only in the notebook:\n {4}# print\(log\.stdout\)$/m);
    assert.match(pipeline, /^ {4}total = sum\(int\(r\[1\]\) for r in rows\)\n {4}print\(total\)$/m);
    assert.match(pipeline, /^ {4}# Cell 6 uses IPython syntax and runs only in the notebook:\n {4}# files = !ls$/m);
    // Magics that may feed the code (a working folder, names from a script) keep the whole cell out.
    assert.match(pipeline, /^ {4}# Cell 7 uses IPython syntax and runs only in the notebook:\n {4}# %cd \.\.\n {4}# readme = open/m);
    assert.match(pipeline, /^ {4}# Cell 8 uses IPython syntax and runs only in the notebook:\n {4}# %run helpers\.py\n {4}# v = helper\(\)$/m);
    for (const line of pipeline.split('\n')) {
      if (!/^\s*#/.test(line)) assert.doesNotMatch(line, /^\s*[%!]|=\s*[%!]\S/, `no IPython syntax runs in the script: ${line}`);
    }
  });

  test('a notebook that is not JSON is refused, not crashed on', async () => {
    const fs = new MemoryFileSystem({ [NOTEBOOK]: '{"cells": [' });
    const p = await planProductionize(fs, { notebookPath: NOTEBOOK, projectRoot: ROOT });
    assert.equal(p.ok, false);
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Finding } from '../../../src/core/diagnostics';
import { applyTextEdits } from '../../../src/core/fixes/applyEdits';
import { MemoryFileSystem } from '../../../src/core/fs/memoryFileSystem';
import { isKnownRuleCode } from '../../../src/core/rules/registry';
import { GitIgnore } from '../../../src/core/rules/structure/gitIgnore';
import { checkWorkspace } from '../readiness/workspace';

const PYPROJECT = '[project]\nname = "p"\nversion = "1.0"\nrequires-python = ">=3.11"\ndependencies = []\n';

async function findingsOf(files: Record<string, string>, code: string, root = '/w'): Promise<Finding[]> {
  const { findings } = await checkWorkspace(new MemoryFileSystem(files, root), root);
  return findings.filter((f) => f.code === code);
}

test('MLH401: reported on the [project] header without type-checker config; any of the usual configs silences it', async () => {
  const [finding, ...rest] = await findingsOf({ 'pyproject.toml': '# top\n' + PYPROJECT, 'src/p/__init__.py': '' }, 'MLH401');
  assert.equal(rest.length, 0);
  assert.equal(finding!.path, '/w/pyproject.toml');
  assert.deepEqual(finding!.range, { start: { line: 1, character: 0 }, end: { line: 1, character: 9 } });
  assert.equal(finding!.severity, 'information');
  const configs: Record<string, string>[] = [{ 'pyproject.toml': PYPROJECT + '\n[tool.pyright]\nstrict = ["src"]\n' }, { 'mypy.ini': '[mypy]\n' }, { 'setup.cfg': '[metadata]\nname = p\n\n[mypy]\nstrict = True\n' }, { 'pyrightconfig.json': '{}' }];
  for (const extra of configs) {
    assert.deepEqual(await findingsOf({ 'pyproject.toml': PYPROJECT, ...extra }, 'MLH401'), [], JSON.stringify(Object.keys(extra)));
  }
});

test('MLH401: a config in a parent folder of a monorepo counts', async () => {
  assert.deepEqual(await findingsOf({ 'pyproject.toml': '[tool.mypy]\nstrict = true\n', 'models/churn/pyproject.toml': PYPROJECT }, 'MLH401'), []);
});

test('MLH402: code without tests is reported; tests/ or test_*.py anywhere silence it; no code, no finding', async () => {
  const base = { 'pyproject.toml': PYPROJECT, 'src/p/__init__.py': '', 'src/p/model.py': 'x = 1\n' };
  const [f] = await findingsOf(base, 'MLH402');
  assert.match(f!.message, /2 Python files but no tests/);
  assert.deepEqual(await findingsOf({ ...base, 'tests/test_model.py': 'def test_x(): pass\n' }, 'MLH402'), []);
  assert.deepEqual(await findingsOf({ ...base, 'src/p/model_test.py': 'def test_x(): pass\n' }, 'MLH402'), []);
  assert.deepEqual(await findingsOf({ 'pyproject.toml': PYPROJECT }, 'MLH402'), []);
  // An empty tests/__init__.py is not a test.
  assert.equal((await findingsOf({ ...base, 'tests/__init__.py': '' }, 'MLH402')).length, 1);
});

test('MLH403: scripts and notebooks without a package; src/<pkg> or <pkg> at the root is a package', async () => {
  const loose = { 'pyproject.toml': PYPROJECT, 'train.py': 'print(1)\n', 'explore.ipynb': '{"cells": []}' };
  const [f] = await findingsOf(loose, 'MLH403');
  assert.match(f!.message, /`explore\.ipynb`, `train\.py`|`train\.py`, `explore\.ipynb`/);
  assert.deepEqual(await findingsOf({ ...loose, 'src/churn/__init__.py': '' }, 'MLH403'), []);
  assert.deepEqual(await findingsOf({ ...loose, 'churn/__init__.py': '' }, 'MLH403'), []);
  // tests/ is not the package, and a package nested deeper than src/<pkg> is not importable as laid out.
  assert.equal((await findingsOf({ ...loose, 'tests/__init__.py': '', 'lib/src/x/__init__.py': '' }, 'MLH403')).length, 1);
});

test('MLH404: notebook imports and executions in production code, at their ranges; tests may use testbook', async () => {
  const source = [
    'import papermill as pm',
    'import subprocess',
    '',
    'def run() -> None:',
    '    pm.execute_notebook("notebooks/train.ipynb", "out.ipynb")',
    '    subprocess.run(["jupyter", "nbconvert", "--to", "notebook", "--execute", "notebooks/eval.ipynb"])',
    '    print("papermill in a string that runs nothing")',
    '',
  ].join('\n');
  const findings = await findingsOf(
    {
      'pyproject.toml': PYPROJECT,
      'src/p/__init__.py': '',
      'src/p/run.py': source,
      'tests/test_nb.py': 'from testbook import testbook\n',
      'Makefile': 'report:\n\tpapermill notebooks/report.ipynb out/report.ipynb\n# papermill x.ipynb in a comment\n',
    },
    'MLH404',
  );
  const at = findings.map((f) => `${f.path.slice(3)}:${f.range.start.line}:${f.range.start.character}`);
  assert.deepEqual(at.sort(), ['Makefile:1:1', 'src/p/run.py:0:0', 'src/p/run.py:4:4', 'src/p/run.py:5:4']);
});

test('MLH405: files in data/ or models/ neither DVC-tracked nor gitignored', async () => {
  const files = {
    'pyproject.toml': PYPROJECT,
    'data/raw/a.csv': 'x\n',
    'data/raw/b.csv': 'x\n',
    'data/external.csv': 'x\n',
    'data/external.csv.dvc': 'outs:\n- md5: 0\n  path: external.csv\n',
    'data/cache/tmp.bin': 'x',
    'data/.gitignore': '/cache/\n',
    'models/model.pkl': 'x',
    // A foreach stage's templated output: DVC versions data/features/one.csv and two.csv.
    'dvc.yaml': 'stages:\n  train:\n    cmd: python train.py\n    outs:\n    - models/model.pkl\n  features:\n    foreach: [one, two]\n    do:\n      cmd: python featurize.py ${item}\n      outs:\n      - data/features/${item}.csv\n',
    'data/features/one.csv': 'x\n',
  };
  const [f, ...rest] = await findingsOf(files, 'MLH405');
  assert.equal(rest.length, 0);
  assert.equal(f!.path, '/w/pyproject.toml');
  assert.match(f!.message, /^`data\/` has 2 files neither tracked by DVC nor gitignored \(`raw\/a\.csv`, `raw\/b\.csv`\)/);
  // Gitignoring the rest, with a later negation that cannot re-include below an ignored folder, silences it.
  assert.deepEqual(await findingsOf({ ...files, '.gitignore': 'raw/\n!data/raw/a.csv\n' }, 'MLH405'), []);
});

test('MLH406: a .env that is not gitignored is an error on the file, with a fix that appends it to .gitignore', async () => {
  const files = { 'pyproject.toml': PYPROJECT, '.env': 'OPENAI_API_KEY=sk-test\n', '.env.example': 'OPENAI_API_KEY=\n', '.gitignore': '__pycache__/' };
  const [f, ...rest] = await findingsOf(files, 'MLH406');
  assert.equal(rest.length, 0, '.env.example is a template');
  assert.equal(f!.path, '/w/.env');
  assert.equal(f!.severity, 'error');
  const op = f!.fixes![0]!.edit!.operations[0]!;
  assert.equal(op.kind, 'edit');
  if (op.kind === 'edit') assert.equal(applyTextEdits(files['.gitignore'], op.edits), '__pycache__/\n/.env\n');
  assert.deepEqual(await findingsOf({ ...files, '.gitignore': '.env\n' }, 'MLH406'), []);
  assert.deepEqual(await findingsOf({ ...files, '.gitignore': '.env*\n!.env.example\n' }, 'MLH406'), []);
  const [created] = await findingsOf({ 'pyproject.toml': PYPROJECT, 'sub/.env': 'A=1\n' }, 'MLH406');
  assert.deepEqual(created!.fixes![0]!.edit!.operations[0], { kind: 'create', path: '/w/sub/.gitignore', content: '/.env\n' });
});

test('MLH406: inline suppression in the .env file is honoured', async () => {
  assert.deepEqual(await findingsOf({ 'pyproject.toml': PYPROJECT, '.env': '# ml-hygiene: ignore-file[MLH406]\nA=1\n' }, 'MLH406'), []);
});

test('MLH407: no CI, CI that does not test, and CI that runs pytest', async () => {
  const base = { 'pyproject.toml': PYPROJECT };
  const [none] = await findingsOf(base, 'MLH407');
  assert.match(none!.message, /^No CI configuration runs the tests/);
  const [docsOnly] = await findingsOf({ ...base, '.github/workflows/docs.yml': 'jobs:\n  d:\n    steps:\n      - run: mkdocs build\n' }, 'MLH407');
  assert.match(docsOnly!.message, /`\.github\/workflows\/docs\.yml`\) but none of it runs the tests/);
  assert.deepEqual(await findingsOf({ ...base, '.github/workflows/ci.yml': 'jobs:\n  t:\n    steps:\n      - run: uv run pytest -q\n' }, 'MLH407'), []);
  assert.deepEqual(await findingsOf({ ...base, '.gitlab-ci.yml': 'test:\n  script: tox -e py311\n' }, 'MLH407'), []);
});

test('MLH408: literal hyperparameters in training code without a config file; reading params.yaml silences it', async () => {
  const train = 'from xgboost import XGBClassifier\n\nmodel = XGBClassifier(n_estimators=500, learning_rate=0.05, max_depth=depth, verbosity=0)\nmodel.fit(X, y)\n';
  const files = { 'pyproject.toml': PYPROJECT, 'src/p/__init__.py': '', 'src/p/train.py': train };
  const [f, ...rest] = await findingsOf(files, 'MLH408');
  assert.equal(rest.length, 0);
  assert.equal(f!.path, '/w/src/p/train.py');
  assert.deepEqual(f!.range, { start: { line: 2, character: 22 }, end: { line: 2, character: 58 } });
  assert.match(f!.message, /\(n_estimators=500, learning_rate=0\.05\) and no config file exists/);
  // A params.yaml nobody reads does not help; reading it does.
  assert.equal((await findingsOf({ ...files, 'params.yaml': 'train:\n  n_estimators: 500\n' }, 'MLH408')).length, 1);
  const reader = 'import yaml\n\ndef load():\n    return yaml.safe_load(open("params.yaml"))\n';
  assert.deepEqual(await findingsOf({ ...files, 'params.yaml': 'x: 1\n', 'src/p/config.py': reader }, 'MLH408'), []);
  // Not training code: the same call in a plotting helper is not reported.
  assert.deepEqual(await findingsOf({ 'pyproject.toml': PYPROJECT, 'src/p/__init__.py': '', 'src/p/plots.py': 'draw(alpha=0.5)\n' }, 'MLH408'), []);
});

test('project findings go to the most relevant file when there is no pyproject.toml', async () => {
  const [f] = await findingsOf({ 'requirements.txt': 'pandas==2.2.3\n', 'nb/explore.ipynb': '{"cells": []}' }, 'MLH401');
  assert.equal(f!.path, '/w/requirements.txt');
  assert.deepEqual(f!.range.start, { line: 0, character: 0 });
});

test('severity from [tool.ml-hygiene] applies to structure rules, and ignore turns them off', async () => {
  // `severity` only accepts codes the registry knows.
  assert.ok(isKnownRuleCode('MLH401'), 'the registry lists the structure rules');
  const files = { 'pyproject.toml': PYPROJECT + '\n[tool.ml-hygiene]\nseverity = { MLH401 = "error" }\nignore = ["MLH407"]\n' };
  const { findings } = await checkWorkspace(new MemoryFileSystem(files, '/w'), '/w');
  assert.equal(findings.find((f) => f.code === 'MLH401')?.severity, 'error');
  assert.equal(findings.find((f) => f.code === 'MLH407'), undefined);
});

test('GitIgnore: the repository root holds the first .gitignore; .git/info/exclude counts; anchored and directory patterns', async () => {
  const fs = new MemoryFileSystem({ '.git/info/exclude': 'secret.txt\n', '.gitignore': '/build\nlogs/\n*.tmp\n', 'proj/.gitignore': '!keep.tmp\n' }, '/repo');
  const git = await GitIgnore.load(fs, '/repo/proj', '/repo/proj');
  assert.equal(git.root, '/repo');
  const cases: Array<[string, boolean, boolean]> = [
    ['/repo/secret.txt', false, true],
    ['/repo/proj/secret.txt', false, true],
    ['/repo/build', true, true],
    ['/repo/proj/build', true, false],
    ['/repo/proj/logs/a.txt', false, true],
    ['/repo/proj/logs', false, false],
    ['/repo/proj/x.tmp', false, true],
    ['/repo/proj/keep.tmp', false, false],
  ];
  for (const [path, isDir, expected] of cases) assert.equal(await git.isIgnored(path, isDir), expected, path);
});

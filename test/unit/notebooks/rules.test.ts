import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { applyTextEdits } from '../../../src/core/fixes/applyEdits';
import { parsePyproject } from '../../../src/core/pyproject/pyprojectFile';
import { CLEAR_CELL_OUTPUTS_COMMAND } from '../../../src/core/notebook';
import { FIXTURE_ROOT, fixtureNotebook, fixtureProjectImports, NOTEBOOKS, where } from './helpers';

const EXPLORE = `${NOTEBOOKS}/explore.ipynb`;

test('explore.ipynb: every notebook rule fires on its cell and range', async () => {
  const { findings } = await fixtureNotebook('explore.ipynb', { largeOutputKb: 1 });
  assert.deepEqual(findings.map(where).sort(), [
    'MLH201 3 0:0-26', // ran as [3] after [4]
    'MLH202 4 0:0-10', // never run, cells below were
    'MLH203 2 1:6-11', // `model` only defined in cell 3 below
    'MLH203 3 3:6-12', // `scaler` defined by no cell while the notebook ran
    'MLH204 0 0:16-24', // %pip install -q lightgbm
    'MLH205 5 0:7-36', // "/Users/alice/data/churn.csv" with its quotes
    'MLH206 3 1:14-50', // sk-proj-... key
    'MLH206 3 2:14-30', // db_password = "hunter2hunter2"
    'MLH206 5 0:0-36', // ghp_ token printed in a saved stream output
    'MLH207 5 0:0-36', // NameError saved
    'MLH208 6 0:0-27', // ~3 KB image over the 1 KB threshold set by the test
    'MLH209 2 0:18-34', // train_test_split without random_state
    'MLH210 6 0:0-27', // 44 lines
    'MLH211 1 1:20-39', // ../data/extra.csv is not tracked (../data/raw.csv is, by data/raw.csv.dvc)
  ].sort());
  for (const f of findings) assert.equal(f.path, EXPLORE);
  // Whole-cell findings cover the cell's first line: `path = "/Users/alice/data/churn.csv"` is 36 characters.
});

test('explore.ipynb: messages name the problem and never repeat a secret', async () => {
  const { findings } = await fixtureNotebook('explore.ipynb');
  const byCode = (code: string) => findings.filter((f) => f.code === code);
  assert.match(byCode('MLH203')[0]!.message, /`model` is only defined in a later cell \(code cell 4 \[3\]\)/);
  assert.match(byCode('MLH203')[1]!.message, /No cell defines `scaler`/);
  assert.match(byCode('MLH207')[0]!.message, /NameError: name 'scaler' is not defined/);
  for (const f of byCode('MLH206')) {
    assert.doesNotMatch(f.message, /abcdefghijklmnop|hunter2hunter2|A1b2C3d4E5f6G7h8/);
  }
  // The default threshold (500 KB) keeps a 3 KB figure quiet.
  assert.equal(byCode('MLH208').length, 0);
});

test('MLH207/MLH208/MLH206-output fixes are the clear-outputs command with path and code-cell index', async () => {
  const { findings } = await fixtureNotebook('explore.ipynb', { largeOutputKb: 1 });
  for (const code of ['MLH207', 'MLH208']) {
    const f = findings.find((x) => x.code === code)!;
    const fix = f.fixes?.[0];
    assert.equal(fix?.title, 'Clear outputs of this cell');
    assert.equal(fix?.edit, undefined);
    assert.deepEqual(fix?.command, { id: CLEAR_CELL_OUTPUTS_COMMAND, title: 'Clear outputs of this cell', arguments: [{ path: EXPLORE, cell: f.cell }] });
  }
});

test('MLH204 fix adds the package to the multi-line [project].dependencies with the same indentation', async () => {
  const { findings } = await fixtureNotebook('explore.ipynb');
  const fix = findings.find((f) => f.code === 'MLH204')!.fixes![0]!;
  assert.equal(fix.title, 'Add `lightgbm` to dependencies');
  const op = fix.edit!.operations[0]!;
  assert.equal(op.kind, 'edit');
  const pyprojectPath = `${FIXTURE_ROOT}/pyproject.toml`;
  assert.equal(op.path, pyprojectPath);
  const before = readFileSync(pyprojectPath, 'utf8');
  const after = applyTextEdits(before, (op as { edits: Parameters<typeof applyTextEdits>[1] }).edits);
  assert.equal(after, before.replace('    "gunicorn==23.0.0",\n', '    "gunicorn==23.0.0",\n    "lightgbm",\n'));
  const reparsed = parsePyproject(pyprojectPath, after);
  assert.ok(reparsed.requirements.some((r) => r.raw === 'lightgbm' && r.group === 'project.dependencies'));
});

test('Untitled1.ipynb: untitled name and star import; the star import silences hidden-state guesses', async () => {
  const { findings } = await fixtureNotebook('Untitled1.ipynb');
  assert.deepEqual(findings.map(where).sort(), ['MLH212 0 0:0-21', 'MLH213 0 0:0-21']);
});

test('a clean notebook gets no notebook findings', async () => {
  const { findings } = await fixtureNotebook('train-model.ipynb');
  assert.deepEqual(findings.map(where), []);
});

test('an R notebook is skipped with one information finding, even with an absolute path in it', async () => {
  const { ctx, findings } = await fixtureNotebook('r-analysis.ipynb');
  assert.equal(ctx.isPython, false);
  assert.deepEqual(findings.map(where), ['MLH214 0 0:0-16']);
  assert.equal(findings[0]!.severity, undefined); // the rule default: information
  assert.match(findings[0]!.message, /kernel language is R/);
});

test('invalid JSON is one MLH214 error at the position of the problem, without a cell', async () => {
  const { ctx, findings } = await fixtureNotebook('broken.ipynb');
  assert.ok(ctx.readError);
  assert.equal(findings.length, 1);
  assert.equal(findings[0]!.code, 'MLH214');
  assert.equal(findings[0]!.severity, 'error');
  assert.equal(findings[0]!.cell, undefined);
  assert.equal(findings[0]!.range.start.line, 2);
  assert.match(findings[0]!.message, /not valid JSON: .* at line 3, column \d+/);
});

test('MLH110/MLH111 across notebooks and .py files of the project', async () => {
  const findings = await fixtureProjectImports();
  const FEATURES = `${FIXTURE_ROOT}/src/churn/features.py`;
  const PYPROJECT = `${FIXTURE_ROOT}/pyproject.toml`;
  const rows = findings.map((f) => `${where(f)} ${f.path.slice(FIXTURE_ROOT.length + 1)}`).sort();
  assert.deepEqual(rows, [
    `MLH110 - 1:7-21 src/churn/features.py`, // distutils: gone in 3.12 (.python-version), setuptools only in build requires
    `MLH110 - 4:7-11 src/churn/features.py`, // yaml → pyyaml
    `MLH110 0 0:7-12 notebooks/train-model.ipynb`, // numpy
    `MLH110 0 2:7-12 notebooks/explore.ipynb`, // numpy
    `MLH110 0 5:7-10 notebooks/explore.ipynb`, // cv2 → opencv-python
    `MLH111 - 11:5-20 pyproject.toml`, // seaborn never imported; gunicorn is a CLI server, not reported
  ].sort());
  const yaml = findings.find((f) => f.path === FEATURES && f.range.start.line === 4)!;
  assert.match(yaml.message, /`yaml` is imported but its distribution `pyyaml` is not declared/);
  assert.equal(yaml.fixes?.[0]?.title, 'Add `pyyaml` to dependencies');
  const distutils = findings.find((f) => f.path === FEATURES && f.range.start.line === 1)!;
  assert.match(distutils.message, /removed from the standard library in Python 3\.12.*`setuptools`/);
  const cv2 = findings.find((f) => f.message.includes('`cv2`'))!;
  assert.match(cv2.message, /`opencv-python`/);
  assert.equal(findings.find((f) => f.code === 'MLH111')!.path, PYPROJECT);
});

test('suppressions inside cells: per line of a cell, and ignore-file from any cell', async () => {
  const { createNotebookContext, filterCellSuppressions, notebookRules } = await import('../../../src/core/rules/notebooks');
  const { runRules } = await import('./helpers');
  const notebook = {
    path: '/p/n.ipynb',
    cells: [
      { kind: 'code' as const, source: 'print(a)  # ml-hygiene: ignore[MLH203]\nprint(b)', executionCount: 1 },
      { kind: 'code' as const, source: 'a = b = 1\npath = "/home/x/y.csv"', executionCount: 2 },
    ],
  };
  const ctx = await createNotebookContext(notebook);
  const all = await runRules(notebookRules, ctx);
  assert.deepEqual(all.map(where).sort(), ['MLH203 0 0:6-7', 'MLH203 0 1:6-7', 'MLH205 1 1:7-22']);
  assert.deepEqual(filterCellSuppressions(ctx, all).map(where).sort(), ['MLH203 0 1:6-7', 'MLH205 1 1:7-22']);
  notebook.cells[1]!.source += '\n# ml-hygiene: ignore-file[MLH205]';
  const ctx2 = await createNotebookContext(notebook);
  assert.deepEqual(filterCellSuppressions(ctx2, await runRules(notebookRules, ctx2)).map(where).sort(), ['MLH203 0 1:6-7']);
});

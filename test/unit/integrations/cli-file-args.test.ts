// `ml-hygiene check FILE...` as pre-commit calls it: from the repository's root with only the staged
// files. A file inside the current folder is checked with the whole folder as its workspace, so
// findings that depend on other files (a notebook's imports against pyproject.toml above it) are
// the same as for `ml-hygiene check .`, and only the named files' findings are printed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../../helpers/repoSnapshot';

const CLI = path.join(REPO_ROOT, 'dist/cli.js');

function project(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'mlh-cli-files-'));
  writeFileSync(path.join(dir, 'pyproject.toml'), '[project]\nname = "churn"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = ["pandas==2.2.2", "requests>=2.31"]\n');
  mkdirSync(path.join(dir, 'notebooks'));
  const cell = (source: string[], n: number) => ({ cell_type: 'code', execution_count: n, metadata: {}, outputs: [], source });
  writeFileSync(path.join(dir, 'notebooks/eda.ipynb'), JSON.stringify({ cells: [cell(['import pandas as pd\n', 'import xgboost\n'], 1)], metadata: {}, nbformat: 4, nbformat_minor: 5 }));
  return dir;
}

type Diagnostic = { file: string; code: string };
function check(cwd: string, ...args: string[]): Diagnostic[] {
  const r = spawnSync(process.execPath, [CLI, 'check', '--format', 'json', '--fail-on', 'never', ...args], { cwd, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return (JSON.parse(r.stdout) as { diagnostics: Diagnostic[] }).diagnostics;
}

test('a notebook named alone, from the project root, is checked against the pyproject.toml above it', { skip: existsSync(CLI) ? false : 'run `npm run build` first' }, () => {
  const dir = project();
  const alone = check(dir, 'notebooks/eda.ipynb');
  assert.ok(alone.some((d) => d.code === 'MLH110' && d.file === 'notebooks/eda.ipynb'), JSON.stringify(alone));
  assert.ok(alone.every((d) => d.file === 'notebooks/eda.ipynb'), 'only the named file is reported');
  // The same findings for that file as a check of the whole project.
  const whole = check(dir, '.').filter((d) => d.file === 'notebooks/eda.ipynb');
  assert.deepEqual(alone, whole);
  // Two files: both reported, nothing else.
  const two = check(dir, 'pyproject.toml', 'notebooks/eda.ipynb');
  assert.deepEqual([...new Set(two.map((d) => d.file))].sort(), ['notebooks/eda.ipynb', 'pyproject.toml']);
});

test('a file outside the current folder still stands for its own folder', { skip: existsSync(CLI) ? false : 'run `npm run build` first' }, () => {
  const dir = project();
  const elsewhere = mkdtempSync(path.join(tmpdir(), 'mlh-cli-cwd-'));
  const diagnostics = check(elsewhere, path.join(dir, 'pyproject.toml'));
  assert.ok(diagnostics.some((d) => d.code === 'MLH102'), JSON.stringify(diagnostics));
});

// The `ml-hygiene` hook of .pre-commit-hooks.yaml, run by the real pre-commit (Debian's package,
// installed by scripts/setup-pre-commit.sh) on a fixture repository, the way a user's
// .pre-commit-config.yaml runs it: pre-commit clones this repository, installs it with npm (the
// prepack script builds dist/), and runs `ml-hygiene check` on the staged files at `git commit`.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { git, isolatedGitEnv, REPO_ROOT, snapshotRepository } from '../../helpers/repoSnapshot';

const setup = spawnSync('bash', [path.join(REPO_ROOT, 'scripts/setup-pre-commit.sh')], { encoding: 'utf8' });
const isGitCheckout = existsSync(path.join(REPO_ROOT, '.git'));
const skip = setup.status !== 0 ? `pre-commit is not available: ${setup.stderr.trim() || `setup exited ${setup.status}`}` : !isGitCheckout ? 'not a git checkout' : false;

const CLEAN_PYPROJECT = `[project]
name = "churn-model"
version = "0.1.0"
requires-python = ">=3.11"
dependencies = ["pandas==2.2.2", "scikit-learn==1.5.0"]
`;

test('the hook manifest follows pre-commit conventions', () => {
  const hooks = parseYaml(readFileSync(path.join(REPO_ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as Array<Record<string, unknown>>;
  assert.equal(hooks.length, 1);
  const hook = hooks[0]!;
  assert.equal(hook['id'], 'ml-hygiene');
  assert.equal(hook['language'], 'node');
  assert.equal(hook['entry'], 'ml-hygiene check');
  assert.equal(hook['pass_filenames'], true);
  assert.equal(hook['require_serial'], true);
  // pre-commit matches `files` with Python's re.search on repository-relative paths.
  const files = new RegExp(String(hook['files']));
  for (const p of ['pyproject.toml', 'sub/pyproject.toml', 'requirements.txt', 'requirements-dev.txt', 'requirements/base.in', 'uv.lock', 'poetry.lock', 'pdm.lock', 'dvc.yaml', 'dvc.lock', 'params.yaml', 'data/raw.csv.dvc', 'notebooks/eda.ipynb', '.python-version'])
    assert.ok(files.test(p), p);
  for (const p of ['README.md', 'src/churn/train.py', 'mypyproject.toml', 'data/raw.csv', 'notebooks/eda.py', 'pyproject.toml.bak']) assert.ok(!files.test(p), p);
  // The bin pre-commit puts on PATH is the CLI's.
  const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string>; scripts: Record<string, string> };
  assert.equal(pkg.bin['ml-hygiene'], './dist/cli.js');
  assert.match(pkg.scripts['prepack'] ?? '', /esbuild\.mjs/);
});

describe('pre-commit runs the hook at git commit', { skip, timeout: 600_000 }, () => {
  let project = '';
  let env: NodeJS.ProcessEnv = {};
  const commit = (message: string) => spawnSync('git', ['commit', '-m', message], { cwd: project, env, encoding: 'utf8' });
  const head = () => git(project, env, 'rev-parse', '--verify', '-q', 'HEAD').trim();

  before(() => {
    const base = mkdtempSync(path.join(tmpdir(), 'mlh-pre-commit-'));
    env = {
      ...isolatedGitEnv(path.join(base, 'home')),
      PRE_COMMIT_HOME: path.join(base, 'pre-commit-cache'),
      // The npm packages come from npm's cache when they are there (pre-commit installs the hook's
      // dev dependencies to build it); only what is missing is fetched from the registry.
      npm_config_prefer_offline: 'true',
      npm_config_audit: 'false',
      npm_config_fund: 'false',
    };
    const hookRepo = snapshotRepository(env);
    project = path.join(base, 'project');
    mkdirSync(project);
    git(project, env, 'init', '-q');
    writeFileSync(
      path.join(project, '.pre-commit-config.yaml'),
      `repos:\n  - repo: ${hookRepo.dir}\n    rev: ${hookRepo.rev}\n    hooks:\n      - id: ml-hygiene\n`,
    );
    const install = spawnSync('pre-commit', ['install'], { cwd: project, env, encoding: 'utf8' });
    assert.equal(install.status, 0, install.stderr);
    // Installs the hook's environment now (npm install, npm pack, npm install -g): the slow part.
    const hooks = spawnSync('pre-commit', ['install-hooks'], { cwd: project, env, encoding: 'utf8' });
    assert.equal(hooks.status, 0, `${hooks.stdout}\n${hooks.stderr}\n${readLog(env)}`);
  });

  test('a clean pyproject.toml commits; the hook passed', () => {
    writeFileSync(path.join(project, 'pyproject.toml'), CLEAN_PYPROJECT);
    git(project, env, 'add', '.pre-commit-config.yaml', 'pyproject.toml');
    const r = commit('clean project');
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout + r.stderr, /ml-hygiene\.+Passed/);
    assert.match(git(project, env, 'log', '--oneline'), /clean project/);
  });

  test('a staged broken pyproject.toml fails the commit with our message', () => {
    const before = head();
    writeFileSync(path.join(project, 'pyproject.toml'), CLEAN_PYPROJECT.replace('pandas==2.2.2', 'pandas>=>2'));
    git(project, env, 'add', 'pyproject.toml');
    const r = commit('operator typo');
    const output = r.stdout + r.stderr;
    assert.equal(r.status, 1, output);
    assert.match(output, /ml-hygiene\.+Failed/);
    assert.match(output, /- exit code: 1/);
    assert.match(output, /pyproject\.toml:5:\d+: error MLH105 Invalid requirement `pandas>=>2`/);
    assert.equal(head(), before, 'nothing was committed');
    // Fixed and re-staged, the commit goes through.
    writeFileSync(path.join(project, 'pyproject.toml'), CLEAN_PYPROJECT.replace('pandas==2.2.2', 'pandas==2.2.3'));
    git(project, env, 'add', 'pyproject.toml');
    assert.equal(commit('pin pandas 2.2.3').status, 0);
  });

  test('a staged notebook in a subfolder is checked with its project around it (pyproject.toml above it)', () => {
    mkdirSync(path.join(project, 'notebooks'), { recursive: true });
    const cell = (source: string[], n: number) => ({ cell_type: 'code', execution_count: n, metadata: {}, outputs: [], source });
    const notebook = {
      cells: [cell(['import pandas as pd\n', 'import xgboost\n'], 1), cell(['WANDB_API_KEY = "0123456789abcdef0123456789abcdef01234567"\n'], 2)],
      metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } },
      nbformat: 4,
      nbformat_minor: 5,
    };
    writeFileSync(path.join(project, 'notebooks/eda.ipynb'), JSON.stringify(notebook, null, 1));
    git(project, env, 'add', 'notebooks/eda.ipynb');
    const r = commit('exploration');
    const output = r.stdout + r.stderr;
    assert.equal(r.status, 1, output);
    assert.match(output, /notebooks\/eda\.ipynb.*error MLH206/);
    // Only known from pyproject.toml one folder up: xgboost is imported but not declared.
    assert.match(output, /notebooks\/eda\.ipynb.*MLH110.*xgboost/);
    assert.doesNotMatch(output, /MLH110.*pandas/);
  });

  test('a commit without any file the hook checks skips it', () => {
    git(project, env, 'reset', '-q');
    writeFileSync(path.join(project, 'README.md'), '# Churn model\n');
    git(project, env, 'add', 'README.md');
    const r = commit('readme');
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout + r.stderr, /ml-hygiene\.+\(no files to check\)Skipped/);
  });
});

function readLog(env: NodeJS.ProcessEnv): string {
  const log = path.join(String(env['PRE_COMMIT_HOME']), 'pre-commit.log');
  return existsSync(log) ? readFileSync(log, 'utf8').slice(-4000) : '';
}

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Engine } from '../../../src/core/engine';
import { collectPins, pinEdits } from '../../../src/core/fixes/pinPlan';
import { applyTextEdits } from '../../../src/core/fixes/applyEdits';
import { MemoryFileSystem } from '../../../src/core/fs/memoryFileSystem';
import { environmentCandidates, findEnvironment, type EnvironmentHints } from '../../../src/core/environment/installedDistributions';

const meta = (name: string, version: string) => `Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\n\nLong description\n`;

async function pinAll(files: Record<string, string>, hints: EnvironmentHints = {}) {
  const fs = new MemoryFileSystem(files, '/p');
  const engine = new Engine({ fs, workspaceRoot: '/p', trusted: true, environmentHints: hints });
  const plan = await collectPins(engine, {});
  const results: Record<string, string> = {};
  for (const file of new Set(plan.pins.map((p) => p.path))) results[file] = applyTextEdits(files[file.slice(3)]!, pinEdits(plan.pins.filter((p) => p.path === file)));
  return { plan, results };
}

test('environment lookup order: --python alone; else VIRTUAL_ENV, CONDA_PREFIX, .venv, venv, conda base last', () => {
  assert.deepEqual(environmentCandidates('/p', { python: { path: '/opt/py/bin/python', source: '--python' }, virtualEnv: '/v' }).map((c) => c.source), ['--python']);
  assert.deepEqual(environmentCandidates('/p', { virtualEnv: '/v', condaPrefix: '/c' }).map((c) => `${c.source}=${c.path}`), ['VIRTUAL_ENV=/v', 'CONDA_PREFIX=/c', '.venv=/p/.venv', 'venv=/p/venv']);
  assert.deepEqual(environmentCandidates('/p', { condaPrefix: '/conda', condaDefaultEnv: 'base' }).map((c) => c.source), ['.venv', 'venv', 'CONDA_PREFIX (base)']);
  assert.deepEqual(environmentCandidates('/p', { virtualEnv: '/p/.venv' }).map((c) => c.source), ['VIRTUAL_ENV', 'venv'], 'the activated .venv is looked at once');
});

test('findEnvironment reads the first environment with packages and records every place it looked', async () => {
  const fs = new MemoryFileSystem({
    'p/venv/lib/python3.11/site-packages/placeholder.txt': '',
    'conda/envs/ml/lib/python3.12/site-packages/pandas-2.2.3.dist-info/METADATA': meta('pandas', '2.2.3'),
  }, '/');
  const lookup = await findEnvironment(fs, environmentCandidates('/p', { condaPrefix: '/conda/envs/ml', virtualEnv: '/nowhere' }));
  assert.deepEqual(lookup.looked.map((l) => `${l.source}:${l.outcome}`), ['VIRTUAL_ENV:missing', 'CONDA_PREFIX:used']);
  assert.equal(lookup.environment?.distributions.get('pandas')?.version, '2.2.3');
});

test('--python finds site-packages from a POSIX interpreter, a Windows venv\'s Scripts/python.exe and conda\'s python.exe', async () => {
  const fs = new MemoryFileSystem({
    'venv/bin/python': '',
    'venv/lib/python3.12/site-packages/pandas-2.2.3.dist-info/METADATA': meta('pandas', '2.2.3'),
    'winvenv/Scripts/python.exe': '',
    'winvenv/Lib/site-packages/pandas-2.1.0.dist-info/METADATA': meta('pandas', '2.1.0'),
    'conda/python.exe': '',
    'conda/Lib/site-packages/pandas-2.0.3.dist-info/METADATA': meta('pandas', '2.0.3'),
  }, '/');
  for (const [python, version] of [['/venv/bin/python', '2.2.3'], ['/winvenv/Scripts/python.exe', '2.1.0'], ['/conda/python.exe', '2.0.3']]) {
    const lookup = await findEnvironment(fs, environmentCandidates('/p', { python: { path: python!, source: '--python' } }));
    assert.equal(lookup.environment?.distributions.get('pandas')?.version, version, python);
  }
});

test('pin --all takes versions from CONDA_PREFIX when the project has no venv', async () => {
  const { plan, results } = await pinAll(
    { 'requirements.txt': 'pandas\nscikit-learn>=1.3\n', '../envs/ml/lib/python3.12/site-packages/pandas-2.2.3.dist-info/METADATA': meta('pandas', '2.2.3') },
    { condaPrefix: '/envs/ml' },
  );
  assert.equal(results['/p/requirements.txt'], 'pandas==2.2.3\nscikit-learn>=1.3\n');
  assert.deepEqual(plan.skipped.map((s) => s.requirement), ['scikit-learn>=1.3']);
  assert.deepEqual(plan.notes, ['Installed versions come from /envs/ml/lib/python3.12/site-packages (CONDA_PREFIX); the packages left unpinned are not installed there.']);
});

test('with nothing installed anywhere, the plan names every place it looked', async () => {
  const { plan } = await pinAll({ 'requirements.txt': 'pandas\n' }, { virtualEnv: '/home/u/.virtualenvs/churn' });
  assert.equal(plan.pins.length, 0);
  assert.deepEqual(plan.notes, ['No installed versions found. Looked in: /home/u/.virtualenvs/churn (VIRTUAL_ENV: does not exist), /p/.venv (.venv: does not exist), /p/venv (venv: does not exist).']);
});

test('aligned trailing comments keep their column; a two-space comment is left as written', async () => {
  const req = [
    'pandas              # dataframes',
    'numpy>=1.26         # arrays',
    'scikit-learn>=1.0.0 # one space: nothing to give',
    'requests  # two spaces',
    'scipy>=1.11.4.post1 # shorter pin grows... no padding',
    'pyarrow>=14.0.0.0      # shorter pin grows the padding',
    '',
  ].join('\n');
  const installed = { pandas: '2.2.3', numpy: '1.26.4', 'scikit-learn': '1.5.2', requests: '2.32.3', scipy: '1.11.4', pyarrow: '17.0.0' };
  const files: Record<string, string> = { 'requirements.txt': req };
  for (const [n, v] of Object.entries(installed)) files[`.venv/lib/python3.11/site-packages/${n}-${v}.dist-info/METADATA`] = meta(n, v);
  const { results } = await pinAll(files);
  assert.equal(results['/p/requirements.txt'], [
    'pandas==2.2.3       # dataframes',
    'numpy==1.26.4       # arrays',
    'scikit-learn==1.5.2 # one space: nothing to give',
    'requests==2.32.3  # two spaces',
    'scipy==1.11.4 # shorter pin grows... no padding',
    'pyarrow==17.0.0        # shorter pin grows the padding',
    '',
  ].join('\n'));
});

test('aligned comments in pyproject.toml keep their column after the closing quote and comma', async () => {
  const py = '[project]\nname = "churn"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = [\n    "pandas",            # dataframes\n    "numpy>=1.26",       # arrays\n]\n';
  const lock = `version = 1\nrevision = 2\nrequires-python = ">=3.11"\n\n[[package]]\nname = "churn"\nversion = "0.1.0"\nsource = { virtual = "." }\n\n[package.metadata]\nrequires-dist = [{ name = "pandas" }, { name = "numpy", specifier = ">=1.26" }]\n\n[[package]]\nname = "pandas"\nversion = "2.2.3"\nsource = { registry = "https://pypi.org/simple" }\n\n[[package]]\nname = "numpy"\nversion = "1.26.4"\nsource = { registry = "https://pypi.org/simple" }\n`;
  const { results } = await pinAll({ 'pyproject.toml': py, 'uv.lock': lock, '.python-version': '3.11\n' });
  assert.equal(results['/p/pyproject.toml'], py.replace('"pandas",            #', '"pandas==2.2.3",     #').replace('"numpy>=1.26",       #', '"numpy==1.26.4",     #'));
});

test('a duplicate requirement is pinned once; the other points at MLH106', async () => {
  const files = { 'requirements.txt': 'scikit-learn\npandas==2.2.3\nscikit_learn\n', '.venv/lib/python3.11/site-packages/scikit_learn-1.5.2.dist-info/METADATA': meta('scikit-learn', '1.5.2') };
  const { plan, results } = await pinAll(files);
  assert.equal(results['/p/requirements.txt'], 'scikit-learn==1.5.2\npandas==2.2.3\nscikit_learn\n');
  assert.deepEqual(plan.skipped, [{ path: '/p/requirements.txt', requirement: 'scikit_learn', reason: 'duplicate of line 1 (MLH106): remove it rather than pin it twice' }]);
});

// ---------- the CLI, as a new user runs it ----------

const CLI = path.resolve(__dirname, '../../../dist/cli.js');

function project(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'mlh-pin-cli-'));
  writeFileSync(path.join(dir, 'requirements.txt'), 'pandas          # dataframes\nscikit-learn    # models\nscikit_learn\n');
  return dir;
}

function fakeEnv(root: string, packages: Record<string, string>): string {
  for (const [name, version] of Object.entries(packages)) {
    const info = path.join(root, 'lib', 'python3.11', 'site-packages', `${name.replace(/-/g, '_')}-${version}.dist-info`);
    mkdirSync(info, { recursive: true });
    writeFileSync(path.join(info, 'METADATA'), meta(name, version));
  }
  mkdirSync(path.join(root, 'bin'), { recursive: true });
  writeFileSync(path.join(root, 'bin', 'python'), '');
  return root;
}

function run(args: string[], env: Record<string, string | undefined>, cwd: string) {
  const clean = { ...process.env };
  delete clean['VIRTUAL_ENV'];
  delete clean['CONDA_PREFIX'];
  delete clean['CONDA_DEFAULT_ENV'];
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, env: { ...clean, ...env }, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('CLI: ml-hygiene pin --all says where it looked, then honours VIRTUAL_ENV, CONDA_PREFIX and --python', { skip: !existsSync(CLI) && 'run npm run build first' }, () => {
  const dir = project();
  const envs = mkdtempSync(path.join(tmpdir(), 'mlh-pin-envs-'));
  try {
    const nothing = run(['pin', '--all', '--dry-run'], {}, dir);
    assert.equal(nothing.code, 0, nothing.err);
    assert.ok(nothing.out.includes(`No installed versions found. Looked in: ${dir}/.venv (.venv: does not exist), ${dir}/venv (venv: does not exist).`), nothing.out);
    assert.ok(nothing.out.includes('--python PATH'), nothing.out);

    const venv = fakeEnv(path.join(envs, 'venv'), { pandas: '2.2.3', 'scikit-learn': '1.5.2' });
    const viaVenv = run(['pin', '--all', '--dry-run'], { VIRTUAL_ENV: venv }, dir);
    assert.match(viaVenv.out, /requirements\.txt: pandas -> pandas==2\.2\.3 \(from the installed environment\)/);
    assert.match(viaVenv.out, /requirements\.txt: scikit_learn: not pinned: duplicate of line 2 \(MLH106\)/);
    assert.equal(readFileSync(path.join(dir, 'requirements.txt'), 'utf8'), 'pandas          # dataframes\nscikit-learn    # models\nscikit_learn\n', '--dry-run writes nothing');

    const conda = fakeEnv(path.join(envs, 'conda'), { pandas: '2.1.4' });
    const viaConda = run(['pin', '--all', '--dry-run'], { CONDA_PREFIX: conda, CONDA_DEFAULT_ENV: 'ml' }, dir);
    assert.match(viaConda.out, /pandas -> pandas==2\.1\.4/);
    assert.ok(viaConda.out.includes(`Installed versions come from ${conda}/lib/python3.11/site-packages (CONDA_PREFIX)`), viaConda.out);

    // --python wins over the shell's environments; the write keeps the comment column, or two spaces where the padding runs out.
    const viaPython = run(['pin', '--all', '--python', path.join(venv, 'bin', 'python')], { CONDA_PREFIX: conda }, dir);
    assert.equal(viaPython.code, 0, viaPython.err);
    assert.equal(readFileSync(path.join(dir, 'requirements.txt'), 'utf8'), 'pandas==2.2.3   # dataframes\nscikit-learn==1.5.2  # models\nscikit_learn\n');

    const missing = run(['pin', '--all', '--python', path.join(envs, 'nope', 'bin', 'python')], {}, dir);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /--python: no such interpreter or environment folder/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(envs, { recursive: true, force: true });
  }
});

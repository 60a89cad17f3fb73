/**
 * Project boundaries: a project is a folder with a marker (pyproject.toml, setup.py, setup.cfg,
 * requirements*.txt, dvc.yaml) or a git repository's root. A file outside every project gets its
 * file-level checks only, and its folder's other contents are never read. Discovery never climbs
 * above a git root or the home folder.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Engine } from '../../../src/core/engine';
import type { FileSystem } from '../../../src/core/fs/fileSystem';
import { MemoryFileSystem } from '../../../src/core/fs/memoryFileSystem';
import { findEnclosingProject, scanWorkspace } from '../../../src/core/project/discovery';
import { WorkspaceState } from '../../../src/server/workspaceState';
import type { Connection, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';

/** Records every path the engine touches, to prove what it never reads. */
class RecordingFileSystem implements FileSystem {
  readonly touched: string[] = [];
  constructor(private readonly inner: FileSystem) {}
  readFile(p: string) {
    this.touched.push(`readFile ${p}`);
    return this.inner.readFile(p);
  }
  stat(p: string) {
    this.touched.push(`stat ${p}`);
    return this.inner.stat(p);
  }
  lstat(p: string) {
    this.touched.push(`lstat ${p}`);
    return this.inner.lstat(p);
  }
  readDirectory(p: string) {
    this.touched.push(`readDirectory ${p}`);
    return this.inner.readDirectory(p);
  }
  realPath(p: string) {
    return this.inner.realPath(p);
  }
}

/** A notebook with hidden state (cell 0 reads `model`, defined only in cell 1) and an error output. */
const BROKEN_NOTEBOOK = JSON.stringify({
  nbformat: 4,
  nbformat_minor: 5,
  metadata: {},
  cells: [
    { cell_type: 'code', metadata: {}, execution_count: 2, outputs: [{ output_type: 'error', ename: 'NameError', evalue: "name 'model' is not defined", traceback: [] }], source: 'print(model.score(X, y))' },
    { cell_type: 'code', metadata: {}, execution_count: 1, outputs: [], source: 'import pickle\nmodel = pickle.load(open("model.pkl", "rb"))' },
  ],
});

const TEMP_FOLDER = {
  '/tmp/bin.ipynb': BROKEN_NOTEBOOK,
  // Other tools' folders next to it: none of them is the user's project.
  '/tmp/pkg-oracle-1a2b/src/packaging/__init__.py': 'VERSION = "1"\n',
  '/tmp/pkg-oracle-1a2b/src/packaging/markers.py': 'import re\n',
  '/tmp/pytest-of-root/pytest-3/test_x0/scratch.ipynb': BROKEN_NOTEBOOK,
  '/tmp/vscode-typescript0/tsserver.log': 'log',
};

test('a notebook alone in the temp folder: file-level checks only, and the sibling folders are never read', async () => {
  const fs = new RecordingFileSystem(new MemoryFileSystem(TEMP_FOLDER, '/'));
  assert.equal(await findEnclosingProject(fs, '/tmp', { home: '/root' }), undefined, 'no marker and no git repository around it');
  assert.deepEqual(fs.touched, ['readDirectory /tmp', 'readDirectory /'], 'the climb lists the notebook\'s folder and its ancestors, nothing below them');
  const climbed = fs.touched.length;
  const engine = new Engine({ fs, workspaceRoot: '/tmp', trusted: true, homeDir: '/root', onlyFiles: ['/tmp/bin.ipynb'] });
  const findings = await engine.checkWorkspace(['/tmp/bin.ipynb']);
  const codes = [...new Set(findings.map((f) => f.code))].sort();
  assert.ok(codes.includes('MLH203') && codes.includes('MLH207'), `its own problems are found: ${codes.join(' ')}`);
  assert.deepEqual(codes.filter((c) => !c.startsWith('MLH2')), [], 'no project-level checks (MLH1xx, MLH401/403/407...)');
  assert.ok(findings.every((f) => f.path === '/tmp/bin.ipynb'));
  const siblings = fs.touched.filter((t) => /pkg-oracle|pytest-of-root|vscode-typescript/.test(t));
  assert.deepEqual(siblings, [], 'no sibling folder is listed or read');
  assert.deepEqual(fs.touched.slice(climbed).filter((t) => t.startsWith('readDirectory')), [], 'the check itself lists no folder');
});

test('walking a folder that is no project (the temp folder itself) checks the notebooks there, each on its own', async () => {
  const fs = new MemoryFileSystem(TEMP_FOLDER, '/');
  const scan = await scanWorkspace(fs, '/tmp', { home: '/root' });
  assert.deepEqual(scan.projects, []);
  assert.deepEqual(scan.looseNotebooks, ['/tmp/bin.ipynb', '/tmp/pytest-of-root/pytest-3/test_x0/scratch.ipynb']);
  const engine = new Engine({ fs, workspaceRoot: '/tmp', trusted: true, homeDir: '/root' });
  const codes = new Set((await engine.checkWorkspace()).map((f) => f.code));
  for (const c of ['MLH401', 'MLH403', 'MLH407', 'MLH103']) assert.ok(!codes.has(c), `${c} needs a project`);
  assert.ok(codes.has('MLH203'));
});

test('a notebook under a git repository without markers belongs to the repository\'s project', async () => {
  for (const gitEntry of ['/repo/.git/HEAD', '/repo/.git']) {
    // A clone has a .git folder; a worktree (or submodule) has a .git file.
    const files = { [gitEntry]: 'ref: refs/heads/main\n', '/repo/notebooks/eda.ipynb': BROKEN_NOTEBOOK, '/repo/churn/train.py': 'def main():\n    pass\n', '/elsewhere/x.ipynb': BROKEN_NOTEBOOK };
    const fs = new RecordingFileSystem(new MemoryFileSystem(files, '/'));
    assert.equal(await findEnclosingProject(fs, '/repo/notebooks', { home: '/root' }), '/repo', gitEntry);
    assert.ok(!fs.touched.some((t) => t.includes('/elsewhere')), 'climbing lists ancestors only');
    const engine = new Engine({ fs, workspaceRoot: '/repo', trusted: true, homeDir: '/root' });
    const scan = await engine.scan();
    assert.deepEqual(scan.projects.map((p) => [p.root, p.notebookPaths]), [['/repo', ['/repo/notebooks/eda.ipynb']]]);
    const codes = new Set((await engine.checkWorkspace()).map((f) => f.code));
    assert.ok(codes.has('MLH401') && codes.has('MLH203'), [...codes].join(' '));
  }
  // The editor opened a subfolder of the repository: that folder is inside a project, so it is one.
  const fs = new MemoryFileSystem({ '/repo/.git/HEAD': 'x', '/repo/notebooks/eda.ipynb': BROKEN_NOTEBOOK }, '/');
  const sub = await scanWorkspace(fs, '/repo/notebooks', { home: '/root' });
  assert.deepEqual(sub.projects.map((p) => p.root), ['/repo/notebooks']);
});

test('a monorepo: nested projects keep their files, the repository root takes the rest', async () => {
  const files = {
    '/mono/.git/HEAD': 'x',
    '/mono/notebooks/overview.ipynb': BROKEN_NOTEBOOK,
    '/mono/services/api/pyproject.toml': '[project]\nname = "api"\nversion = "1"\nrequires-python = ">=3.11"\ndependencies = []\n',
    '/mono/services/api/src/api/__init__.py': '',
    '/mono/services/api/docs/requirements.txt': 'sphinx==7.4.7\n',
    '/mono/services/train/requirements.txt': 'pandas==2.2.3\n',
    '/mono/services/train/explore.ipynb': BROKEN_NOTEBOOK,
    '/mono/pipelines/dvc.yaml': 'stages: {}\n',
  };
  const fs = new MemoryFileSystem(files, '/');
  const scan = await scanWorkspace(fs, '/mono', { home: '/root' });
  assert.deepEqual(scan.projects.map((p) => [p.root, p.notebookPaths, p.requirementsPaths, p.dvcYamlPaths]), [
    ['/mono', ['/mono/notebooks/overview.ipynb'], [], []],
    ['/mono/pipelines', [], [], ['/mono/pipelines/dvc.yaml']],
    ['/mono/services/api', [], ['/mono/services/api/docs/requirements.txt'], []],
    ['/mono/services/train', ['/mono/services/train/explore.ipynb'], ['/mono/services/train/requirements.txt'], []],
  ]);
  assert.deepEqual(scan.looseNotebooks, []);
  // Climbing from a file: the nearest pyproject.toml; else the git root (which holds the rest).
  assert.equal(await findEnclosingProject(fs, '/mono/services/api/src/api', { home: '/root' }), '/mono/services/api');
  assert.equal(await findEnclosingProject(fs, '/mono/services/train', { home: '/root' }), '/mono');
});

test('a marker folder inside another marker folder belongs to it, whatever the path order', async () => {
  // `app/requirements.txt` sorts before `requirements.txt`; the top folder still claims it.
  const fs = new MemoryFileSystem({ '/r/app/requirements.txt': 'flask==3.0.3\n', '/r/requirements.txt': 'pandas==2.2.3\n', '/r/app/serve.ipynb': BROKEN_NOTEBOOK }, '/');
  const scan = await scanWorkspace(fs, '/r', { home: '/root' });
  assert.deepEqual(scan.projects.map((p) => [p.root, p.requirementsPaths, p.notebookPaths]), [['/r', ['/r/app/requirements.txt', '/r/requirements.txt'], ['/r/app/serve.ipynb']]]);
});

test('discovery never climbs above a git root or the home folder', async () => {
  const fs = new RecordingFileSystem(new MemoryFileSystem({
    '/work/pyproject.toml': '[project]\nname = "outer"\n',
    '/work/repo/.git/HEAD': 'x',
    '/work/repo/sub/x.ipynb': BROKEN_NOTEBOOK,
    '/home/pyproject.toml': '[project]\nname = "above-home"\n',
    '/home/ada/.git/HEAD': 'ref: refs/heads/main\n',
    '/home/ada/requirements.txt': 'requests\n',
    '/home/ada/Downloads/y.ipynb': BROKEN_NOTEBOOK,
  }, '/'));
  assert.equal(await findEnclosingProject(fs, '/work/repo/sub', { home: '/home/ada' }), '/work/repo');
  assert.ok(!fs.touched.includes('readDirectory /work'), 'stopped at the git root');
  // A dotfiles repository and a stray requirements.txt in the home folder do not make it a project.
  assert.equal(await findEnclosingProject(fs, '/home/ada/Downloads', { home: '/home/ada' }), undefined);
  assert.ok(!fs.touched.includes('readDirectory /home'), 'stopped at the home folder');
  // The home folder opened as a workspace is walked as asked; nothing above it is asked.
  const scan = await scanWorkspace(fs, '/home/ada/Downloads', { home: '/home/ada' });
  assert.deepEqual(scan.projects, [], 'a folder below home is not a project because of home\'s .git');
  assert.deepEqual(scan.looseNotebooks, ['/home/ada/Downloads/y.ipynb']);
});

// ---------- the language server and the CLI, as the user ran them ----------

test('the language server checks a file opened outside every workspace folder with its project, or alone', async () => {
  const temp = mkdtempSync(path.join(tmpdir(), 'mlh-boundaries-server-'));
  const state = new WorkspaceState({} as Connection, {} as TextDocuments<TextDocument>, true, false);
  try {
    mkdirSync(path.join(temp, 'ws'));
    mkdirSync(path.join(temp, 'repo', '.git'), { recursive: true });
    mkdirSync(path.join(temp, 'repo', 'notebooks'));
    state.setFolders([`file://${temp}/ws`]);
    const loose = await state.engineFor(`${temp}/bin.ipynb`);
    assert.deepEqual(loose.options.onlyFiles, [`${temp}/bin.ipynb`], 'alone: its folder is not walked');
    const inRepo = await state.engineFor(`${temp}/repo/notebooks/eda.ipynb`);
    assert.equal(inRepo.options.workspaceRoot, `${temp}/repo`);
    assert.equal(inRepo.options.onlyFiles, undefined);
    assert.equal((await state.engineFor(`${temp}/ws/x.ipynb`)).options.workspaceRoot, `${temp}/ws`);
  } finally {
    await state.hashPool.dispose();
    rmSync(temp, { recursive: true, force: true });
  }
});


const CLI = path.resolve(__dirname, '../../../dist/cli.js');

test('CLI: `ml-hygiene check bin.ipynb` in a folder of unrelated tools reports the notebook\'s own problems only', { skip: !existsSync(CLI) && 'run npm run build first' }, () => {
  const temp = mkdtempSync(path.join(tmpdir(), 'mlh-boundaries-'));
  try {
    writeFileSync(path.join(temp, 'bin.ipynb'), BROKEN_NOTEBOOK);
    for (const [rel, text] of Object.entries({ 'pkg-oracle-9f/src/packaging/__init__.py': 'X = 1\n', 'pkg-oracle-9f/src/packaging/tags.py': 'import sys\n', 'other/scratch.ipynb': BROKEN_NOTEBOOK })) {
      mkdirSync(path.dirname(path.join(temp, rel)), { recursive: true });
      writeFileSync(path.join(temp, rel), text);
    }
    // HOME is the temp folder: the climb stops there whatever the machine's / holds.
    const r = spawnSync(process.execPath, [CLI, 'check', '--format', 'json', '--fail-on', 'never', 'bin.ipynb'], { cwd: temp, encoding: 'utf8', env: { ...process.env, HOME: temp, XDG_CACHE_HOME: path.join(temp, '.cache') } });
    assert.equal(r.status, 0, r.stderr);
    const diagnostics = (JSON.parse(r.stdout) as { diagnostics: Array<{ file: string; code: string; message: string }> }).diagnostics;
    const codes = [...new Set(diagnostics.map((d) => d.code))].sort();
    assert.deepEqual(codes.filter((c) => !c.startsWith('MLH2')), [], JSON.stringify(diagnostics));
    assert.ok(codes.includes('MLH203'), codes.join(' '));
    assert.deepEqual([...new Set(diagnostics.map((d) => d.file))], ['bin.ipynb']);
    assert.ok(!r.stdout.includes('pkg-oracle'));
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
});

test('CLI: checking a subfolder of a project gives the project\'s findings under it, not a project made of the subfolder', { skip: !existsSync(CLI) && 'run npm run build first' }, () => {
  const example = path.resolve(__dirname, '../../../examples/churn-model');
  const cache = mkdtempSync(path.join(tmpdir(), 'mlh-boundaries-cache-'));
  after(() => rmSync(cache, { recursive: true, force: true }));
  const json = (target: string) => {
    const r = spawnSync(process.execPath, [CLI, 'check', '--format', 'json', '--fail-on', 'never', target], { cwd: example, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: cache } });
    assert.equal(r.status, 0, r.stderr);
    return (JSON.parse(r.stdout) as { diagnostics: Array<{ file: string; code: string; cell: number | null; range: unknown }> }).diagnostics.map((d) => `${d.file} ${d.cell} ${d.code} ${JSON.stringify(d.range)}`);
  };
  const whole = json('.').filter((d) => d.startsWith('notebooks/'));
  const sub = json('notebooks');
  assert.ok(whole.length > 0);
  assert.deepEqual(sub, whole);
  assert.ok(!sub.some((d) => / MLH40[1237] /.test(d)), 'no MLH401/402/403/407 for notebooks/ as if it were a project');
});

test('CLI: a folder the user names is checked even inside a folder the walk skips (a hidden folder of a git repository), as Ruff checks a path it is given', { skip: !existsSync(CLI) && 'run npm run build first' }, () => {
  const repo = mkdtempSync(path.join(tmpdir(), 'mlh-boundaries-hidden-'));
  try {
    mkdirSync(path.join(repo, '.git'));
    writeFileSync(path.join(repo, 'README.md'), '# tools\n');
    // Generated projects under a hidden folder (bench/.generated/, .tox/, ...): the repository's
    // own walk skips it, but `check` of the folder itself must not come back empty.
    const project = path.join(repo, 'bench', '.generated', 'team-0');
    mkdirSync(project, { recursive: true });
    writeFileSync(path.join(project, 'pyproject.toml'), '[project]\nname = "team-0"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = ["pandas"]\n');
    writeFileSync(path.join(project, 'explore.ipynb'), BROKEN_NOTEBOOK);
    const run = (target: string) => {
      const r = spawnSync(process.execPath, [CLI, 'check', '--format', 'json', '--fail-on', 'never', target], { cwd: repo, encoding: 'utf8', env: { ...process.env, HOME: tmpdir(), XDG_CACHE_HOME: path.join(repo, '.cache') } });
      assert.equal(r.status, 0, r.stderr);
      return (JSON.parse(r.stdout) as { diagnostics: Array<{ file: string; code: string }> }).diagnostics.map((d) => `${d.file} ${d.code}`);
    };
    const named = run('bench/.generated');
    assert.ok(named.includes('bench/.generated/team-0/pyproject.toml MLH101'), named.join('\n'));
    assert.ok(named.includes('bench/.generated/team-0/explore.ipynb MLH203'), named.join('\n'));
    // The repository's own check still skips the hidden folder.
    assert.ok(!run('.').some((d) => d.includes('.generated')));
  } finally {
    rmSync(repo, { recursive: true, force: true });
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Finding } from '../../../src/core/diagnostics';
import { applyTextEdits } from '../../../src/core/fixes/applyEdits';
import { MemoryFileSystem } from '../../../src/core/fs/memoryFileSystem';
import { checkFixture, checkWorkspace } from '../readiness/workspace';

const PROJECT = '[project]\nname = "churn"\nversion = "1.2.0"\nrequires-python = ">=3.11"\ndependencies = []\n';
const SETUPTOOLS = '[build-system]\nrequires = ["setuptools>=70"]\nbuild-backend = "setuptools.build_meta"\n\n';
const PKG = { 'src/churn/__init__.py': '' };

async function findingsOf(files: Record<string, string>, code: string, root = '/w'): Promise<Finding[]> {
  const { findings } = await checkWorkspace(new MemoryFileSystem(files, root), root);
  return findings.filter((f) => f.code === code);
}

const at = (f: Finding) => `${f.path.slice(3)}:${f.range.start.line}:${f.range.start.character}-${f.range.end.line}:${f.range.end.character}`;

function applyFix(f: Finding, text: string): string {
  const op = f.fixes![0]!.edit!.operations[0]!;
  assert.ok(op.kind === 'edit');
  return applyTextEdits(text, op.edits);
}

test('the feature-library fixture: each packaging and type-safety gap it has is reported once, where it is', async () => {
  const { findings } = await checkFixture('feature-library');
  const mine = findings.filter((f) => f.code >= 'MLH409' && f.code.startsWith('MLH4')).map((f) => `${f.code} ${f.path.replace('/ws/feature-library/', '')}:${f.range.start.line}`);
  assert.deepEqual(mine.sort(), [
    'MLH409 pyproject.toml:23',
    'MLH410 pyproject.toml:22',
    'MLH411 src/churn_features/__init__.py:0',
    'MLH413 pyproject.toml:3',
    'MLH414 pyproject.toml:8',
  ]);
});

test('MLH412: a package without [build-system] is reported on [project]; the fix appends the setuptools table pip would assume', async () => {
  const text = '# churn\n[project]\nname = "churn"\nversion = "1.2.0"\nlicense = "MIT"\n';
  const [f, ...rest] = await findingsOf({ 'pyproject.toml': text, ...PKG }, 'MLH412');
  assert.equal(rest.length, 0);
  assert.equal(at(f!), 'pyproject.toml:1:0-1:9');
  assert.equal(applyFix(f!, text), text + '\n[build-system]\nrequires = ["setuptools>=77"]\nbuild-backend = "setuptools.build_meta"\n');
  // A Poetry project gets poetry-core, after a file that ends without a line break.
  const poetry = '[tool.poetry]\nname = "churn"\nversion = "1.2.0"\n\n[tool.poetry.dependencies]\npython = "^3.11"';
  const [p] = await findingsOf({ 'pyproject.toml': poetry, ...PKG }, 'MLH412');
  assert.equal(at(p!), 'pyproject.toml:0:0-0:13');
  assert.equal(applyFix(p!, poetry), poetry + '\n\n[build-system]\nrequires = ["poetry-core>=1.0.0"]\nbuild-backend = "poetry.core.masonry.api"\n');
  // Not packages: scripts only, an explicitly virtual uv project, a setup.py build, a project with [build-system].
  assert.deepEqual(await findingsOf({ 'pyproject.toml': PROJECT, 'train.py': 'print(1)\n' }, 'MLH412'), []);
  assert.deepEqual(await findingsOf({ 'pyproject.toml': PROJECT + '\n[tool.uv]\npackage = false\n', ...PKG }, 'MLH412'), []);
  assert.deepEqual(await findingsOf({ 'pyproject.toml': PROJECT + '\n[tool.pdm]\ndistribution = false\n', ...PKG }, 'MLH412'), []);
  assert.deepEqual(await findingsOf({ 'pyproject.toml': PROJECT, 'setup.py': 'from setuptools import setup\nsetup()\n', ...PKG }, 'MLH412'), []);
  assert.deepEqual(await findingsOf({ 'pyproject.toml': SETUPTOOLS + PROJECT, ...PKG }, 'MLH412'), []);
});

test('MLH413: setuptools without a lower bound of 61 ([project]) or 77 (PEP 639 license); poetry-core < 2 with [project]-only metadata', async () => {
  const bare = '[build-system]\nrequires = ["setuptools", "wheel"]\nbuild-backend = "setuptools.build_meta"\n\n' + PROJECT;
  const [f, ...rest] = await findingsOf({ 'pyproject.toml': bare }, 'MLH413');
  assert.equal(rest.length, 0);
  assert.equal(at(f!), 'pyproject.toml:1:13-1:23');
  assert.match(f!.message, /`setuptools` admits setuptools older than 61/);
  assert.equal(applyFix(f!, bare), bare.replace('"setuptools"', '"setuptools>=61"'));
  // Specifiers that still admit 60.x are reported without a fix; bounds at or above the need are fine.
  const [loose] = await findingsOf({ 'pyproject.toml': bare.replace('"setuptools"', '"setuptools>=40.8.0,<80"') }, 'MLH413');
  assert.equal(loose!.fixes, undefined);
  assert.deepEqual(await findingsOf({ 'pyproject.toml': bare.replace('"setuptools"', '"setuptools>=64"') }, 'MLH413'), []);
  const [pep639] = await findingsOf({ 'pyproject.toml': bare.replace('"setuptools"', '"setuptools>=64"') + 'license = "MIT"\n' }, 'MLH413');
  assert.match(pep639!.message, /older than 77, and a PEP 639 license expression needs setuptools 77/);
  const poetry = '[build-system]\nrequires = ["poetry-core>=1.0.0"]\nbuild-backend = "poetry.core.masonry.api"\n\n';
  assert.equal((await findingsOf({ 'pyproject.toml': poetry + PROJECT }, 'MLH413')).length, 1);
  const flit = '[build-system]\nrequires = ["flit_core >=3.0,<4"]\nbuild-backend = "flit_core.buildapi"\n\n';
  assert.match((await findingsOf({ 'pyproject.toml': flit + PROJECT }, 'MLH413'))[0]!.message, /admits flit_core older than 3\.2/);
  assert.deepEqual(await findingsOf({ 'pyproject.toml': flit.replace('>=3.0', '>=3.2') + PROJECT }, 'MLH413'), []);
  // Metadata in [tool.poetry] builds with poetry-core 1.x: not reported.
  assert.deepEqual(await findingsOf({ 'pyproject.toml': poetry + '[tool.poetry]\nname = "churn"\nversion = "1.2.0"\n' }, 'MLH413'), []);
  // Without [project] metadata old setuptools is fine (setup.cfg era).
  assert.deepEqual(await findingsOf({ 'pyproject.toml': '[build-system]\nrequires = ["setuptools"]\n', 'setup.cfg': '[metadata]\nname = churn\n' }, 'MLH413'), []);
});

test('MLH414: a dynamic version the backend has no source for, on the "version" element; VCS plugins and version tables are sources', async () => {
  const project = '[project]\nname = "churn"\ndynamic = ["readme", "version"]\n';
  const hatch = '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n\n' + project;
  const [f, ...rest] = await findingsOf({ 'pyproject.toml': hatch }, 'MLH414');
  assert.equal(rest.length, 0);
  assert.equal(at(f!), 'pyproject.toml:6:21-6:30');
  assert.match(f!.message, /hatchling needs a `\[tool\.hatch\.version\]` table/);
  const sources: string[] = [
    hatch + '\n[tool.hatch.version]\npath = "src/churn/__init__.py"\n',
    hatch.replace('["hatchling"]', '["hatchling", "hatch-vcs"]') + '\n[tool.hatch.version]\nsource = "vcs"\n',
    SETUPTOOLS.replace('"setuptools>=70"', '"setuptools>=70", "setuptools-scm>=8"') + project,
    SETUPTOOLS + project + '\n[tool.setuptools.dynamic]\nversion = { attr = "churn.__version__" }\n',
    '[build-system]\nrequires = ["pdm-backend"]\nbuild-backend = "pdm.backend"\n\n' + project + '\n[tool.pdm.version]\nsource = "scm"\n',
    '[build-system]\nrequires = ["flit_core>=3.4"]\nbuild-backend = "flit_core.buildapi"\n\n' + project,
  ];
  for (const text of sources) assert.deepEqual(await findingsOf({ 'pyproject.toml': text }, 'MLH414'), [], text);
  assert.match((await findingsOf({ 'pyproject.toml': SETUPTOOLS + project }, 'MLH414'))[0]!.message, /builds version 0\.0\.0/);
  assert.deepEqual(await findingsOf({ 'pyproject.toml': SETUPTOOLS + project, 'setup.cfg': '[metadata]\nversion = attr: churn.__version__\n' }, 'MLH414'), []);
});

test('MLH415: a static version while git has release tags (loose refs and packed-refs, never running git)', async () => {
  const files = {
    'pyproject.toml': SETUPTOOLS + PROJECT,
    '.git/HEAD': 'ref: refs/heads/main\n',
    '.git/refs/tags/v1.1.0': 'a'.repeat(40) + '\n',
    '.git/packed-refs': `# pack-refs with: peeled fully-peeled sorted\n${'b'.repeat(40)} refs/tags/v1.0.0\n^${'c'.repeat(40)}\n${'d'.repeat(40)} refs/tags/nightly\n`,
  };
  const [f, ...rest] = await findingsOf(files, 'MLH415');
  assert.equal(rest.length, 0);
  assert.equal(at(f!), 'pyproject.toml:6:0-6:17');
  assert.equal(f!.severity, 'information');
  assert.match(f!.message, /^`version = "1\.2\.0"` is maintained by hand while releases are tagged in git \(`v1\.1\.0`, `v1\.0\.0`\)/);
  // Tags that are not releases of this project, a release tool that writes the version, or a VCS plugin: not reported.
  const notReleases = { ...files, '.git/refs/tags/v1.1.0': undefined, '.git/packed-refs': `${'d'.repeat(40)} refs/tags/nightly\n${'e'.repeat(40)} refs/tags/other-lib-2.0.0\n` };
  assert.deepEqual(await findingsOf(JSON.parse(JSON.stringify(notReleases)), 'MLH415'), []);
  assert.deepEqual(await findingsOf({ ...files, 'pyproject.toml': files['pyproject.toml'] + '\n[tool.bumpversion]\ncurrent_version = "1.2.0"\n' }, 'MLH415'), []);
  // A monorepo tags each project by name: churn-2.0.0 counts for churn.
  const mono = { 'pkgs/churn/pyproject.toml': SETUPTOOLS + PROJECT, '.git/HEAD': 'ref: refs/heads/main\n', '.git/refs/tags/churn-2.0.0': 'a'.repeat(40) };
  assert.equal((await findingsOf(mono, 'MLH415')).length, 1);
  // A git worktree: `.git` is a file, and the tags live in the common dir.
  const worktree = {
    'repo/.git/refs/tags/v3.0.0': 'a'.repeat(40),
    'repo/.git/worktrees/wt/commondir': '../..\n',
    'wt/.git': 'gitdir: /w/repo/.git/worktrees/wt\n',
    'wt/pyproject.toml': SETUPTOOLS + PROJECT,
  };
  const [w] = await findingsOf(worktree, 'MLH415', '/w');
  assert.match(w?.message ?? '', /`v3\.0\.0`/);
});

test('readiness: the packaging check fails on a packaging finding, and does not apply without a pyproject.toml', async () => {
  const checkOf = async (files: Record<string, string>) => {
    const { reports } = await checkWorkspace(new MemoryFileSystem(files, '/w'), '/w');
    return reports[0]!.pillars.flatMap((p) => p.checks).find((c) => c.id === 'packaging')!;
  };
  const missing = await checkOf({ 'pyproject.toml': PROJECT, ...PKG });
  assert.equal(missing.passed, false);
  assert.equal(missing.code, 'MLH412');
  assert.equal((await checkOf({ 'pyproject.toml': SETUPTOOLS + PROJECT, ...PKG })).passed, true);
  const none = await checkOf({ 'requirements.txt': 'pandas==2.2.3\n', 'train.py': 'import pandas\n' });
  assert.equal(none.applicable, false);
});

test('MLH416: package modules with a main and no console scripts, on the def; one fix adds every entry after [project]', async () => {
  const pyproject = SETUPTOOLS + PROJECT.replace('dependencies = []', 'dependencies = []  # pinned in uv.lock') + '\n[tool.pytest.ini_options]\ntestpaths = ["tests"]\n';
  const train = 'import argparse\n\n\n@click.command()\ndef main() -> None:\n    ...\n\n\nif __name__ == "__main__":\n    main()\n';
  const files = {
    'pyproject.toml': pyproject,
    'src/churn/__init__.py': '',
    'src/churn/train.py': train,
    'src/churn/serving/__init__.py': '',
    'src/churn/serving/predict.py': 'def main():\n    pass\n',
    // Not entry points: no main, a nested main, a module not named like one, a script outside the package.
    'src/churn/evaluate.py': 'def run() -> None: ...\n',
    'src/churn/score.py': 'class Scorer:\n    def main(self) -> None: ...\n',
    'src/churn/features.py': 'def main() -> None: ...\n',
    'scripts/train.py': 'def main() -> None: ...\n',
  };
  const found = await findingsOf(files, 'MLH416');
  assert.deepEqual(found.map(at), ['src/churn/serving/predict.py:0:4-0:8', 'src/churn/train.py:4:4-4:8']);
  assert.match(found[1]!.message, /`churn\.train` has a `main` but the project declares no console scripts: add `\[project\.scripts\]` \(churn-train = "churn\.train:main"\)/);
  assert.equal(found[0]!.fixes![0]!.title, 'Add [project.scripts] (churn-predict, churn-train)');
  assert.equal(
    applyFix(found[0]!, pyproject),
    pyproject.replace('# pinned in uv.lock\n', '# pinned in uv.lock\n\n[project.scripts]\nchurn-predict = "churn.serving.predict:main"\nchurn-train = "churn.train:main"\n'),
  );
  // Declared scripts anywhere silence it.
  assert.deepEqual(await findingsOf({ ...files, 'pyproject.toml': pyproject + '\n[project.scripts]\nchurn = "churn.cli:app"\n' }, 'MLH416'), []);
  assert.deepEqual(await findingsOf({ ...files, 'setup.cfg': '[options.entry_points]\nconsole_scripts =\n    churn = churn.cli:main\n' }, 'MLH416'), []);
  // [project] as the last table of a file without a final line break: the table ends the file with one.
  const last = SETUPTOOLS + '[project]\nname = "churn"\nversion = "1.0"';
  const [f] = await findingsOf({ 'pyproject.toml': last, 'src/churn/__init__.py': '', 'src/churn/cli.py': 'def main(): ...\n' }, 'MLH416');
  assert.equal(applyFix(f!, last), last + '\n\n[project.scripts]\nchurn = "churn.cli:main"\n');
});

test('MLH416: an invalid project name does not become a command name (the fix stays valid TOML)', async () => {
  const pyproject = '[project]\nname = "churn model!"\nversion = "1.0"\n';
  const [f] = await findingsOf({ 'pyproject.toml': pyproject, 'src/churn/__init__.py': '', 'src/churn/train.py': 'def main(): ...\n' }, 'MLH416');
  assert.equal(applyFix(f!, pyproject), pyproject.replace('"1.0"', '"1.0"\n\n[project.scripts]\nchurn-train = "churn.train:main"'));
});

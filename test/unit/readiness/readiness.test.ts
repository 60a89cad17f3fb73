import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { DvcHasher } from '../../../src/core/dvc/hashing';
import { Engine } from '../../../src/core/engine';
import { parseDvcLock } from '../../../src/core/dvc/dvcLock';
import { readTextFile } from '../../../src/core/fs/fileSystem';
import { MemoryFileSystem } from '../../../src/core/fs/memoryFileSystem';
import { computeReadiness, formatReadinessText, toReadinessJson, type ReadinessReport } from '../../../src/core/readiness';
import { checkFixture, checkWorkspace, failing, loadIntoMemory, FIXTURE_PROJECTS, REPO_ROOT } from './workspace';

function onlyReport(reports: ReadinessReport[]): ReadinessReport {
  assert.equal(reports.length, 1, `expected one project, got ${reports.map((r) => r.projectRoot).join(', ')}`);
  return reports[0]!;
}

function check(report: ReadinessReport, id: string) {
  const found = report.pillars.flatMap((p) => p.checks).find((c) => c.id === id);
  assert.ok(found, `no check ${id}`);
  return found;
}

test('the messy demo project in examples/ scores low', async () => {
  const { reports } = await checkFixture('churn-model', path.join(REPO_ROOT, 'examples/churn-model'));
  const report = onlyReport(reports);
  assert.ok(report.score <= 30, `churn-model scored ${report.score}; failing:\n${failing(report).join('\n')}`);
  // Its known problems are what make it low, not an absence of checks.
  // It has a dvc.yaml, so data is "versioned", but its data/ folder holds files neither DVC nor git ignores.
  for (const id of ['pinned-dependencies', 'fresh-lockfile', 'valid-declarations', 'MLH401', 'MLH405']) assert.equal(check(report, id).passed, false, id);
});

test('a project laid out as the literature recommends scores at least 85', async () => {
  const { reports, findings } = await checkFixture('well-structured');
  const report = onlyReport(reports);
  assert.ok(report.score >= 85, `well-structured scored ${report.score}; failing:\n${failing(report).join('\n')}\nfindings:\n${findings.map((f) => `${f.code} ${f.path}: ${f.message}`).join('\n')}`);
  // Every pillar applies to it: the score is not high because checks were skipped.
  for (const pillar of report.pillars) assert.notEqual(pillar.score, null, `${pillar.name} should apply`);
  assert.equal(check(report, 'typed-package').passed, true);
  assert.equal(check(report, 'data-versioned').passed, true);
});

test('a bare folder with an out-of-order notebook and an open-ended requirement scores at most 35', async () => {
  const { reports } = await checkFixture('bare-notebook');
  const report = onlyReport(reports);
  assert.ok(report.score <= 35, `bare-notebook scored ${report.score}; failing:\n${failing(report).join('\n')}`);
  assert.equal(check(report, 'pinned-dependencies').passed, false);
  assert.equal(check(report, 'python-version').passed, false, 'nothing declares a Python version');
  assert.equal(check(report, 'MLH403').passed, false);
});

test('the well-structured fixture has a dvc.lock that the DVC engine agrees with', async () => {
  // "Up to date" must be true of the fixture itself, not only of what the rules happen to check today.
  const root = '/ws/well-structured';
  const fs = loadIntoMemory(path.join(FIXTURE_PROJECTS, 'well-structured'), root);
  const lockText = await readTextFile(fs, `${root}/dvc.lock`);
  assert.ok(lockText.ok);
  const lock = parseDvcLock(`${root}/dvc.lock`, lockText.text);
  assert.deepEqual(lock.problems, []);
  assert.deepEqual([...lock.stages.keys()].sort(), ['prepare', 'train']);
  const hasher = new DvcHasher(fs, { workspaceRoot: root });
  let compared = 0;
  for (const stage of lock.stages.values()) {
    for (const entry of [...stage.deps, ...stage.outs]) {
      const outcome = await hasher.hashPath(`${root}/${entry.path}`, entry.algorithm);
      assert.equal(outcome.kind, 'file', `${stage.name}: ${entry.path}`);
      if (outcome.kind !== 'file') continue;
      assert.equal(outcome.md5, entry.md5, `${stage.name}: md5 of ${entry.path}`);
      assert.equal(outcome.size, entry.size, `${stage.name}: size of ${entry.path}`);
      compared++;
    }
  }
  assert.equal(compared, 11); // prepare: 4 deps + 1 out; train: 4 deps + model + metrics
});

test('checks that do not apply do not count, and a pillar without any applicable check drops out', async () => {
  const fs = new MemoryFileSystem({
    'pyproject.toml': '[project]\nname = "x"\nversion = "1.0"\nrequires-python = ">=3.11"\ndependencies = []\n\n[tool.mypy]\nstrict = true\n',
    '.python-version': '3.12\n',
  }, '/p');
  const { reports } = await checkWorkspace(fs, '/p');
  const report = onlyReport(reports);
  const notebooks = report.pillars.find((p) => p.name === 'notebooks')!;
  assert.equal(notebooks.score, null);
  assert.ok(notebooks.checks.every((c) => !c.applicable && c.passed));
  assert.equal(check(report, 'MLH402').applicable, false, 'no code: "no tests" does not apply');
  assert.equal(check(report, 'MLH401').passed, true);
});

test('a failing check points at the first finding that failed it, and findings of other projects do not count', async () => {
  const fs = new MemoryFileSystem({
    'a/pyproject.toml': '[project]\nname = "a"\nversion = "1.0"\nrequires-python = ">=3.11"\ndependencies = ["pandas"]\n',
    'b/pyproject.toml': '[project]\nname = "b"\nversion = "1.0"\nrequires-python = ">=3.11"\ndependencies = []\n',
  }, '/w');
  const { reports, scan, findings } = await checkWorkspace(fs, '/w');
  const [a, b] = reports;
  const pinnedA = check(a!, 'pinned-dependencies');
  assert.equal(pinnedA.passed, false);
  assert.equal(pinnedA.file, '/w/a/pyproject.toml');
  assert.equal(pinnedA.code, 'MLH101');
  assert.equal(pinnedA.range?.start.line, 4);
  assert.equal(check(b!, 'pinned-dependencies').passed, true);
  // The same report comes from the findings list alone: the score is a function of (project, findings, scan).
  assert.deepEqual(computeReadiness(scan.projects[1]!, findings, scan), b);
});

test('the JSON shape: version, every project, and the first project\'s score and pillars at the top', async () => {
  const { reports } = await checkFixture('bare-notebook');
  const json = toReadinessJson(reports, '/ws');
  assert.equal(json.version, 1);
  assert.equal(json.projects.length, 1);
  assert.equal(json.projects[0]!.root, 'bare-notebook');
  assert.equal(json.score, reports[0]!.score);
  assert.deepEqual(json.pillars.map((p) => p.name), ['dependencies', 'types', 'structure', 'data', 'notebooks']);
  const pinned = json.pillars[0]!.checks.find((c) => c.id === 'pinned-dependencies')!;
  assert.equal(pinned.passed, false);
  assert.equal(pinned.file, 'bare-notebook/requirements.txt');
  assert.equal(typeof pinned.message, 'string');
  // Plain JSON: it survives a round trip unchanged.
  assert.deepEqual(JSON.parse(JSON.stringify(json)), json);
});

test('the text report lists the score and the failing checks with their files', async () => {
  const { reports } = await checkFixture('bare-notebook');
  const text = formatReadinessText(reports, '/ws');
  assert.match(text, new RegExp(`^Readiness ${reports[0]!.score}/100  bare-notebook`));
  assert.match(text, /✗ pinned-dependencies +`pandas>=2\.0`.*\(bare-notebook\/requirements\.txt:1\)/);
  assert.doesNotMatch(text, /\u001b\[/, 'no colour unless asked');
});

test('a check whose rules the project turns off is not counted, neither as failed nor as passed', async () => {
  const files = {
    'pyproject.toml': '[project]\nname = "x"\nversion = "1"\nrequires-python = ">=3.11"\ndependencies = ["pandas==2.2.3"]\n',
    '.python-version': '3.11\n',
    'src/x/__init__.py': '',
  };
  const fs = new MemoryFileSystem(files, '/ws');
  const before = onlyReport(await new Engine({ fs, workspaceRoot: '/ws', trusted: false }).readiness());
  assert.equal(check(before, 'MLH401').applicable, true);
  assert.equal(check(before, 'MLH401').passed, false, 'no type checker configured');
  const off = new MemoryFileSystem({ ...files, 'pyproject.toml': files['pyproject.toml'] + '\n[tool.ml-hygiene]\nignore = ["MLH401"]\n' }, '/ws');
  const after = onlyReport(await new Engine({ fs: off, workspaceRoot: '/ws', trusted: false }).readiness());
  const mlh401 = check(after, 'MLH401');
  assert.equal(mlh401.applicable, false);
  assert.match(mlh401.message, /turned off in the configuration/);
  // It no longer weighs on the types pillar: the pillar is decided by its other checks alone.
  const types = after.pillars.find((p) => p.name === 'types')!;
  assert.ok(types.checks.filter((c) => c.applicable).every((c) => c.id !== 'MLH401'));
});

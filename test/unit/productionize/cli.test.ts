/**
 * `ml-hygiene productionize` as a reviewable command: `--diff` shows the whole change as a git-style
 * unified diff and writes nothing; the CI workflow, ticked in the editor's preview, is written unless
 * `--no-ci`; the README section, opt-in there (it starts unticked), only with `--with-readme`. Fixture: a small sensor-calibration lab that
 * already has a pyproject.toml (so the run edits it) and a notebook whose helpers move to a package.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { main } from '../../../src/cli/cli';
import { runProductionize } from '../../../src/cli/productionize';

const PYPROJECT = `[project]
name = "sensor-lab"
version = "0.1.0"
# numpy stays at the version the lab's cluster has
dependencies = [
    "numpy==1.26.4",
]

[tool.pytest.ini_options]
testpaths = ["tests"]
`;

function notebook(): string {
  const md = (source: string[]) => ({ cell_type: 'markdown', metadata: {}, source });
  const code = (source: string[], outputs: unknown[] = []) => ({ cell_type: 'code', execution_count: 1, metadata: {}, outputs, source });
  const shown = (text: string) => [{ output_type: 'execute_result', execution_count: 1, metadata: {}, data: { 'text/plain': [text] } }];
  return (
    JSON.stringify(
      {
        cells: [
          md(['# Sensor calibration\n', '\n', 'Raw readings from the lab bench, calibrated and smoothed.']),
          code(['import numpy as np\n', 'from scipy import signal']),
          md(['## Helpers']),
          code(['def calibrate(raw, offset=0.5):\n', '    """Remove the bench sensor\'s constant offset."""\n', '    return np.asarray(raw) - offset']),
          code(['def to_celsius(fahrenheit):\n', '    return (fahrenheit - 32) * 5 / 9']),
          code(['to_celsius(212)'], shown('100.0')),
          md(['## Smoothing']),
          code(['readings = calibrate([20.5, 21.0, 35.0, 21.5, 22.0])\n', 'smoothed = signal.medfilt(readings, 3)\n', 'print(smoothed)']),
        ],
        metadata: { kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' } },
        nbformat: 4,
        nbformat_minor: 5,
      },
      null,
      1,
    ) + '\n'
  );
}

const scratch = mkdtempSync(path.join(tmpdir(), 'mlh-productionize-cli-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** A fresh copy of the lab, in its own folder so two copies can share the name `sensor-lab` (the package name follows it). */
function lab(): { dir: string; nb: string } {
  const dir = path.join(mkdtempSync(path.join(scratch, 'c-')), 'sensor-lab');
  mkdirSync(dir);
  writeFileSync(path.join(dir, 'pyproject.toml'), PYPROJECT);
  writeFileSync(path.join(dir, 'README.md'), '# Sensor lab\n\nCalibration of the bench sensors.\n');
  writeFileSync(path.join(dir, 'calibration.ipynb'), notebook());
  return { dir, nb: path.join(dir, 'calibration.ipynb') };
}

/** Every file under `dir`, relative path → bytes. */
function snapshot(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else files.set(path.relative(dir, p), readFileSync(p));
    }
  };
  walk(dir);
  return files;
}

/** Runs the command from `cwd` (paths in its output are relative to the working directory). */
async function run(cwd: string, nb: string, ...flags: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const previous = process.cwd();
  process.chdir(cwd);
  try {
    const code = await runProductionize({ positionals: [nb], flags: new Map(flags.map((f) => [f, true as const])) }, (s) => out.push(s), (s) => err.push(s));
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    process.chdir(previous);
  }
}

const WORKFLOW = '.github/workflows/tests.yml';

describe('ml-hygiene productionize: --diff, --no-ci and --with-readme', () => {
  test('--diff writes nothing, exits 0, and prints each created file in full and a hunk for the edited pyproject.toml', async () => {
    const { dir, nb } = lab();
    const before = snapshot(dir);
    const r = await run(dir, nb, '--diff');
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(snapshot(dir), before, 'no file is created or changed');

    // A created module: its whole text, every line added, against /dev/null.
    const helpers = /^diff --git a\/src\/sensor_lab\/helpers\.py b\/src\/sensor_lab\/helpers\.py\nnew file mode 100644\n--- \/dev\/null\n\+\+\+ b\/src\/sensor_lab\/helpers\.py\n@@ -0,0 \+1,(\d+) @@\n((?:\+.*\n?)+)/m.exec(r.out);
    assert.ok(helpers, `the helpers module is shown as created:\n${r.out}`);
    const added = helpers[2]!.trimEnd().split('\n');
    assert.equal(added.length, Number(helpers[1]), 'the hunk header counts the lines it adds');
    const moduleText = added.map((l) => l.slice(1)).join('\n');
    assert.match(moduleText, /^import numpy as np$/m);
    assert.match(moduleText, /^def calibrate\(raw, offset=0\.5\):\n    """Remove the bench sensor's constant offset\."""\n    return np\.asarray\(raw\) - offset$/m);
    assert.match(moduleText, /^def to_celsius\(fahrenheit\):\n    return \(fahrenheit - 32\) \* 5 \/ 9$/m);
    // The generated test pins the value the notebook showed.
    assert.match(r.out, /^\+\+\+ b\/tests\/test_helpers\.py\n[^]*?^\+        self\.assertEqual\(to_celsius\(212\), 100\.0\)$/m);

    // The edited pyproject.toml: a hunk with context, scipy added after numpy, the comment kept.
    const pyproject = /^diff --git a\/pyproject\.toml b\/pyproject\.toml\n--- a\/pyproject\.toml\n\+\+\+ b\/pyproject\.toml\n(@@ -(\d+),(\d+) \+(\d+),(\d+) @@\n(?:[ +-].*\n?)+)/m.exec(r.out);
    assert.ok(pyproject, `pyproject.toml is shown as edited:\n${r.out}`);
    const hunkLines = pyproject[1]!.trimEnd().split('\n').slice(1);
    assert.deepEqual(
      hunkLines.filter((l) => l[0] !== ' '),
      ['+    "scipy",'],
      'the only change is the missing dependency',
    );
    assert.ok(hunkLines.includes('     "numpy==1.26.4",'), 'context around the change');
    const [oldStart, oldLines, newStart, newLines] = pyproject.slice(2, 6).map(Number);
    assert.equal(oldLines, hunkLines.filter((l) => l[0] !== '+').length);
    assert.equal(newLines, hunkLines.filter((l) => l[0] !== '-').length);
    assert.equal(oldStart, newStart);
    assert.deepEqual(PYPROJECT.split('\n').slice(oldStart! - 1, oldStart! - 1 + oldLines!), hunkLines.filter((l) => l[0] !== '+').map((l) => l.slice(1)), 'the hunk sits where the file has those lines');

    // The notebook: its JSON text, the definition cell now importing from the package.
    assert.match(r.out, /^--- a\/calibration\.ipynb\n\+\+\+ b\/calibration\.ipynb\n/m);
    assert.match(r.out, /^-    "def calibrate\(raw, offset=0\.5\):\\n",$/m);
    assert.match(r.out, /^\+    "from sensor_lab\.helpers import calibrate"$/m);

    // stdout is the patch alone; the listing and the summary go to stderr.
    assert.ok(r.out.split('\n').every((l) => /^(diff --git |new file mode |--- |\+\+\+ |@@ |[ +-]|\\ No newline)/.test(l)), 'nothing but the diff on stdout');
    assert.match(r.err, /^create src\/sensor_lab\/helpers\.py {2}\(definitions of the "helpers" section\)$/m);
    assert.match(r.err, /^edit {3}pyproject\.toml {2}\(adds the dependencies the notebook imports\)$/m);
    assert.match(r.err, /nothing was written\.$/);
  });

  test('what --diff prints is what a run writes: `git apply` of it gives the same files, byte for byte', async (t) => {
    if (spawnSync('git', ['--version']).status !== 0) {
      t.skip('git is not installed');
      return;
    }
    const previewed = lab();
    const written = lab();
    const diff = await run(previewed.dir, previewed.nb, '--diff', '--with-readme');
    assert.equal(diff.code, 0, diff.err);
    const applied = spawnSync('git', ['apply', '--whitespace=nowarn', '-'], {
      cwd: previewed.dir,
      input: diff.out + '\n',
      encoding: 'utf8',
      // Never let git find a repository above the scratch folder and apply relative to its root.
      env: { ...process.env, GIT_CEILING_DIRECTORIES: path.dirname(previewed.dir) },
    });
    assert.equal(applied.status, 0, `git apply: ${applied.stderr}`);
    const run2 = await run(written.dir, written.nb, '--with-readme');
    assert.equal(run2.code, 0, run2.err);
    const a = snapshot(previewed.dir);
    const b = snapshot(written.dir);
    assert.deepEqual([...a.keys()].sort(), [...b.keys()].sort());
    for (const [file, bytes] of b) assert.ok(a.get(file)!.equals(bytes), `${file} differs between the applied diff and the run`);
    assert.ok(b.has('src/sensor_lab/py.typed') && b.get('src/sensor_lab/py.typed')!.length === 0, 'the empty marker file is in the diff too');
    assert.ok(b.has(WORKFLOW), 'the CI workflow is in both');
    assert.match(b.get('README.md')!.toString('utf8'), /^# Sensor lab\n\nCalibration of the bench sensors\.\n\n## Working on this project\n/, 'the README edit is in both');
  });

  test('the CI workflow is written by default, as the preview starts it ticked; --no-ci leaves it out and says so', async () => {
    const plain = lab();
    const r = await run(plain.dir, plain.nb);
    assert.equal(r.code, 0, r.err);
    // The lab's pyproject.toml configures no type checker, so CI runs the tests alone.
    assert.match(r.out, /^create \.github\/workflows\/tests\.yml {2}\(CI running the tests on every push and pull request\)$/m);
    const workflow = readFileSync(path.join(plain.dir, WORKFLOW), 'utf8');
    assert.match(workflow, /^on: \[push, pull_request\]$/m);
    assert.doesNotMatch(workflow, /mypy/);
    assert.match(workflow, /^ {6}- run: python -m pytest$/m);

    const noCi = lab();
    const without = await run(noCi.dir, noCi.nb, '--no-ci');
    assert.equal(without.code, 0, without.err);
    assert.ok(!existsSync(path.join(noCi.dir, '.github')), 'no .github folder with --no-ci');
    assert.match(without.out, /^skip {3}\.github\/workflows\/tests\.yml {2}\(CI workflow: left out by --no-ci\)$/m);
    assert.ok(existsSync(path.join(noCi.dir, 'src', 'sensor_lab', 'helpers.py')), 'the rest of the project is written');
  });

  test('the README section is opt-in, as in the preview: left out and listed as such; --with-readme appends it and keeps the README', async () => {
    const plain = lab();
    const r = await run(plain.dir, plain.nb);
    assert.equal(r.code, 0, r.err);
    assert.equal(readFileSync(path.join(plain.dir, 'README.md'), 'utf8'), '# Sensor lab\n\nCalibration of the bench sensors.\n', 'the README is untouched');
    assert.match(r.out, /^skip {3}README\.md {2}\(README section: pass --with-readme to add it\)$/m);

    const opted = lab();
    const withReadme = await run(opted.dir, opted.nb, '--with-readme');
    assert.equal(withReadme.code, 0, withReadme.err);
    assert.match(withReadme.out, /^edit {3}README\.md {2}\(adds a "Working on this project" section\)$/m);
    const readme = readFileSync(path.join(opted.dir, 'README.md'), 'utf8');
    assert.ok(readme.startsWith('# Sensor lab\n\nCalibration of the bench sensors.\n\n## Working on this project\n\n'), readme);
    assert.match(readme, /^python -m pip install -e \. pytest +# the package, editable, and the test tools$/m);
    assert.match(readme, /^python -m pytest +# the tests in tests\/$/m);
    assert.match(readme, /^dvc init +# once: makes the folder a DVC repository\ndvc repro +# the pipeline in dvc\.yaml \(python -m sensor_lab\.pipeline\)$/m);
    assert.ok(readme.endsWith('```\n') || readme.endsWith('code.\n'), 'ends with one newline');
    // Run again: the section is there, so nothing is offered twice.
    const again = await run(opted.dir, opted.nb, '--dry-run', '--with-readme');
    assert.doesNotMatch(again.out, /README\.md/);
  });

  test('--diff shows the workflow, and the README section only with --with-readme', async () => {
    const { dir, nb } = lab();
    const plain = await run(dir, nb, '--diff');
    assert.equal(plain.code, 0, plain.err);
    assert.match(plain.out, /^--- \/dev\/null\n\+\+\+ b\/\.github\/workflows\/tests\.yml\n@@ -0,0 \+1,\d+ @@\n\+name: tests\n\+on: \[push, pull_request\]\n/m);
    assert.doesNotMatch(plain.out, /README\.md/);
    assert.match(plain.err, /^skip {3}README\.md {2}\(README section: pass --with-readme to add it\)$/m);

    const withReadme = await run(dir, nb, '--diff', '--with-readme');
    assert.equal(withReadme.code, 0, withReadme.err);
    assert.match(withReadme.out, /^--- a\/README\.md\n\+\+\+ b\/README\.md\n@@ -1,3 \+1,\d+ @@\n # Sensor lab\n \n Calibration of the bench sensors\.\n\+\n\+## Working on this project\n/m);
    assert.ok(!existsSync(path.join(dir, '.github')), '--diff writes nothing, the workflow included');
  });

  test('the README section can be added by a later run: when it is all that is left, the run says so and --with-readme adds it alone', async () => {
    // A notebook of steps only: nothing to hoist, so a second run refuses no module and only the README section is new.
    const dir = path.join(mkdtempSync(path.join(scratch, 'c-')), 'daily-report');
    mkdirSync(dir);
    const nb = path.join(dir, 'report.ipynb');
    const cell = { cell_type: 'code', execution_count: 1, metadata: {}, outputs: [], source: ['import json\n', 'print(json.dumps({"rows": 3}))'] };
    writeFileSync(nb, JSON.stringify({ cells: [cell], metadata: {}, nbformat: 4, nbformat_minor: 5 }, null, 1) + '\n');
    assert.equal((await run(dir, nb)).code, 0);
    const first = snapshot(dir);
    assert.ok(first.has('pyproject.toml') && first.has(WORKFLOW) && !first.has('README.md'));

    const again = await run(dir, nb);
    assert.equal(again.code, 1);
    assert.match(again.err, /nothing changed: all that is left is README\.md \(README section: pass --with-readme to add it\)\./);
    assert.deepEqual(snapshot(dir), first);

    const withReadme = await run(dir, nb, '--with-readme');
    assert.equal(withReadme.code, 0, withReadme.err);
    const after = snapshot(dir);
    assert.deepEqual([...after.keys()].filter((f) => !first.has(f)), ['README.md']);
    assert.match(after.get('README.md')!.toString('utf8'), /^# daily-report\n\n## Working on this project\n/);
    for (const [file, bytes] of first) assert.ok(after.get(file)!.equals(bytes), `${file} is left as it was`);
  });

  test('a mistyped option is a usage error, not a run that writes the project', async () => {
    const { dir, nb } = lab();
    const before = snapshot(dir);
    for (const typo of ['--dif', '--with_readme', '--no_ci', '--with-ci', '--dryrun']) {
      const r = await run(dir, nb, typo);
      assert.equal(r.code, 2, typo);
      assert.match(r.err, new RegExp(`unknown option ${typo}\\nUsage: ml-hygiene productionize NOTEBOOK`));
    }
    assert.deepEqual(snapshot(dir), before);
    const help = await run(dir, nb, '--help');
    assert.equal(help.code, 0);
    assert.equal(help.out, 'Usage: ml-hygiene productionize NOTEBOOK [--python PATH] [--no-ci] [--with-readme] [--dry-run | --diff]');
  });

  test('--dry-run lists the same files and writes nothing; the flags reach the command through main()', async () => {
    const { dir, nb } = lab();
    const before = snapshot(dir);
    const r = await run(dir, nb, '--dry-run');
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(snapshot(dir), before);
    assert.match(r.out, /^skip {3}README\.md/m);
    assert.match(r.out, /^create \.github\/workflows\/tests\.yml/m);
    assert.match(r.out, /^create src\/sensor_lab\/helpers\.py/m);

    const out: string[] = [];
    const previous = process.cwd();
    process.chdir(dir);
    try {
      assert.equal(await main(['productionize', nb, '--diff', '--no-ci'], (s) => out.push(s), () => {}), 0);
    } finally {
      process.chdir(previous);
    }
    assert.match(out.join('\n'), /^\+\+\+ b\/src\/sensor_lab\/helpers\.py$/m);
    assert.doesNotMatch(out.join('\n'), /tests\.yml/, '--no-ci reaches the command through main()');
    assert.deepEqual(snapshot(dir), before);
    const help: string[] = [];
    assert.equal(await main(['--help'], (s) => help.push(s), () => {}), 0);
    assert.match(help.join('\n'), /ml-hygiene productionize NOTEBOOK \[--python PATH\] \[--no-ci\] \[--with-readme\] \[--dry-run \| --diff\]/);
  });
});

/**
 * Proof of "Turn notebook into project" (`ml-hygiene productionize`): every fixture notebook (the bare
 * prototype folders of test/fixtures/productionize and the notebooks of the extract execution test) is
 * productionized in a fresh copy, then
 * - the notebook runs under python3 before and after with identical output, the same error (none) and
 *   every surviving global name equal (test/extract/run_notebook.py, `src/` on PYTHONPATH as an
 *   editable install puts it);
 * - the generated tests pass (`python3 -m pytest` when pytest is importable, else unittest);
 * - the generated pipeline runs (`python -m <package>.pipeline`, where the DVC stage runs it);
 * - a bare prototype folder lands in the "ready" band (80 or more) afterwards.
 * It prints the figures: notebooks equivalent / wrong, definitions moved / kept back (by reason),
 * and the readiness before and after.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { main } from '../../../src/cli/cli';
import { runProductionize } from '../../../src/cli/productionize';
import { analyzeCell } from '../../../src/core/analysis/cellAnalysis';
import { namesOnImportLine } from '../../helpers/importLines';

const PROTOTYPES = path.resolve(__dirname, '../../fixtures/productionize');
const EXTRACT_PROJECT = path.resolve(__dirname, '../../extract/project');
const RUNNER = path.resolve(__dirname, '../../extract/run_notebook.py');
const pythonExe = (() => {
  const r = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
})();
const hasPytest = pythonExe !== undefined && spawnSync(pythonExe, ['-c', 'import pytest'], { encoding: 'utf8' }).status === 0;
const hasYaml = pythonExe !== undefined && spawnSync(pythonExe, ['-c', 'import yaml'], { encoding: 'utf8' }).status === 0;

interface RunResult {
  stdout: string;
  error: { cell: number; type: string } | null;
  globals: Record<string, string>;
}

const env = (projectDir: string) => ({ ...process.env, PYTHONPATH: path.join(projectDir, 'src'), PYTHONHASHSEED: '0', PYTHONDONTWRITEBYTECODE: '1' });

function runNotebook(projectDir: string, notebook: string): RunResult {
  const r = spawnSync(pythonExe!, [RUNNER, notebook], { env: env(projectDir), encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, `runner failed on ${notebook}: ${r.stderr}`);
  return JSON.parse(r.stdout) as RunResult;
}

async function readiness(dir: string): Promise<number> {
  const lines: string[] = [];
  assert.equal(await main(['readiness', dir, '--format', 'json'], (s) => lines.push(s), () => {}), 0);
  return (JSON.parse(lines.join('\n')) as { score: number }).score;
}

interface Case {
  label: string;
  /** Folder copied as the project. */
  source: string;
  /** Notebook path inside the copy. */
  notebook: string;
  prototype: boolean;
}

const CASES: Case[] = [
  ...(existsSync(PROTOTYPES)
    ? readdirSync(PROTOTYPES)
        .sort()
        .map((name) => {
          const nb = readdirSync(path.join(PROTOTYPES, name)).find((f) => f.endsWith('.ipynb'))!;
          return { label: `${name}/${nb}`, source: path.join(PROTOTYPES, name), notebook: nb, prototype: true };
        })
    : []),
  ...(existsSync(EXTRACT_PROJECT)
    ? readdirSync(path.join(EXTRACT_PROJECT, 'notebooks'))
        .filter((f) => f.endsWith('.ipynb'))
        .sort()
        .map((nb) => ({ label: `extract project/${nb}`, source: EXTRACT_PROJECT, notebook: path.join('notebooks', nb), prototype: false }))
    : []),
];

describe('turn notebook into project: execution equivalence', { skip: (!pythonExe || !hasYaml) && 'python3 with PyYAML is not available' }, () => {
  let scratch: string;
  const figures = { equivalent: 0, wrong: 0, moved: 0, importCellsEmptied: 0, keptBack: new Map<string, number>(), tests: 0, lines: [] as string[] };
  before(() => {
    scratch = mkdtempSync(path.join(tmpdir(), 'mlh-productionize-'));
  });
  after(() => {
    if (!process.env.MLH_KEEP) rmSync(scratch, { recursive: true, force: true });
    console.log(
      [
        `productionize execution test: ${figures.equivalent} notebooks equivalent, ${figures.wrong} wrong; ${figures.moved} definitions moved to modules, ${figures.importCellsEmptied} imports-only cells emptied, ${figures.tests} generated tests passing`,
        ...figures.lines.map((l) => `  ${l}`),
        '  definitions kept in the notebook, by reason:',
        ...[...figures.keptBack].sort((a, b) => b[1] - a[1]).map(([k, n]) => `    ${n} × ${k}`),
      ].join('\n'),
    );
  });

  /** The productionized prototype folders, for the mypy test at the end. */
  const generatedProjects: Array<{ label: string; dir: string }> = [];

  test('fixtures exist', () => {
    assert.ok(CASES.filter((c) => c.prototype).length >= 2, 'expected at least two prototype folders');
    assert.ok(CASES.length >= 6);
    assert.ok(CASES.some((c) => c.label.startsWith('review-cleaning/')), 'the review-cleaning prototype pins the emptying of its imports cell');
  });

  for (const c of CASES) {
    test(`${c.label}: productionized, the notebook runs the same, the generated tests and pipeline pass`, async () => {
      const dir = mkdtempSync(path.join(scratch, 'p-'));
      cpSync(c.source, dir, { recursive: true });
      const notebook = path.join(dir, c.notebook);
      const original = runNotebook(dir, notebook);
      assert.equal(original.error, null, `${c.label} must run cleanly as written`);
      const scoreBefore = c.prototype ? await readiness(dir) : undefined;

      const out: string[] = [];
      const errors: string[] = [];
      // The defaults, as the editor's preview starts them: the CI workflow ticked, the README section not.
      const code = await runProductionize({ positionals: [notebook], flags: new Map<string, string | true>([['--python', pythonExe!]]) }, (s) => out.push(s), (s) => errors.push(s));
      assert.equal(code, 0, `${c.label}: ${errors.join('\n')}`);
      const text = out.join('\n');
      const moved = [...text.matchAll(/^\S+\.\S+: (.+)$/gm)].flatMap((m) => m[1]!.split(', '));
      // Imports-only cells the plan empties: their names (and only those) may be gone from the notebook.
      const emptiedImports = [...text.matchAll(/^imports cell \d+ emptied: only the moved code read (.+), which the module now imports$/gm)].flatMap((m) =>
        [...m[1]!.matchAll(/`([^`]+)`/g)].map((n) => n[1]!),
      );
      figures.importCellsEmptied += [...text.matchAll(/^imports cell \d+ emptied/gm)].length;
      // Imports-only cells the plan trims: the names of the statements it removes may be gone too.
      const trimmedImports = [...text.matchAll(/^imports cell \d+ trimmed: .*; (.+) went with the moved code, which the module now imports$/gm)].flatMap((m) =>
        [...m[1]!.matchAll(/`([^`]+)`/g)].map((n) => n[1]!),
      );
      // The review-cleaning prototype's imports cell is read only by `normalize`, which moves.
      if (c.label.startsWith('review-cleaning/')) assert.deepEqual(emptiedImports, ['re', 'unicodedata'], `${c.label}: the imports cell is emptied`);
      for (const m of text.matchAll(/^stays in the notebook: \S+, because (.+)$/gm)) {
        const kind = m[1]!.replace(/`[^`]*`/g, '`…`');
        figures.keptBack.set(kind, (figures.keptBack.get(kind) ?? 0) + 1);
      }

      // The notebook: same output, same error, every surviving name equal.
      const transformed = runNotebook(dir, notebook);
      try {
        assert.equal(transformed.stdout, original.stdout, 'printed output differs');
        assert.deepEqual(transformed.error, original.error, 'errors differ');
        for (const [name, value] of Object.entries(transformed.globals)) {
          assert.ok(name in original.globals, `\`${name}\` exists after but not before`);
          assert.equal(value, original.globals[name], `\`${name}\` differs`);
        }
        // A name may only be gone when the plan said its import went, no cell left reads it (the cell
        // analysis's reads), and the generated package imports it.
        const notebookAfter = JSON.parse(readFileSync(notebook, 'utf8')) as { cells: Array<{ cell_type: string; source: string | string[] }> };
        const readsLeft = new Set(
          notebookAfter.cells
            .filter((cell) => cell.cell_type === 'code')
            .flatMap((cell) => {
              const a = analyzeCell(Array.isArray(cell.source) ? cell.source.join('') : cell.source);
              return [...a.reads, ...a.lateReads, ...a.deletes].map((r) => r.name);
            }),
        );
        const packageImports = new Set(
          readdirSync(path.join(dir, 'src'), { recursive: true, encoding: 'utf8' })
            .filter((f) => f.endsWith('.py'))
            .flatMap((f) => readFileSync(path.join(dir, 'src', f), 'utf8').split('\n').flatMap(namesOnImportLine)),
        );
        for (const name of Object.keys(original.globals)) {
          if (name in transformed.globals) continue;
          assert.ok(emptiedImports.includes(name) || trimmedImports.includes(name), `\`${name}\` is lost`);
          assert.ok(!readsLeft.has(name), `\`${name}\` is gone though a cell still reads it`);
          assert.ok(packageImports.has(name), `\`${name}\` is gone from the notebook but the package does not import it`);
        }
      } catch (e) {
        figures.wrong++;
        throw e;
      }
      figures.equivalent++;
      figures.moved += moved.length;

      // The generated tests.
      const testRun = hasPytest
        ? spawnSync(pythonExe!, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'tests'], { cwd: dir, env: env(dir), encoding: 'utf8', timeout: 120_000 })
        : spawnSync(pythonExe!, ['-m', 'unittest', 'discover', '-s', 'tests', '-t', '.'], { cwd: dir, env: env(dir), encoding: 'utf8', timeout: 120_000 });
      assert.equal(testRun.status, 0, `${c.label}: generated tests fail:\n${testRun.stdout}\n${testRun.stderr}`);
      const passed = hasPytest ? Number(/(\d+) passed/.exec(testRun.stdout)?.[1] ?? 0) : Number(/Ran (\d+) test/.exec(testRun.stderr)?.[1] ?? 0);
      assert.ok(passed > 0, `${c.label}: no generated test ran`);
      figures.tests += passed;

      // The pipeline the DVC stage runs, from the stage's working directory.
      const dvcYaml = path.join(dir, 'dvc.yaml');
      if (existsSync(dvcYaml)) {
        const dvc = readFileSync(dvcYaml, 'utf8');
        const cmd = /cmd: python -m (\S+)/.exec(dvc)![1]!;
        const wdir = /wdir: (\S+)/.exec(dvc)?.[1];
        const run = spawnSync(pythonExe!, ['-m', cmd], { cwd: wdir ? path.join(dir, wdir) : dir, env: env(dir), encoding: 'utf8', timeout: 120_000 });
        assert.equal(run.status, 0, `${c.label}: the pipeline fails:\n${run.stderr}`);
      }

      let line = `${c.label}: equivalent; ${moved.length} definitions moved, ${passed} tests pass`;
      if (c.prototype) {
        generatedProjects.push({ label: c.label, dir });
        // The pipeline's outputs are results, not part of the project the readiness score looks at.
        for (const o of /outs:\n((?:\s+- .+\n?)+)/.exec(readFileSync(dvcYaml, 'utf8'))?.[1]?.split('\n') ?? []) {
          const file = o.trim().replace(/^- /, '');
          if (file) rmSync(path.join(dir, file), { force: true });
        }
        const scoreAfter = await readiness(dir);
        line += `; readiness ${scoreBefore} -> ${scoreAfter}`;
        assert.ok(scoreAfter >= 80, `${c.label}: readiness ${scoreAfter} after productionize, below the ready band`);
      }
      figures.lines.push(line);
    });
  }

  // The generated workflow runs `python -m mypy` with the generated [tool.mypy]: every prototype must
  // pass it as generated. Debian's mypy is installed here when missing (scripts/setup-debian-tool.sh).
  test('the generated projects pass the mypy step of the CI generated for them', (t) => {
    const setup = spawnSync('bash', [path.resolve(__dirname, '../../../scripts/setup-debian-tool.sh'), 'mypy', 'mypy'], { encoding: 'utf8' });
    if (setup.status !== 0) {
      t.skip(`mypy could not be installed: ${setup.stderr.trim()}`);
      return;
    }
    assert.ok(generatedProjects.length >= 2, `prototypes productionized: ${generatedProjects.map((g) => g.label).join(', ')}`);
    for (const { label, dir } of generatedProjects) {
      const typed = spawnSync('mypy', ['--cache-dir=/dev/null'], { cwd: dir, encoding: 'utf8', timeout: 180_000 });
      assert.equal(typed.status, 0, `${label}: the generated CI's mypy step fails:\n${typed.stdout}${typed.stderr}`);
      assert.match(typed.stdout, /^Success: no issues found in \d+ source files/m, label);
    }
  });
});

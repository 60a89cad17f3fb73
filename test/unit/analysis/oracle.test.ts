/**
 * Our reads/writes must equal CPython's (test/oracle/cell_scope.py over `ast`) on every code cell of our
 * fixture notebooks, on every .py file of python3's standard library and, when ../shared is present, of
 * the shared corpus of real notebooks. On cells without magics agreement must be total; cells that are
 * not valid Python 3 are excluded and counted.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { codeCells, compareWithOracle, type Agreement } from './oracleHarness';
import { stdlibFiles } from '../../helpers/stdlib';

const FIXTURES = path.join(__dirname, 'fixtures');
const CORPUS = path.join(__dirname, '..', '..', '..', '..', 'shared', 'corpus', 'notebooks');

function notebookCells(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ipynb'))
    .sort()
    .flatMap((f) => codeCells(path.join(dir, f)));
}

function summary(name: string, a: Agreement): string {
  const pct = (x: number, n: number): string => (n ? ((100 * x) / n).toFixed(2) : '100.00');
  return `${name}: ${a.cells} cells, ${a.excludedNotPython3} not Python 3 (excluded); agreement ${a.agreed}/${a.compared} (${pct(a.agreed, a.compared)}%), without magics ${a.withoutMagics.agreed}/${a.withoutMagics.compared} (${pct(a.withoutMagics.agreed, a.withoutMagics.compared)}%)`;
}

describe('CPython oracle', () => {
  it('agrees on every fixture cell', () => {
    const result = compareWithOracle(notebookCells(FIXTURES));
    console.log(summary('fixtures', result));
    assert.equal(result.excludedNotPython3, 0);
    assert.deepEqual(result.disagreements, []);
  });

  it('is itself confirmed by execution on small stdlib-only cells', () => {
    const run = spawnSync('python3', [path.join(__dirname, '..', '..', 'oracle', 'exec_check.py')], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stdout + run.stderr);
  });

  const stdlib = stdlibFiles();
  it('agrees on every .py file of the standard library, each read as one cell', { skip: !stdlib.length && 'no python3' }, () => {
    const merged: Agreement = { cells: 0, excludedNotPython3: 0, compared: 0, agreed: 0, withoutMagics: { compared: 0, agreed: 0 }, disagreements: [], plainDisagreements: [] };
    for (let i = 0; i < stdlib.length; i += 300) {
      const batch = compareWithOracle(stdlib.slice(i, i + 300).map((f) => readFileSync(f, 'utf8')));
      merged.cells += batch.cells;
      merged.excludedNotPython3 += batch.excludedNotPython3;
      merged.compared += batch.compared;
      merged.agreed += batch.agreed;
      merged.withoutMagics.compared += batch.withoutMagics.compared;
      merged.withoutMagics.agreed += batch.withoutMagics.agreed;
      merged.disagreements.push(...batch.disagreements);
    }
    console.log(summary('stdlib', merged));
    assert.deepEqual(merged.disagreements.map((d) => ({ ours: d.ours, oracle: d.oracle })).slice(0, 5), []);
    assert.equal(merged.agreed, merged.compared);
  });

  it('agrees on every corpus cell without magics', { skip: !existsSync(CORPUS) && 'shared corpus absent' }, () => {
    const result = compareWithOracle(notebookCells(CORPUS));
    console.log(summary('corpus', result));
    assert.deepEqual(result.plainDisagreements, []);
    assert.equal(result.withoutMagics.agreed, result.withoutMagics.compared);
  });
});

/**
 * Cell analyses kept between runs: what comes back is what was analysed, a different analyser build
 * or a damaged file means starting empty, the newest entries are the ones kept, a pool answers from
 * the store without parsing, and two CLI runs over the same project agree.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { analyzeCell } from '../../../src/core/analysis/cellAnalysis';
import { CellAnalysisWorkerPool } from '../../../src/adapters/cellAnalysisPool';
import { CellAnalysisStore, analysisStoreFile, analyzerStamp } from '../../../src/adapters/cellAnalysisStore';

const REPO = path.resolve(__dirname, '..', '..', '..');
const WORKER = path.join(REPO, 'dist', 'cellAnalysisWorker.js');
const CELLS = ['import pandas as pd\ndf = pd.read_csv("data/raw.csv")', 'print(model)\nmodel = 1', 'def f(x=y):\n    return [z for z in x]', '%matplotlib inline\nplt.show()'];

function tempFile(name: string): string {
  return path.join(mkdtempSync(path.join(os.tmpdir(), 'mlh-store-')), name);
}

describe('cell analysis store', () => {
  it('gives back, after a save and a reopen, exactly what was put', () => {
    const file = tempFile('store.json');
    const first = new CellAnalysisStore(file, 'build-1');
    for (const c of CELLS) first.put(c, analyzeCell(c));
    first.save();
    const reopened = new CellAnalysisStore(file, 'build-1');
    for (const c of CELLS) assert.deepEqual(reopened.get(c), analyzeCell(c));
    assert.equal(reopened.get('x = 2'), undefined);
  });

  it('starts empty for another analyser build, and for a damaged file', () => {
    const file = tempFile('store.json');
    const store = new CellAnalysisStore(file, 'build-1');
    store.put(CELLS[0]!, analyzeCell(CELLS[0]!));
    store.save();
    assert.equal(new CellAnalysisStore(file, 'build-2').get(CELLS[0]!), undefined, 'stale after an analyser change');
    writeFileSync(file, readFileSync(file, 'utf8').slice(0, 40));
    assert.equal(new CellAnalysisStore(file, 'build-1').get(CELLS[0]!), undefined, 'truncated');
    writeFileSync(file, JSON.stringify({ stamp: 'build-1', entries: [['k', { parsed: true }], 42] }));
    assert.equal(new CellAnalysisStore(file, 'build-1').get(CELLS[0]!), undefined, 'entries of the wrong shape are dropped');
  });

  it('keeps the most recently used entries when it is full', () => {
    const file = tempFile('store.json');
    const store = new CellAnalysisStore(file, 'b', 2);
    const [a, b, c] = CELLS as [string, string, string];
    store.put(a, analyzeCell(a));
    store.put(b, analyzeCell(b));
    store.get(a); // a is now the most recently used
    store.put(c, analyzeCell(c));
    store.save();
    const reopened = new CellAnalysisStore(file, 'b', 2);
    assert.ok(reopened.get(a) && reopened.get(c));
    assert.equal(reopened.get(b), undefined);
  });

  it('with no save delay (the CLI) it writes only when told to, never on a timer', async () => {
    const file = tempFile('store.json');
    const store = new CellAnalysisStore(file, 'b', 10, null);
    const timed = new CellAnalysisStore(tempFile('timed.json'), 'b', 10, 20);
    store.put(CELLS[0]!, analyzeCell(CELLS[0]!));
    timed.put(CELLS[0]!, analyzeCell(CELLS[0]!));
    await new Promise((r) => setTimeout(r, 120));
    assert.equal(existsSync(file), false, 'nothing written before save()');
    assert.equal(existsSync(timed.file), true, 'the timed store wrote itself');
    store.save();
    assert.ok(new CellAnalysisStore(file, 'b').get(CELLS[0]!));
  });

  it('is stamped with the analyser bundle and the name table beside it', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mlh-stamp-'));
    const worker = path.join(dir, 'cellAnalysisWorker.js');
    writeFileSync(worker, '// analyser\n');
    const alone = analyzerStamp(worker);
    writeFileSync(path.join(dir, 'unicodeNameTable.js'), '// table 1\n');
    const withTable = analyzerStamp(worker);
    writeFileSync(path.join(dir, 'unicodeNameTable.js'), '// table 2\n');
    const otherTable = analyzerStamp(worker);
    assert.ok(alone && withTable && otherTable);
    assert.equal(new Set([alone, withTable, otherTable]).size, 3);
    assert.equal(analyzerStamp(path.join(dir, 'missing.js')), undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('lets a pool answer from it without parsing', async () => {
    assert.ok(existsSync(WORKER), `${WORKER} is missing: run \`npm run build\` first`);
    const file = tempFile('store.json');
    const stamp = analyzerStamp(WORKER);
    assert.ok(stamp);
    const pool = CellAnalysisWorkerPool.forThisMachine({ size: 1, workerScript: WORKER, store: () => new CellAnalysisStore(file, stamp) })!;
    const first = await pool.analyzeMany(CELLS);
    await pool.dispose(); // saves the store
    // A pool whose worker cannot even start: only the store can answer.
    const broken = tempFile('worker.js');
    writeFileSync(broken, "throw new Error('no parsing here');\n");
    const fromStore = CellAnalysisWorkerPool.forThisMachine({ size: 1, workerScript: broken, store: () => new CellAnalysisStore(file, stamp) })!;
    assert.deepEqual(await fromStore.analyzeMany(CELLS), first);
    await assert.rejects(fromStore.analyzeMany([...CELLS, 'a_new_cell = 1']), /no parsing here|exited/);
    await fromStore.dispose();
    CELLS.forEach((c, i) => assert.deepEqual(first[i], analyzeCell(c)));
  });

  it('gives the CLI the same findings on a second run, from the stored analyses', { skip: os.availableParallelism() < 2 ? 'one core: the CLI runs no worker pool, and the pool holds the store' : false }, () => {
    const project = path.join(mkdtempSync(path.join(os.tmpdir(), 'mlh-store-cli-')), 'churn');
    cpSync(path.join(REPO, 'test', 'fixtures', 'notebooks', 'churn-project'), project, { recursive: true });
    // Cold notebooks of 2 KB or more go through the pool, and so into the store.
    const cells = Array.from({ length: 40 }, (_, i) => `frame_${i} = pd.read_csv("data/part_${i}.csv")\nprint(later_${i + 1} if ${i} % 5 == 0 else frame_${i}.shape)\nlater_${i} = frame_${i}.describe()\n`);
    writeFileSync(
      path.join(project, 'notebooks', 'long.ipynb'),
      JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: { kernelspec: { name: 'python3', language: 'python' } }, cells: cells.map((source, i) => ({ cell_type: 'code', execution_count: i + 1, metadata: {}, outputs: [], source })) }),
    );
    const cacheHome = mkdtempSync(path.join(os.tmpdir(), 'mlh-store-cache-'));
    const run = () => spawnSync(process.execPath, [path.join(REPO, 'dist', 'cli.js'), 'check', '--format', 'json', '--fail-on', 'never', project], { encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: cacheHome } });
    const first = run();
    assert.equal(first.status, 0, first.stderr);
    const file = analysisStoreFile(path.join(cacheHome, 'ml-hygiene'), project);
    assert.ok(existsSync(file), `the CLI kept its analyses in ${file}`);
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { stamp: string; entries: unknown[] };
    assert.equal(stored.stamp, analyzerStamp(WORKER));
    assert.ok(stored.entries.length > 5, `entries: ${stored.entries.length}`);
    const second = run();
    assert.equal(second.status, 0, second.stderr);
    assert.equal(second.stdout, first.stdout);
    assert.match(first.stdout, /MLH203/);
  });
});

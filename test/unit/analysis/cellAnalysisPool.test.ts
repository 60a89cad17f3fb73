/**
 * The worker-thread pool must be invisible in the results: every cell's analysis from a worker equals
 * the in-process one, the engine's findings are the same with and without it, a pool whose worker
 * cannot run falls back to in-process analysis, and a CLI-like process that never disposes its pool
 * still exits on its own. Runs the bundled worker (dist/cellAnalysisWorker.js, built by `npm run build`).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { analyzeCell } from '../../../src/core/analysis/cellAnalysis';
import { Engine } from '../../../src/core/engine';
import { MemoryFileSystem } from '../../../src/core/fs/memoryFileSystem';
import { CellAnalysisWorkerPool } from '../../../src/adapters/cellAnalysisPool';
import { CORPUS_ROOT } from '../../helpers/corpus';
import { codeCells } from './oracleHarness';

const REPO = path.resolve(__dirname, '..', '..', '..');
const WORKER = path.join(REPO, 'dist', 'cellAnalysisWorker.js');
const FIXTURE_NOTEBOOKS = [path.join(__dirname, 'fixtures'), path.join(REPO, 'test', 'fixtures', 'notebooks', 'churn-project', 'notebooks')];

function notebookCells(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ipynb') && f !== 'broken.ipynb')
    .sort()
    .flatMap((f) => codeCells(path.join(dir, f)));
}

/** Cells the analysis must get right whatever thread runs it: broken syntax, magics, non-ASCII, empty. */
const EDGE_CELLS = [
  'def broken(:\n    return 1\n',
  '%matplotlib inline\n!pip install torch==2.4.0\nx = 1',
  '%%bash\necho hi',
  'naïve = "größe 🙂"\nprint(naïve)',
  '',
  'result = [y for x in data if (y := f(x))]\nprint(y)',
];

function workerPool(options: { size?: number; workerScript?: string } = {}): CellAnalysisWorkerPool {
  const pool = CellAnalysisWorkerPool.forThisMachine({ size: 2, workerScript: WORKER, ...options });
  assert.ok(pool, 'a pool with an explicit size and an existing worker script');
  return pool;
}

/** A workspace with one notebook of `cells` code cells, each defining and reading names. */
function notebookWorkspace(cells: string[]): { fs: MemoryFileSystem; root: string } {
  const root = '/ws';
  const notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'python3', language: 'python', display_name: 'Python 3' } },
    cells: cells.map((source, i) => ({ cell_type: 'code', execution_count: i + 1, metadata: {}, outputs: [], source })),
  };
  return {
    root,
    fs: new MemoryFileSystem({
      [`${root}/pyproject.toml`]: '[project]\nname = "pool-check"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = ["pandas==2.2.3"]\n',
      [`${root}/notebooks/big.ipynb`]: JSON.stringify(notebook, null, 1),
    }),
  };
}

/** Enough generated cells to pass the engine's off-thread threshold, with hidden state and unused imports in them. */
function generatedCells(count: number, salt: string): string[] {
  return Array.from({ length: count }, (_, i) =>
    i === 0
      ? 'import pandas as pd\nimport numpy as np\nimport seaborn as sns\n'
      : `frame_${i} = pd.read_csv("data/part_${i}_${salt}.csv")\nframe_${i}["z"] = (frame_${i}["x"] - frame_${i}["x"].mean()) / frame_${i}["x"].std()\nprint(later_${i + 1} if ${i} % 7 == 0 else frame_${i - 1}.shape)\nlater_${i} = np.sum(frame_${i}["z"])\n`,
  );
}

before(async () => {
  assert.ok(existsSync(WORKER), `${WORKER} is missing: run \`npm run build\` first`);
});

describe('cell analysis worker pool', () => {
  const pools: CellAnalysisWorkerPool[] = [];
  after(() => Promise.all(pools.map((p) => p.dispose())));

  it('answers exactly what analyzeCell answers in process, in order', async () => {
    const corpus = path.join(CORPUS_ROOT, 'notebooks');
    const sources = [...EDGE_CELLS, ...FIXTURE_NOTEBOOKS.flatMap(notebookCells), ...notebookCells(corpus)];
    assert.ok(sources.length > EDGE_CELLS.length + 20, `fixture cells found: ${sources.length}`);
    const pool = workerPool();
    pools.push(pool);
    const fromWorkers = await pool.analyzeMany(sources);
    assert.equal(fromWorkers.length, sources.length);
    sources.forEach((source, i) => assert.deepEqual(fromWorkers[i], analyzeCell(source), `cell ${i}: ${JSON.stringify(source.slice(0, 60))}`));

    // With the caller's thread helping: it takes the batches the workers have not started. That needs
    // more batches than the workers hold (two posted each plus one reserved each): batches are capped
    // at 32 KB, so 400 KB of cells make a dozen whatever the corpus adds, with or without ../shared.
    const many = [...sources, ...generatedCells(2000, 'shared')];
    assert.ok(many.join('').length > 400 * 1024, 'enough code for more batches than two workers hold');
    let here = 0;
    const shared = await pool.analyzeMany(many, (source) => {
      here++;
      return analyzeCell(source);
    });
    assert.ok(here > 0 && here < many.length, `the caller analysed ${here} of ${many.length} cells, the workers the rest`);
    many.forEach((source, i) => assert.deepEqual(shared[i], analyzeCell(source), `shared, cell ${i}`));
  });

  it('leaves the engine findings unchanged', async () => {
    const cells = generatedCells(400, 'same');
    const { fs, root } = notebookWorkspace(cells);
    assert.ok(cells.join('').length > 32 * 1024, 'the notebook is big enough to go off thread');
    const pool = workerPool();
    pools.push(pool);
    const inProcess = await new Engine({ fs, workspaceRoot: root, trusted: false }).checkWorkspace();
    // Different cell texts for the pooled run, so the in-process run's cache cannot answer for the workers.
    const other = notebookWorkspace(generatedCells(400, 'same').map((c) => c + '\n'));
    const pooledFindings = await new Engine({ fs: other.fs, workspaceRoot: other.root, trusted: false, cellAnalyzer: pool }).checkWorkspace();
    const codes = (fs: typeof inProcess) => fs.map((f) => `${f.code} ${f.cell ?? '-'} ${f.range.start.line}:${f.range.start.character}-${f.range.end.line}:${f.range.end.character}`);
    assert.ok(inProcess.some((f) => f.code === 'MLH203'), 'the fixture has hidden state to find');
    assert.deepEqual(codes(pooledFindings), codes(inProcess));
  });

  it('falls back to in-process analysis when the worker cannot run', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mlh-pool-'));
    const failing = path.join(dir, 'worker.js');
    writeFileSync(failing, "throw new Error('worker failed to start');\n");
    const pool = workerPool({ workerScript: failing });
    pools.push(pool);
    await assert.rejects(pool.analyzeMany(['x = 1']), /worker failed to start|exited/);
    // Once broken it says so at once instead of starting more workers.
    await assert.rejects(pool.analyzeMany(['y = 2']));

    const cells = generatedCells(300, 'fallback');
    const { fs, root } = notebookWorkspace(cells);
    const withBrokenPool = await new Engine({ fs, workspaceRoot: root, trusted: false, cellAnalyzer: pool }).checkWorkspace();
    assert.ok(withBrokenPool.filter((f) => f.code === 'MLH203').length > 10, 'hidden state is still found');
  });

  it('does not keep a finished process alive', () => {
    const script = `
      require('tsx/cjs');
      const { CellAnalysisWorkerPool } = require(${JSON.stringify(path.join(REPO, 'src', 'adapters', 'cellAnalysisPool.ts'))});
      const pool = CellAnalysisWorkerPool.forThisMachine({ size: 2, workerScript: ${JSON.stringify(WORKER)} });
      pool.analyzeMany(['a = 1', 'b = a + 1']).then((r) => console.log(r.length + ' analysed'));
    `;
    // The pool is never disposed: the process must still exit by itself once the answers are in.
    const r = spawnSync(process.execPath, ['-e', script], { cwd: REPO, encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.signal, null, 'exited on its own, not killed at the timeout');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /2 analysed/);
  });
});

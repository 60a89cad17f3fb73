import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Workspace, PositionEncoding } from '@astral-sh/ruff-wasm-nodejs';
import { maskMagics } from '../../src/core/analysis/magics';
import { MemoryFileSystem } from '../../src/core/fs/memoryFileSystem';
import { bigNotebook, repoRoot } from '../lib/generate';
import { CellAnalysisWorkerPool } from '../../src/adapters/cellAnalysisPool';
import { collectGarbage, median, note, sample, type BenchRow } from '../lib/measure';
import { analyseCellSources, checkNotebookWorkspace, parseNotebookOnly } from '../lib/notebookCheck';

const RUNS = 7;

/**
 * notebook-1000: full diagnostics of the 1,000-cell notebook (a fresh Engine over an in-memory tree)
 * vs parsing it alone with our parser. The notebook rules cache cell analyses by source text, so each
 * run gets a variant in which every cell differs: the value is a cold check, as on opening the file.
 * The Engine gets the worker pool the server and the CLI give it (one worker per core), already
 * started, as in a running server; the in-process figure (a pool-less engine) is printed beside it.
 */
export async function notebook1000(): Promise<BenchRow> {
  const first = bigNotebook();
  const root = path.dirname(first.path);
  const workspace = (text: string) =>
    new MemoryFileSystem({
      [first.path]: text,
      [path.join(root, 'pyproject.toml')]: '[project]\nname = "notebook-bench"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = ["pandas==2.2.3"]\n',
    });
  const pool = CellAnalysisWorkerPool.forThisMachine({ workerScript: path.join(repoRoot(), 'dist', 'cellAnalysisWorker.js') });
  try {
    const warmup = await checkNotebookWorkspace(workspace(first.text), root, first.path, pool);
    note(`notebook-1000: Engine.checkWorkspace reports ${warmup.filter((f) => f.cell !== undefined).length} notebook findings; ${pool ? 'worker pool on' : 'no worker pool (one core)'}`);
    const cold: number[] = [];
    const inProcess: number[] = [];
    const parseOnly: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const nb = bigNotebook(run + 1);
      collectGarbage();
      parseOnly.push(await measure(() => parseNotebookOnly(nb.path, nb.text)));
      collectGarbage();
      cold.push(await measure(() => checkNotebookWorkspace(workspace(nb.text), root, nb.path, pool)));
      const unpooled = bigNotebook(run + 1 + RUNS);
      collectGarbage();
      inProcess.push(await measure(() => checkNotebookWorkspace(workspace(unpooled.text), root, unpooled.path)));
    }
    const warm = await sample(3, () => checkNotebookWorkspace(workspace(first.text), root, first.path, pool), 0);
    const lines = first.codeSources.reduce((n, s) => n + s.split('\n').length, 0);
    note(`notebook-1000: ${first.codeSources.length} code cells, ${lines} lines, ${(first.text.length / 1e6).toFixed(2)} MB; cold runs ${cold.map((x) => x.toFixed(0)).join('/')} ms; in process (no pool) ${median(inProcess).toFixed(0)} ms; with every cell analysis cached ${median(warm).toFixed(0)} ms`);
    return { name: 'notebook-1000', value: median(cold), unit: 'ms', baseline: median(parseOnly) };
  } finally {
    await pool?.dispose();
  }
}

async function measure(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/** notebook-ruff: our Python checks over the notebook's code vs ruff (wasm, default rules) on the same code. */
export async function notebookRuff(): Promise<BenchRow> {
  const nb = bigNotebook();
  // Ruff checks one Python file: the cells joined, magics blanked the same way our parser sees them.
  const pythonText = nb.codeSources.map((s) => maskMagics(s).masked).join('\n\n');
  const ruff = new Workspace(Workspace.defaultSettings(), PositionEncoding.Utf16);
  const ruffFindings = (ruff.check(pythonText) as unknown[]).length;
  collectGarbage();
  const ours = await sample(RUNS, () => analyseCellSources(nb.codeSources));
  collectGarbage();
  const theirs = await sample(RUNS, () => ruff.check(pythonText));
  note(`notebook-ruff: ruff ${Workspace.version()} reports ${ruffFindings} findings on ${pythonText.length} chars; ours = analyzeCell over every cell (the notebook rules' input)`);
  ruff.free();
  return { name: 'notebook-ruff', value: median(ours), unit: 'ms', baseline: median(theirs) };
}

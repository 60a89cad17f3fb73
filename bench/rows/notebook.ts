import path from 'node:path';
import { Workspace, PositionEncoding } from '@astral-sh/ruff-wasm-nodejs';
import { maskMagics } from '../../src/core/analysis/magics';
import { MemoryFileSystem } from '../../src/core/fs/memoryFileSystem';
import { bigNotebook } from '../lib/generate';
import { collectGarbage, median, note, sample, type BenchRow } from '../lib/measure';
import { analyseCellSources, checkNotebookWorkspace, parseNotebookOnly } from '../lib/notebookCheck';

const RUNS = 7;

/** notebook-1000: full diagnostics of the 1,000-cell notebook vs parsing it alone with our parser. */
export async function notebook1000(): Promise<BenchRow> {
  const nb = bigNotebook();
  const root = path.dirname(nb.path);
  const fs = new MemoryFileSystem({
    [nb.path]: nb.text,
    [path.join(root, 'pyproject.toml')]: '[project]\nname = "notebook-bench"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = ["pandas==2.2.3"]\n',
  });
  const first = await checkNotebookWorkspace(fs, root, nb.path, nb.text);
  note(
    first.engineChecksNotebooks
      ? `notebook-1000: Engine.checkWorkspace reports ${first.findings.filter((f) => f.cell !== undefined).length} notebook findings`
      : `notebook-1000: the Engine reports no notebook findings yet; measured Engine.checkWorkspace + parseIpynb + analyzeCell of ${first.cellsAnalysed} cells`,
  );
  collectGarbage();
  const full = await sample(RUNS, () => checkNotebookWorkspace(fs, root, nb.path, nb.text));
  collectGarbage();
  const parseOnly = await sample(RUNS, () => parseNotebookOnly(nb.path, nb.text));
  const lines = nb.codeSources.reduce((n, s) => n + s.split('\n').length, 0);
  note(`notebook-1000: ${nb.codeSources.length} code cells, ${lines} lines, ${(nb.text.length / 1e6).toFixed(2)} MB; runs ${full.map((x) => x.toFixed(0)).join('/')} ms`);
  return { name: 'notebook-1000', value: median(full), unit: 'ms', baseline: median(parseOnly) };
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

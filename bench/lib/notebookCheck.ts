/**
 * The one place the benchmarks reach the notebook checks. When the notebook rules run through
 * `Engine.checkWorkspace`, that is what is measured; until then the core's notebook pipeline that
 * exists (parse the .ipynb, analyse every code cell) stands in, and the run says so.
 */
import { analyzeCell } from '../../src/core/analysis/cellAnalysis';
import { initPythonParser, parsePython } from '../../src/core/analysis/parser';
import { maskMagics } from '../../src/core/analysis/magics';
import type { Finding } from '../../src/core/diagnostics';
import { Engine } from '../../src/core/engine';
import type { FileSystem } from '../../src/core/fs/fileSystem';
import { codeCells } from '../../src/core/notebook/model';
import { parseIpynb } from '../../src/core/notebook/ipynb';

export interface NotebookCheckResult {
  findings: Finding[];
  /** True when the engine itself reported findings on notebook cells (the notebook rules are wired). */
  engineChecksNotebooks: boolean;
  cellsAnalysed: number;
}

export async function checkNotebookWorkspace(fs: FileSystem, workspaceRoot: string, notebookPath: string, notebookText: string, mode: 'auto' | 'engine-only' = 'auto'): Promise<NotebookCheckResult> {
  await initPythonParser();
  const engine = new Engine({ fs, workspaceRoot, trusted: false });
  const findings = await engine.checkWorkspace();
  const engineChecksNotebooks = findings.some((f) => f.path === notebookPath && f.cell !== undefined);
  if (engineChecksNotebooks || mode === 'engine-only') return { findings, engineChecksNotebooks, cellsAnalysed: 0 };
  const parsed = parseIpynb(notebookPath, notebookText);
  let cellsAnalysed = 0;
  if (parsed.ok) {
    for (const ref of codeCells(parsed.notebook)) {
      analyzeCell(ref.cell.source);
      cellsAnalysed++;
    }
  }
  return { findings, engineChecksNotebooks, cellsAnalysed };
}

/** The parse-only baseline of notebook-1000: read the .ipynb and build a syntax tree of every code cell. */
export async function parseNotebookOnly(notebookPath: string, notebookText: string): Promise<number> {
  await initPythonParser();
  const parsed = parseIpynb(notebookPath, notebookText);
  if (!parsed.ok) throw new Error(`benchmark notebook does not parse: ${parsed.message}`);
  let cells = 0;
  for (const ref of codeCells(parsed.notebook)) {
    parsePython(maskMagics(ref.cell.source).masked).delete();
    cells++;
  }
  return cells;
}

/** Our Python-only checks over the code of every cell (what notebook-ruff compares with ruff). */
export async function analyseCellSources(sources: string[]): Promise<number> {
  await initPythonParser();
  let names = 0;
  for (const source of sources) names += analyzeCell(source).reads.length;
  return names;
}

/**
 * The one place the benchmarks reach the notebook checks: a fresh Engine's full workspace check,
 * optionally with the worker pool the server and the CLI give it.
 */
import { analyzeCell } from '../../src/core/analysis/cellAnalysis';
import type { CellAnalyzerPool } from '../../src/core/analysis/analyzerPool';
import { maskMagics } from '../../src/core/analysis/magics';
import { parseModule } from '../../src/core/python/parser';
import type { Finding } from '../../src/core/diagnostics';
import { Engine } from '../../src/core/engine';
import type { FileSystem } from '../../src/core/fs/fileSystem';
import { codeCells } from '../../src/core/notebook/model';
import { parseIpynb } from '../../src/core/notebook/ipynb';

export async function checkNotebookWorkspace(fs: FileSystem, workspaceRoot: string, notebookPath: string, cellAnalyzer?: CellAnalyzerPool): Promise<Finding[]> {
  const findings = await new Engine({ fs, workspaceRoot, trusted: false, ...(cellAnalyzer ? { cellAnalyzer } : {}) }).checkWorkspace();
  if (!findings.some((f) => f.path === notebookPath && f.cell !== undefined)) throw new Error(`the engine reported nothing on the cells of ${notebookPath}: the benchmark would measure nothing`);
  return findings;
}

/** The parse-only baseline of notebook-1000: read the .ipynb and build a syntax tree of every code cell. */
export async function parseNotebookOnly(notebookPath: string, notebookText: string): Promise<number> {
  const parsed = parseIpynb(notebookPath, notebookText);
  if (!parsed.ok) throw new Error(`benchmark notebook does not parse: ${parsed.message}`);
  let cells = 0;
  for (const ref of codeCells(parsed.notebook)) {
    parseModule(maskMagics(ref.cell.source).masked);
    cells++;
  }
  return cells;
}

/** Our Python-only checks over the code of every cell (what notebook-ruff compares with ruff). */
export async function analyseCellSources(sources: string[]): Promise<number> {
  let names = 0;
  for (const source of sources) names += analyzeCell(source).reads.length;
  return names;
}

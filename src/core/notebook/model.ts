/**
 * The notebook as every notebook rule sees it. Two producers feed it: `parseIpynb` for a `.ipynb` on
 * disk (CLI, closed files) and the language server's LSP notebook sync (cell text plus
 * `executionSummary.executionOrder`, with saved outputs merged from disk where sync lacks them). Rules
 * must therefore only rely on what both can provide; file offsets (`sourceStart`, `sourceLineOffsets`)
 * exist only for the disk producer and are used for SARIF and for editing the file, never by checks.
 */
export type NotebookCellKind = 'code' | 'markdown' | 'raw';

export type NotebookOutputType = 'error' | 'stream' | 'display_data' | 'execute_result' | 'other';

export interface NotebookOutput {
  type: NotebookOutputType;
  /**
   * Human-readable text of the output: stream text, `text/plain` of a result, or an error's traceback.
   * Truncated to `MAX_OUTPUT_TEXT` characters so a huge log never travels through the rules whole.
   */
  text?: string;
  ename?: string;
  evalue?: string;
  /** Size of the output as saved in the file (its JSON text), whatever the MIME types it holds. */
  byteSize: number;
}

export interface NotebookCellInput {
  kind: NotebookCellKind;
  source: string;
  executionCount?: number | null;
  outputs?: NotebookOutput[];
  /** `.ipynb` from disk only: offset in the file of the `source` value (the array or the string). */
  sourceStart?: number;
  /**
   * `.ipynb` from disk only: for each line of `source`, the file offset of the JSON string holding
   * that line's start. nbformat 4 writes one JSON string per line, so this maps a cell line to a file line.
   */
  sourceLineOffsets?: number[];
}

export interface NotebookInput {
  /** Absolute posix path of the `.ipynb`. */
  path: string;
  cells: NotebookCellInput[];
  /** `metadata.kernelspec.language`, else `metadata.language_info.name`; undefined when not recorded. */
  kernelLanguage?: string;
  nbformat?: number;
}

export type NotebookReadResult = { ok: true; notebook: NotebookInput } | { ok: false; message: string; offset?: number };

/** Outputs keep at most this many characters of text: enough for any secret or traceback line. */
export const MAX_OUTPUT_TEXT = 64 * 1024;

/**
 * Notebooks whose kernel is not Python (R, Julia, Scala, ...) are skipped by the Python rules. A
 * notebook that records no language is assumed to be Python: that is what Jupyter and VS Code create.
 */
export function isPythonNotebook(notebook: NotebookInput): boolean {
  const lang = notebook.kernelLanguage?.trim().toLowerCase();
  return !lang || lang === 'python' || lang === 'ipython' || /^i?python\s*\d/.test(lang) || lang.startsWith('python');
}

/** A code cell with both of its indices: findings use `codeIndex`, file edits need `cellIndex`. */
export interface CodeCellRef {
  /** 0-based index among code cells: the `cell` of findings (DESIGN.md's CLI contract). */
  codeIndex: number;
  /** 0-based index among all cells (markdown and raw included). */
  cellIndex: number;
  cell: NotebookCellInput;
}

export function codeCells(notebook: NotebookInput): CodeCellRef[] {
  const out: CodeCellRef[] = [];
  notebook.cells.forEach((cell, cellIndex) => {
    if (cell.kind === 'code') out.push({ codeIndex: out.length, cellIndex, cell });
  });
  return out;
}

/** Index among all cells of the code cell that findings call `codeIndex`, or undefined. */
export function cellIndexOfCodeCell(notebook: NotebookInput, codeIndex: number): number | undefined {
  return codeCells(notebook)[codeIndex]?.cellIndex;
}

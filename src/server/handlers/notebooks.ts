import type { NotebookDocument, NotebookDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Finding } from '../../core/diagnostics';
import { readTextFile } from '../../core/fs/fileSystem';
import { parseIpynb } from '../../core/notebook';
import type { NotebookCellInput, NotebookInput, NotebookReadResult } from '../../core/notebook/model';
import { toDiagnostic, uriToPath, type CellUriResolver } from '../convert';
import type { WorkspaceState } from '../workspaceState';
import { publish } from './diagnostics';

// LSP NotebookCellKind: 1 = Markup, 2 = Code.
const CODE_CELL = 2;

/**
 * The notebook as the rules see it, from LSP notebook sync: the cells' live text and execution
 * order, with saved outputs (which sync does not carry) merged from the .ipynb on disk, matched by
 * code-cell position when the source is unchanged.
 */
/** The saved notebook, parsed once per version on disk: a keystroke must not re-read a 20k-line file. */
const savedNotebooks = new Map<string, { mtimeMs: number; size: number; read: NotebookReadResult | undefined }>();

async function savedNotebook(state: WorkspaceState, path: string): Promise<NotebookReadResult | undefined> {
  const st = await state.fs.stat(path);
  if (!st) return undefined;
  const hit = savedNotebooks.get(path);
  if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.read;
  const disk = await readTextFile(state.fs, path, 256 * 1024 * 1024);
  const read = disk.ok ? parseIpynb(path, disk.text) : undefined;
  savedNotebooks.set(path, { mtimeMs: st.mtimeMs, size: st.size, read });
  return read;
}

export async function notebookInputFromSync(state: WorkspaceState, notebooks: NotebookDocuments<TextDocument>, nb: NotebookDocument, path: string): Promise<NotebookInput> {
  const saved = await savedNotebook(state, path);
  const savedCode = saved?.ok ? saved.notebook.cells.filter((c) => c.kind === 'code') : [];
  let codeIndex = 0;
  // Kept per notebook for its current cells only: a deleted cell's texts are not held on to.
  const comparedBefore = comparisons.get(path);
  const compared = new Map<string, Comparison>();
  comparisons.set(path, compared);
  const sameText = (cellUri: string, live: string, savedText: string): boolean => {
    let last = comparedBefore?.get(cellUri);
    if (!last || last.live !== live || last.saved !== savedText) last = { live, saved: savedText, same: live === savedText };
    compared.set(cellUri, last);
    return last.same;
  };
  const cells: NotebookCellInput[] = nb.cells.map((cell) => {
    const source = notebooks.getCellTextDocument(cell)?.getText() ?? '';
    if (cell.kind !== CODE_CELL) return { kind: 'markdown', source };
    const savedCell = savedCode[codeIndex++];
    const sameSource = savedCell !== undefined && sameText(cell.document, source, savedCell.source);
    // vscode-languageclient sends executionSummary only once a cell ran in this session (its
    // `success` is set); a cell loaded from disk shows its saved count but sync omits it. Remember the
    // saved count per cell while the text still matched, so editing a cell does not make it look unrun.
    let count = cell.executionSummary?.executionOrder;
    if (count === undefined && sameSource) count = savedCell?.executionCount ?? undefined;
    if (count === undefined) count = knownExecutionCounts.get(cell.document);
    if (count !== undefined && knownExecutionCounts.get(cell.document) !== count) knownExecutionCounts.set(cell.document, count);
    return {
      kind: 'code',
      source,
      executionCount: count ?? null,
      ...(sameSource && savedCell?.outputs ? { outputs: savedCell.outputs } : {}),
    };
  });
  return {
    path,
    cells,
    ...(saved?.ok && saved.notebook.kernelLanguage ? { kernelLanguage: saved.notebook.kernelLanguage } : {}),
    ...(saved?.ok && saved.notebook.nbformat !== undefined ? { nbformat: saved.notebook.nbformat } : {}),
  };
}

/**
 * Is a cell's live text its saved text? Asked for every cell on every keystroke: comparing two equal
 * 1,000-cell notebooks' worth of strings character by character took more time than the edited
 * cell's analysis. An unchanged cell's live text is the same string object from one check to the
 * next (and so is the saved text while the file is unchanged), so the last answer per cell is
 * reused while both are the same objects, which `!==` tells without reading the characters.
 */
interface Comparison {
  live: string;
  saved: string;
  same: boolean;
}

const comparisons = new Map<string, Map<string, Comparison>>();

/** The execution count each open cell shows, by cell URI (see notebookInputFromSync). */
const knownExecutionCounts = new Map<string, number>();

/** What we last published per cell, per notebook, so cells that lost their findings are cleared. */
const publishedCells = new Map<string, Map<string, PublishedCell>>();

/** The cell text and the findings last published for a cell. */
interface PublishedCell {
  source: string;
  findings: Finding[];
}

/**
 * Would these findings be published as the same diagnostics? Compares what toDiagnostic reads, field
 * by field: serialising 1,000 cells' diagnostics to compare them cost more than the rest of a
 * keystroke's server work. Messages of unchanged cells are mostly the very same strings.
 */
function sameDiagnostics(a: readonly Finding[], b: readonly Finding[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.code !== y.code || x.severity !== y.severity || x.message !== y.message || !!x.unnecessary !== !!y.unnecessary) return false;
    const r = x.range;
    const q = y.range;
    if (r.start.line !== q.start.line || r.start.character !== q.start.character || r.end.line !== q.end.line || r.end.character !== q.end.character) return false;
  }
  return true;
}

export async function refreshNotebookDiagnostics(state: WorkspaceState, notebooks: NotebookDocuments<TextDocument>, notebookUri: string): Promise<void> {
  const nb = notebooks.getNotebookDocument(notebookUri);
  const path = uriToPath(notebookUri);
  if (!nb || !path) return;
  const engine = await state.engineFor(path);
  let findings: Finding[] = [];
  if (engine.editorSettings.enable) {
    const input = await notebookInputFromSync(state, notebooks, nb, path);
    findings = (await engine.checkNotebook(path, input, true)).findings;
  }
  // The notebook may have been closed (or changed) while we checked: publish only for what is open now.
  if (notebooks.getNotebookDocument(notebookUri) !== nb) return;
  const codeCellUris = nb.cells.filter((c) => c.kind === CODE_CELL).map((c) => c.document);
  const byUri = new Map<string, Finding[]>();
  for (const f of findings) {
    // File-level findings (a notebook that is not valid JSON) go on the first cell.
    const uri = codeCellUris[f.cell ?? 0] ?? nb.cells[0]?.document;
    if (!uri) continue;
    const list = byUri.get(uri);
    if (list) list.push(f);
    else byUri.set(uri, [f]);
  }
  // A keystroke in a 1,000-cell notebook changes one cell: send diagnostics for the cells whose text
  // or findings changed (the edited cell always gets a fresh answer), not for all of them.
  // The text is compared as the same string object (an unchanged cell's text is), never glued to the
  // diagnostics into one key: that copied the whole notebook's text on every keystroke.
  const previous = publishedCells.get(notebookUri) ?? new Map<string, PublishedCell>();
  const now = new Map<string, PublishedCell>();
  for (const cell of nb.cells) {
    const uri = cell.document;
    const list = byUri.get(uri) ?? [];
    const before = previous.get(uri);
    if (!list.length && !before) continue;
    const published: PublishedCell = { source: notebooks.getCellTextDocument(cell)?.getText() ?? '', findings: list };
    if (list.length) {
      state.findingsByUri.set(uri, list);
      now.set(uri, published);
    }
    if (!before || before.source !== published.source || !sameDiagnostics(before.findings, list)) publish(state, uri, list.map(toDiagnostic));
  }
  publishedCells.set(notebookUri, now);
}

export function clearNotebookDiagnostics(state: WorkspaceState, nb: NotebookDocument): void {
  const path = uriToPath(nb.uri);
  if (path) {
    savedNotebooks.delete(path);
    comparisons.delete(path);
  }
  for (const cell of nb.cells) knownExecutionCounts.delete(cell.document);
  for (const uri of publishedCells.get(nb.uri)?.keys() ?? []) publish(state, uri, []);
  publishedCells.delete(nb.uri);
}

/** Cell edits name the cell by its index among all cells; the synced notebook gives its document URI. */
export function cellUriResolver(notebooks: NotebookDocuments<TextDocument>, openNotebookUris: () => Iterable<string>): CellUriResolver {
  return (notebookPath, cellIndex) => {
    for (const uri of openNotebookUris()) {
      if (uriToPath(uri) !== notebookPath) continue;
      return notebooks.getNotebookDocument(uri)?.cells[cellIndex]?.document;
    }
    return undefined;
  };
}

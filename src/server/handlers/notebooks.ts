import type { NotebookDocument, NotebookDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Finding } from '../../core/diagnostics';
import { readTextFile } from '../../core/fs/fileSystem';
import { parseIpynb } from '../../core/notebook';
import type { NotebookCellInput, NotebookInput } from '../../core/notebook/model';
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
export async function notebookInputFromSync(state: WorkspaceState, notebooks: NotebookDocuments<TextDocument>, nb: NotebookDocument, path: string): Promise<NotebookInput> {
  const disk = await readTextFile(state.fs, path, 256 * 1024 * 1024);
  const saved = disk.ok ? parseIpynb(path, disk.text) : undefined;
  const savedCode = saved?.ok ? saved.notebook.cells.filter((c) => c.kind === 'code') : [];
  let codeIndex = 0;
  const cells: NotebookCellInput[] = nb.cells.map((cell) => {
    const source = notebooks.getCellTextDocument(cell)?.getText() ?? '';
    if (cell.kind !== CODE_CELL) return { kind: 'markdown', source };
    const savedCell = savedCode[codeIndex++];
    const order = cell.executionSummary?.executionOrder;
    const sameSource = savedCell?.source === source;
    return {
      kind: 'code',
      source,
      executionCount: order ?? (sameSource ? (savedCell?.executionCount ?? null) : null),
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

/** Cell URIs we published on, per notebook, so cells that lost their findings are cleared. */
const publishedCells = new Map<string, Set<string>>();

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
  const codeCellUris = nb.cells.filter((c) => c.kind === CODE_CELL).map((c) => c.document);
  const byUri = new Map<string, Finding[]>();
  for (const f of findings) {
    // File-level findings (a notebook that is not valid JSON) go on the first cell.
    const uri = codeCellUris[f.cell ?? 0] ?? nb.cells[0]?.document;
    if (!uri) continue;
    byUri.set(uri, [...(byUri.get(uri) ?? []), f]);
  }
  const previous = publishedCells.get(notebookUri) ?? new Set<string>();
  for (const uri of previous) if (!byUri.has(uri)) publish(state, uri, []);
  for (const [uri, list] of byUri) {
    state.findingsByUri.set(uri, list);
    publish(state, uri, list.map(toDiagnostic));
  }
  publishedCells.set(notebookUri, new Set(byUri.keys()));
}

export function clearNotebookDiagnostics(state: WorkspaceState, nb: NotebookDocument): void {
  for (const uri of publishedCells.get(nb.uri) ?? []) publish(state, uri, []);
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

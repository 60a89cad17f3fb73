import type { NotebookDocuments } from 'vscode-languageserver/node';
import type { ChangeAnnotation, CreateFile, TextDocumentEdit, WorkspaceEdit } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { readTextFile } from '../../core/fs/fileSystem';
import { dirname, relativePath } from '../../core/fs/paths';
import { locateCells } from '../../core/extract/ipynbText';
import { planProductionize } from '../../core/productionize/plan';
import type { ProductionizeParams, ProductionizeResult } from '../../protocol/protocol';
import { pathToUri, toLspWorkspaceEdit, uriToPath, type CellUriResolver } from '../convert';
import type { WorkspaceState } from '../workspaceState';

const CODE_CELL = 2;

/**
 * "Turn notebook into project": the plan as one LSP workspace edit in which every change carries a
 * change annotation, one per file, so VS Code's refactor preview lists every file before anything is
 * written, and a single undo takes it all back.
 * VS Code opens the preview when at least one change needs confirmation, and ticks exactly the changes
 * that do not (bulkEditPreview.ts: checked = !needsConfirmation; microsoft/vscode#207578 asks for
 * pre-ticked confirmations, still open). So the package, tests, pipeline files, CI and the notebook's
 * rewrite, which the user asked for and which depend on one another, start ticked; opt-in extras (the
 * README section, which is the user's own prose) need confirmation and start unticked. A plan without
 * any opt-in extra marks every change as needing confirmation: the preview must still open.
 */
export async function productionize(state: WorkspaceState, notebooks: NotebookDocuments<TextDocument>, params: ProductionizeParams, cellUri: CellUriResolver): Promise<ProductionizeResult> {
  const path = uriToPath(params.notebookUri);
  if (!path) return { ok: false, reason: 'Save the notebook to a file first: the project is built around its folder.' };
  const file = await readTextFile(state.fs, path);
  if (!file.ok) return { ok: false, reason: `Cannot read ${path} (${file.reason}).` };
  // The plan reads saved outputs (the generated tests assert them): the editor's cells must match the file.
  const nb = notebooks.getNotebookDocument(params.notebookUri);
  const located = locateCells(file.text);
  if (nb && located.ok) {
    const live = nb.cells.filter((c) => c.kind === CODE_CELL).map((c) => (notebooks.getCellTextDocument(c)?.getText() ?? '').replace(/\r\n?/g, '\n'));
    const saved = located.cells.filter((c) => c.kind === 'code').map((c) => c.source.replace(/\r\n?/g, '\n'));
    if (live.length !== saved.length || live.some((s, i) => s !== saved[i])) return { ok: false, reason: 'The notebook has unsaved changes; save it first.' };
  }
  const engine = await state.engineFor(path);
  const project = await engine.projectFor(path);
  const projectRoot = project?.root ?? dirname(path);
  const environment = project ? await engine.environmentFor(project) : undefined;
  const plan = await planProductionize(state.fs, { notebookPath: path, projectRoot, notebookText: file.text, ...(environment ? { environment } : {}) });
  if (!plan.ok) return plan;
  const versionOf = (uri: string) => state.documents.get(uri)?.version ?? null;
  const lsp = toLspWorkspaceEdit(plan.edit, versionOf, cellUri);
  return {
    ok: true,
    edit: annotate(lsp, projectRoot, plan.files, path),
    files: plan.files.map((f) => ({ path: f.path, action: f.action, description: f.description, ...(f.optIn ? { optIn: true } : {}) })),
    modules: plan.modules,
    keptBack: plan.keptBack,
    ...(plan.importCells.length ? { importCells: plan.importCells.map((c) => ({ codeIndex: c.codeIndex, emptied: c.emptied, reason: c.reason })) } : {}),
    tests: plan.tests,
    params: plan.params.map((p) => p.key),
    skipped: plan.skipped,
  };
}

/** One annotation per file (the notebook's cells share the notebook's); opt-in files need confirmation (see above). */
function annotate(edit: WorkspaceEdit, root: string, files: Array<{ path: string; description: string; optIn?: boolean }>, notebookPath: string): WorkspaceEdit {
  const changeAnnotations: Record<string, ChangeAnnotation> = {};
  const anyOptIn = files.some((f) => f.optIn);
  const idFor = (uri: string): string => {
    const path = uriToPath(uri) ?? uri;
    // Notebook cell documents (vscode-notebook-cell:...) belong to the notebook's entry.
    const owner = files.find((f) => pathToUri(f.path) === uri)?.path ?? (uri.startsWith('vscode-notebook-cell:') ? notebookPath : path);
    const id = relativePath(root, owner);
    const file = files.find((f) => f.path === owner);
    changeAnnotations[id] ??= { label: id, description: file?.description ?? '', needsConfirmation: !anyOptIn || file?.optIn === true };
    return id;
  };
  const documentChanges = (edit.documentChanges ?? []).map((change) => {
    if ('kind' in change) return { ...(change as CreateFile), annotationId: idFor((change as CreateFile).uri) };
    const docEdit = change as TextDocumentEdit;
    const id = idFor(docEdit.textDocument.uri);
    return { ...docEdit, edits: docEdit.edits.map((e) => ({ ...e, annotationId: id })) };
  });
  return { documentChanges, changeAnnotations };
}

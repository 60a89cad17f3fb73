// A plain require, not `import * as`: see extension.ts (no per-file copy of the API object at load).
import vscode = require('vscode');
import type { LanguageClient } from 'vscode-languageclient/node';
import { Requests, type ProductionizeResult } from '../protocol/protocol';

/** From the palette (nothing), the notebook toolbar (`{ notebookEditor: { notebookUri } }` or a URI), or scripts (`{ notebookUri }`). */
export type ProductionizeArgs = { notebookUri?: string | vscode.Uri; notebookEditor?: { notebookUri?: vscode.Uri }; preview?: boolean } | vscode.Uri | undefined;

function notebookUriOf(arg: ProductionizeArgs): string | undefined {
  if (arg instanceof vscode.Uri) return arg.toString();
  const given = arg?.notebookUri ?? arg?.notebookEditor?.notebookUri;
  if (given) return given.toString();
  return vscode.window.activeNotebookEditor?.notebook.uri.toString();
}

/**
 * **Turn notebook into project**: the server plans the whole layout; the client applies it as one
 * WorkspaceEdit whose changes all need confirmation, so VS Code's refactor preview lists every file
 * first and one undo reverts everything.
 */
export async function productionizeNotebook(client: LanguageClient, arg?: ProductionizeArgs): Promise<(ProductionizeResult & { applied?: boolean }) | undefined> {
  const notebookUri = notebookUriOf(arg);
  if (!notebookUri) {
    void vscode.window.showWarningMessage('ML Hygiene: open a saved notebook to turn it into a project.');
    return undefined;
  }
  const plan = await client.sendRequest<ProductionizeResult>(Requests.productionize, { notebookUri });
  if (!plan.ok) {
    void vscode.window.showErrorMessage(`ML Hygiene cannot turn this notebook into a project: ${plan.reason}`);
    return plan;
  }
  const preview = !(arg && !(arg instanceof vscode.Uri) && arg.preview === false); // scripts may skip it; people always get it
  // Without the preview nobody can tick an opt-in file (the README section): it is left out, as the CLI does.
  const leftOut = preview ? new Set<string>() : new Set(plan.files.filter((f) => f.optIn).map((f) => vscode.Uri.file(f.path).toString()));
  const edit = toWorkspaceEdit(plan.edit as LspEdit, preview, leftOut);
  // false when the user discards the preview (or a file appeared meanwhile: creates never overwrite).
  if (!(await vscode.workspace.applyEdit(edit, { isRefactoring: true }))) return { ...plan, applied: false };
  const modules = plan.modules.map((m) => m.importName).join(', ');
  const kept = plan.keptBack.length ? ` Kept in the notebook: ${plan.keptBack.map((k) => `${k.name} (${k.reason})`).join('; ')}.` : '';
  const importCells = (plan.importCells ?? []).map((c) => ` Imports cell ${c.codeIndex} ${c.emptied ? 'emptied' : c.removed ? 'trimmed' : 'kept'}: ${c.reason}.`).join('');
  void vscode.window.showInformationMessage(
    `Project created: ${plan.files.length} files${modules ? `, modules ${modules}` : ''}, ${plan.tests} tests${plan.params.length ? `, params ${plan.params.join(', ')}` : ''}.${kept}${importCells} Install it with \`pip install -e .\` and restart the kernel.`,
  );
  return { ...plan, applied: true };
}

interface LspRange {
  start: { line: number; character: number };
  end: { line: number; character: number };
}
interface LspEdit {
  documentChanges: Array<
    | { kind: 'create'; uri: string; annotationId?: string }
    | { textDocument: { uri: string; version: number | null }; edits: Array<{ range: LspRange; newText: string; annotationId?: string }> }
  >;
  changeAnnotations?: Record<string, { label: string; description?: string; needsConfirmation?: boolean }>;
}

const toRange = (r: LspRange) => new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);

/**
 * The server's edit as a vscode.WorkspaceEdit. A new file is created *with* its content (one
 * operation), rather than created empty and then edited: VS Code would open an unsaved model for each
 * such file, which one undo cannot delete, and the refactor preview would have to resolve a document
 * that does not exist yet.
 */
function toWorkspaceEdit(lsp: LspEdit, preview: boolean, leftOut: Set<string>): vscode.WorkspaceEdit {
  const edit = new vscode.WorkspaceEdit();
  const metadata = (id: string | undefined): vscode.WorkspaceEditEntryMetadata | undefined => {
    const a = id ? lsp.changeAnnotations?.[id] : undefined;
    return a ? { label: a.label, ...(a.description ? { description: a.description } : {}), needsConfirmation: preview && a.needsConfirmation === true } : undefined;
  };
  const changes = lsp.documentChanges;
  for (let i = 0; i < changes.length; i++) {
    const change = changes[i]!;
    if (leftOut.has(vscode.Uri.parse('kind' in change ? change.uri : change.textDocument.uri).toString())) continue;
    if ('kind' in change) {
      const next = changes[i + 1];
      const content = next && !('kind' in next) && next.textDocument.uri === change.uri && next.textDocument.version === null ? next.edits.map((e) => e.newText).join('') : '';
      if (content && next) i++;
      edit.createFile(vscode.Uri.parse(change.uri), { contents: new TextEncoder().encode(content), overwrite: false, ignoreIfExists: false }, metadata(change.annotationId));
    } else {
      const uri = vscode.Uri.parse(change.textDocument.uri);
      for (const e of change.edits) edit.replace(uri, toRange(e.range), e.newText, metadata(e.annotationId));
    }
  }
  return edit;
}

// A plain require, not `import * as`: see extension.ts (no per-file copy of the API object at load).
import vscode = require('vscode');
import type { LanguageClient } from 'vscode-languageclient/node';
import { Requests, type ProductionizeResult } from '../protocol/protocol';

/** From the palette (nothing), the notebook toolbar (`{ notebookEditor: { notebookUri } }` or a URI), or scripts (`{ notebookUri }`). */
export type ProductionizeArgs = { notebookUri?: string | vscode.Uri; notebookEditor?: { notebookUri?: vscode.Uri } } | vscode.Uri | undefined;

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
export async function productionizeNotebook(client: LanguageClient, arg?: ProductionizeArgs): Promise<ProductionizeResult | undefined> {
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
  const edit = await client.protocol2CodeConverter.asWorkspaceEdit(plan.edit as Parameters<typeof client.protocol2CodeConverter.asWorkspaceEdit>[0]);
  if (!edit || !(await vscode.workspace.applyEdit(edit, { isRefactoring: true }))) return plan;
  const modules = plan.modules.map((m) => m.importName).join(', ');
  const kept = plan.keptBack.length ? ` Kept in the notebook: ${plan.keptBack.map((k) => `${k.name} (${k.reason})`).join('; ')}.` : '';
  void vscode.window.showInformationMessage(
    `Project created: ${plan.files.length} files${modules ? `, modules ${modules}` : ''}, ${plan.tests} tests${plan.params.length ? `, params ${plan.params.join(', ')}` : ''}.${kept} Install it with \`pip install -e .\` and restart the kernel.`,
  );
  return plan;
}

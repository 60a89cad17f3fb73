// Puts the workbench in the state docs/images/notebook-diagnostics.png shows: the notebook editor
// active with MLH203 squiggled in its cell, the Problems panel listing the cell findings, the
// Problems count and the readiness badge of the notebook's project in the status bar.
import * as vscode from 'vscode';
import { ourDiagnostics, waitFor } from '../workbench';
import { activeExtension, codeCell, showNotebook } from './notebook';

export async function stageScreenshot(): Promise<void> {
  const { api } = await activeExtension();
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  await vscode.commands.executeCommand('workbench.action.closeAuxiliaryBar');
  const { notebook, editor } = await showNotebook();
  const cell = codeCell(notebook, 3);
  await waitFor('MLH203 for the screenshot', () => ourDiagnostics(cell.document.uri, 'MLH203').length > 0, 30_000);
  editor.revealRange(new vscode.NotebookRange(cell.index, cell.index + 1), vscode.NotebookEditorRevealType.InCenter);
  await waitFor('the badge for the screenshot', () => api.readiness.badge.current !== undefined, 15_000);
  await vscode.commands.executeCommand('workbench.actions.view.problems');
  await new Promise((resolve) => setTimeout(resolve, 750));
}

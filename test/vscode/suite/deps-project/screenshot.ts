// Puts the workbench in the state docs/images/pyproject-diagnostics.png shows: pyproject.toml open
// with its dependency findings squiggled and listed in the Problems panel.
import * as vscode from 'vscode';
import { diagnosticOnLine, locate, readFixtureText, showFile, waitFor, workspaceFile } from '../workbench';

export async function stageScreenshot(): Promise<void> {
  const pyproject = workspaceFile('pyproject.toml');
  const source = await readFixtureText('pyproject.toml');
  const pandas = locate(source, '"pandas"');

  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  await vscode.commands.executeCommand('workbench.view.explorer');
  // The secondary side bar (chat) would only take space from the editor in the picture.
  await vscode.commands.executeCommand('workbench.action.closeAuxiliaryBar');
  const editor = await showFile(pyproject);
  await waitFor('MLH101 on pandas for the screenshot', () => diagnosticOnLine(pyproject, 'MLH101', pandas.line), 30_000);
  const cursor = new vscode.Position(pandas.line, pandas.character + 1);
  editor.selection = new vscode.Selection(cursor, cursor);
  editor.revealRange(new vscode.Range(cursor, cursor), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  await vscode.commands.executeCommand('workbench.actions.view.problems');
}

// Puts the workbench in the state docs/images/pyproject-toml-highlighting.png shows: pyproject.toml
// highlighted by the extension's TOML grammar, with our hover on a rule code of [tool.ml-hygiene].
import * as vscode from 'vscode';
import { locate, readFixtureText, showFile, workspaceFile } from '../workbench';

export async function stageScreenshot(): Promise<void> {
  const source = await readFixtureText('pyproject.toml');
  const at = locate(source, 'MLH203');
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  await vscode.commands.executeCommand('workbench.view.explorer');
  await vscode.commands.executeCommand('workbench.action.closeAuxiliaryBar');
  await vscode.commands.executeCommand('workbench.action.closePanel');
  const editor = await showFile(workspaceFile('pyproject.toml'));
  const cursor = new vscode.Position(at.line, at.character + 2);
  editor.selection = new vscode.Selection(cursor, cursor);
  editor.revealRange(new vscode.Range(0, 0, 0, 0), vscode.TextEditorRevealType.AtTop);
  await vscode.commands.executeCommand('editor.action.showHover');
}

// Puts the workbench in the state docs/images/readiness-report.png shows: the Readiness report of the
// fixture project filling the editor area, with the badge in the status bar.
import * as vscode from 'vscode';
import { showFile, waitFor, workspaceFile } from '../workbench';
import { activeApi, serverReadiness } from './support';

export async function stageScreenshot(): Promise<void> {
  const { api } = await activeApi();
  const pyproject = workspaceFile('pyproject.toml');
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  await vscode.commands.executeCommand('workbench.action.closeAuxiliaryBar');
  await vscode.commands.executeCommand('workbench.action.closePanel');
  await vscode.commands.executeCommand('workbench.action.closeSidebar');
  await showFile(pyproject);
  const project = await serverReadiness(api, pyproject);
  await waitFor('the badge for the screenshot', () => api.readiness.badge.current?.score === project.score, 15_000);
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  await vscode.commands.executeCommand('mlHygiene.showReadinessReport', pyproject);
  await waitFor('the report page to load for the screenshot', () => api.readiness.report.panel?.visible && api.readiness.report.page?.scores[0] === project.score, 15_000);
  // The page posted from its script; give the webview a moment to paint before the picture.
  await new Promise((resolve) => setTimeout(resolve, 750));
}

// Puts the workbench in the state docs/images/pipeline-graph.png shows: the Pipeline graph with one
// stage of each status (train changed by an edit, export never run, a reports/dvc.yaml stage in
// error), and dvc.yaml beside it where a click on train revealed the stage.
import * as vscode from 'vscode';
import { activeExtension, waitFor } from '../workbench';
import { clickInWebview } from '../webviewDom';
import { breakTrainAndAddReport, nodeClasses } from './graph';

export async function stageScreenshot(): Promise<void> {
  await activeExtension();
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  await vscode.commands.executeCommand('workbench.action.closeAuxiliaryBar');
  await vscode.commands.executeCommand('workbench.action.closePanel');
  await breakTrainAndAddReport();
  await vscode.commands.executeCommand('workbench.view.extension.mlHygiene');
  await vscode.commands.executeCommand('mlHygiene.showPipelineGraph');
  await waitFor(
    'the graph to show every status for the screenshot',
    async () => {
      const statuses = new Set((await nodeClasses()).map(([, status]) => status));
      return ['status-up-to-date', 'status-changed', 'status-never-run', 'status-error'].every((s) => statuses.has(s));
    },
    30_000,
  );
  await clickInWebview('g.node[data-id="dvc.yaml:train"]');
  await waitFor('dvc.yaml beside the graph', () => vscode.window.activeTextEditor?.document.uri.path.endsWith('/dvc.yaml'), 10_000);
  // Give the webview a moment to paint after the layout change.
  await new Promise((resolve) => setTimeout(resolve, 750));
}

// Puts the workbench in the state docs/images/pipeline-tree.png shows: the ML Hygiene container with
// the Pipeline view, `train` changed by a params edit and expanded to its deps/outs/params, and
// dvc.yaml open beside it with its findings. Runs after a green run, so it may change the workspace copy.
import * as vscode from 'vscode';
import { diagnosticOnLine, locate, readFixtureText, showFile, waitFor, workspaceFile } from '../workbench';
import { activeExtension, showPipelineView, stageNamed } from './extension';

export async function stageScreenshot(): Promise<void> {
  const { api } = await activeExtension();
  const dvcYaml = workspaceFile('dvc.yaml');
  const source = await readFixtureText('dvc.yaml');
  const train = locate(source, '  train:');

  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  await vscode.commands.executeCommand('workbench.action.closeAuxiliaryBar');
  await vscode.commands.executeCommand('workbench.action.closePanel');
  for (const terminal of vscode.window.terminals) terminal.dispose();

  // A params change, as after tuning: train turns "changed (params)" and its param row says so.
  const params = await readFixtureText('params.yaml');
  await vscode.workspace.fs.writeFile(workspaceFile('params.yaml'), new TextEncoder().encode(params.replace('max_depth: 6', 'max_depth: 8')));
  const changed = await waitFor(
    'train to turn changed (params) for the screenshot',
    async () => {
      const stage = stageNamed(await api.pipeline.rootsNow(), 'train');
      return stage.description === 'changed (params)' && stage;
    },
    15_000,
  );

  const editor = await showFile(dvcYaml);
  await waitFor('MLH309 on train for the screenshot', () => diagnosticOnLine(dvcYaml, 'MLH309', train.line), 15_000);
  const cursor = new vscode.Position(train.line, train.character + 2);
  editor.selection = new vscode.Selection(cursor, cursor);
  editor.revealRange(new vscode.Range(cursor, cursor), vscode.TextEditorRevealType.InCenterIfOutsideViewport);

  await showPipelineView(api);
  await api.pipelineView.reveal(changed, { expand: true, select: true, focus: false });
}

// Shared by the Pipeline graph suite and its screenshot: the fixture's edges, the workspace changes
// that bring the other statuses, and the nodes as the webview draws them.
import * as vscode from 'vscode';
import { readFixtureText, workspaceFile } from '../workbench';
import { queryWebview } from '../webviewDom';

/** Producer → consumer, one per stage pair where the consumer's deps read the producer's outs. */
export const EDGES = [
  'dvc.yaml:featurize -> dvc.yaml:evaluate@test',
  'dvc.yaml:featurize -> dvc.yaml:evaluate@train',
  'dvc.yaml:featurize -> dvc.yaml:train',
  'dvc.yaml:prepare -> dvc.yaml:featurize',
  'dvc.yaml:train -> dvc.yaml:evaluate@test',
  'dvc.yaml:train -> dvc.yaml:evaluate@train',
  'dvc.yaml:train -> dvc.yaml:export',
].sort();

export const TRAIN_EDIT = '\n# TODO: try class_weight="balanced" once the new labels land.\n';
export const REPORTS_DVC_YAML = 'reports/dvc.yaml';
/** A second dvc.yaml reading the test split's metrics; `${report.top_k}` resolves to nothing (no reports/params.yaml). */
const REPORTS = `stages:
  summary:
    cmd: python summarize.py ../eval/test/metrics.json --top \${report.top_k}
    deps:
      - ../eval/test/metrics.json
    outs:
      - summary.md
`;

/** Edits src/train.py on disk (train turns changed) and writes reports/dvc.yaml (a stage in error), once. */
export async function breakTrainAndAddReport(): Promise<void> {
  const train = await readFixtureText('src/train.py');
  if (!train.endsWith(TRAIN_EDIT)) await vscode.workspace.fs.writeFile(workspaceFile('src/train.py'), new TextEncoder().encode(train + TRAIN_EDIT));
  await vscode.workspace.fs.writeFile(workspaceFile(REPORTS_DVC_YAML), new TextEncoder().encode(REPORTS));
}

/** [data-id, status class] of every stage box the webview draws, in DOM order. */
export async function nodeClasses(): Promise<[string, string][]> {
  const nodes = await queryWebview('g.node', ['data-id', 'class']);
  return nodes.attributes.map((a) => [a['data-id'] ?? '', (a['class'] ?? '').split(/\s+/).find((c) => c.startsWith('status-')) ?? '']);
}

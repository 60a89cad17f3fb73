// Issue 3: the Pipeline view in a real workbench, from the packaged .vsix. Stage names in DAG order,
// their status, their deps/outs/params, an on-disk change to a dep turning a stage "changed" without
// any user action, and reveal in dvc.yaml.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { suite, suiteSetup, suiteTeardown, test } from '../tdd';
import { describeDiagnostics, diagnosticOnLine, locate, readFixtureText, showFile, waitFor, workspaceFile } from '../workbench';
import {
  activeExtension,
  describeChildren,
  renderedPipelineRows,
  showPipelineView,
  stageNamed,
  stagesOf,
  type PipelineTreeNode,
} from './extension';
import type { MlHygieneApi } from '../../../../src/client/extension';

const dvcYaml = workspaceFile('dvc.yaml');
const trainScript = workspaceFile('src/train.py');
/** Appended to src/train.py to change it on disk. */
const EDIT = '\n# TODO: try class_weight="balanced" once the new labels land.\n';

/** Stage → description, as the fixture's dvc.lock (real md5s of the fixture files) makes them. */
const FIXTURE_STATUS: [string, string][] = [
  ['prepare', 'up to date'],
  ['featurize', 'up to date'],
  ['train', 'up to date'],
  ['evaluate@train', 'up to date'],
  ['evaluate@test', 'up to date'],
  ['export', 'never run'],
];

async function stageWhen(api: MlHygieneApi, name: string, what: string, accept: (stage: PipelineTreeNode) => boolean, timeoutMs: number): Promise<PipelineTreeNode> {
  let last: PipelineTreeNode | undefined;
  return waitFor(
    what,
    async () => {
      last = stageNamed(await api.pipeline.rootsNow(), name);
      return accept(last) ? last : false;
    },
    timeoutMs,
  ).catch((error: Error) => {
    throw new Error(`${error.message}; ${name} is ${last?.status} "${last?.description}" with ${JSON.stringify(last && describeChildren(last))}`);
  });
}

suite('dvc-project: Pipeline view', () => {
  let api: MlHygieneApi;
  let source: string;

  suiteSetup(async () => {
    source = await readFixtureText('dvc.yaml');
  });

  suiteTeardown(async () => {
    // Leave src/train.py as the fixture has it even when a test failed half-way.
    const original = await readFixtureText('src/train.py').catch(() => undefined);
    if (original !== undefined && original.endsWith(EDIT)) {
      await vscode.workspace.fs.writeFile(trainScript, new TextEncoder().encode(original.slice(0, -EDIT.length)));
    }
  });

  test('the installed .vsix activates and the ML Hygiene container shows the Pipeline view', async () => {
    ({ api } = await activeExtension());
    await showPipelineView(api);
    assert.equal(api.pipelineView.visible, true);
  });

  test('stages are listed in DAG order, foreach expanded as name@key, each with its status', async () => {
    // dvc.yaml writes `evaluate` (which needs train's model) before `train`: the tree must not
    // simply follow the file.
    assert.ok(locate(source, '  evaluate:').line < locate(source, '  train:').line, 'the fixture lists evaluate before train');
    const stages = stagesOf(await api.pipeline.rootsNow());
    assert.deepEqual(
      stages.map((s) => [s.label, s.description]),
      FIXTURE_STATUS,
    );
    assert.deepEqual(
      stages.map((s) => s.status),
      ['up-to-date', 'up-to-date', 'up-to-date', 'up-to-date', 'up-to-date', 'never-run'],
    );
  });

  test('the view renders the dvc.yaml row and one row per stage with its description', async () => {
    await showPipelineView(api);
    const expected = ['dvc.yaml', ...FIXTURE_STATUS.map(([name, status]) => `${name} — ${status}`)];
    let rows: string[] = [];
    await waitFor(
      'the Pipeline view to render every stage',
      async () => {
        rows = await renderedPipelineRows();
        return JSON.stringify(rows) === JSON.stringify(expected);
      },
      10_000,
    ).catch(() => assert.deepEqual(rows, expected, 'rows of the Pipeline view'));
  });

  test('children: deps, outs (metrics and plots marked) and params with their current values', async () => {
    const roots = await api.pipeline.rootsNow();
    assert.deepEqual(describeChildren(stageNamed(roots, 'prepare')), [
      'dep data/raw/customers.csv = unchanged',
      'dep src/prepare.py = unchanged',
      'out data/prepared = unchanged',
      // params.yaml says 0.20; dvc.lock recorded 0.2: equal as Python values.
      'param prepare.split = 0.2',
      'param prepare.seed = 17',
    ]);
    assert.deepEqual(describeChildren(stageNamed(roots, 'featurize')), [
      'dep data/prepared = unchanged',
      'dep src/featurize.py = unchanged',
      'out data/features = unchanged',
      'param featurize.max_tenure_months = 72',
      'param featurize.one_hot = [plan, region]',
    ]);
    const evaluateTest = stageNamed(roots, 'evaluate@test');
    assert.deepEqual(describeChildren(evaluateTest), [
      'dep models/model.pkl = unchanged',
      'dep data/features = unchanged',
      'dep src/evaluate.py = unchanged',
      'metric eval/test/metrics.json = metric · unchanged',
      'plot eval/test/roc.csv = plot · unchanged',
      'param evaluate.threshold = 0.5',
    ]);
    const threshold = evaluateTest.children!.find((c) => c.kind === 'param')!;
    assert.equal(threshold.value, '0.5');
    assert.equal(threshold.state, 'unchanged');
    // Never run: nothing recorded, so its dep is new and its missing out is deleted.
    assert.deepEqual(describeChildren(stageNamed(roots, 'export')), ['dep models/model.pkl = new', 'out models/model.onnx = deleted']);
  });

  test('a change to a dep file on disk turns its stage "changed" within seconds, with no refresh', async () => {
    await showFile(dvcYaml);
    const trainLine = locate(source, '  train:').line;
    await stageWhen(api, 'train', 'train to be up to date before the edit', (s) => s.status === 'up-to-date', 10_000);
    let notified = 0;
    const listener = api.pipeline.onDidChangeTreeData(() => notified++);
    try {
      const original = await readFixtureText('src/train.py');
      const started = Date.now();
      await vscode.workspace.fs.writeFile(trainScript, new TextEncoder().encode(original + EDIT));

      const train = await stageWhen(api, 'train', 'train to turn changed', (s) => s.status === 'changed', 5_000);
      const latency = Date.now() - started;
      console.log(`[dvc-project] train turned changed ${latency} ms after src/train.py was written`);
      assert.ok(notified > 0, 'the view should have been told to refresh (onDidChangeTreeData)');
      assert.equal(train.description, 'changed (deps)');
      assert.deepEqual(describeChildren(train), [
        'dep data/features = unchanged',
        'dep src/train.py = modified',
        'out models/model.pkl = unchanged',
        'param train.n_estimators = 120',
        'param train.max_depth = 6',
        'param train.seed = 17',
      ]);
      assert.equal(train.children!.find((c) => c.label === 'src/train.py')!.state, 'modified');
      // Like `dvc status`: downstream stages compare their own deps, and models/model.pkl is unchanged.
      assert.deepEqual(
        stagesOf(await api.pipeline.rootsNow()).map((s) => [s.label, s.description]),
        FIXTURE_STATUS.map(([name, status]) => [name, name === 'train' ? 'changed (deps)' : status]),
      );
      await waitFor('the view to render "train — changed (deps)"', async () => (await renderedPipelineRows()).includes('train — changed (deps)'), 10_000);
      // dvc.yaml is open: the status finding lands on the stage name.
      const mlh309 = await waitFor('MLH309 on the train stage name', () => diagnosticOnLine(dvcYaml, 'MLH309', trainLine), 10_000).catch(
        (error: Error) => {
          throw new Error(`${error.message}; dvc.yaml has:\n${describeDiagnostics(dvcYaml)}`);
        },
      );
      assert.deepEqual([mlh309.range.start.character, mlh309.range.end.character], [2, 2 + 'train'.length]);

      // Writing the original bytes back makes it up to date again (the hash cache sees a new mtime).
      await vscode.workspace.fs.writeFile(trainScript, new TextEncoder().encode(original));
      await stageWhen(api, 'train', 'train to be up to date again', (s) => s.status === 'up-to-date', 5_000);
      await waitFor('MLH309 to clear', () => !diagnosticOnLine(dvcYaml, 'MLH309', trainLine), 10_000);
    } finally {
      listener.dispose();
    }
  });

  test('mlHygiene.revealInDvcYaml opens dvc.yaml with the stage name selected', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const roots = await api.pipeline.rootsNow();
    for (const name of ['train', 'export']) {
      await vscode.commands.executeCommand('mlHygiene.revealInDvcYaml', stageNamed(roots, name));
      const editor = await waitFor(
        'dvc.yaml to be the active editor',
        () => vscode.window.activeTextEditor?.document.uri.toString() === dvcYaml.toString() && vscode.window.activeTextEditor,
        5_000,
      );
      const at = locate(source, `  ${name}:`);
      const { start, end } = editor.selection;
      assert.deepEqual(
        [start.line, start.character, end.line, end.character],
        [at.line, at.character + 2, at.line, at.character + 2 + name.length],
        `the selection should be the stage name ${name}`,
      );
      assert.equal(editor.document.getText(editor.selection), name);
    }
  });
});

// Issue 7: "In an untrusted workspace, the extension spawns no process. A test asserts it."
// The folder opens in restricted mode. ML Hygiene still reads files (diagnostics, the Pipeline tree)
// but starts no process, does not read the Python environment in .venv and runs no DVC stage.
// suite/dvc-project checks the same probes in a trusted workspace, where they do see a process.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { suite, suiteSetup, suiteTeardown, test } from '../tdd';
import {
  describeDiagnostics,
  diagnosticOnLine,
  locate,
  readFixtureText,
  showFile,
  waitFor,
  workspaceFile,
  codeActionsAt,
} from '../workbench';
import {
  activeExtension,
  describeChildren,
  languageServerProcesses,
  processes,
  notificationMessages,
  processesOfExtension,
  renderedPipelineRows,
  recordSpawns,
  showPipelineView,
  stageNamed,
  stagesOf,
} from '../dvc-project/extension';
import type { MlHygieneApi } from '../../../../src/client/extension';

const pyproject = workspaceFile('pyproject.toml');
/** The installed distribution a trusted workspace would pin numpy to (`ml-hygiene pin` says so). */
const METADATA = '.venv/lib/python3.11/site-packages/numpy-1.26.4.dist-info/METADATA';
const fakeDvcLog = workspaceFile('.dvc/tmp/fake-dvc-calls.log');

suite('untrusted: restricted mode', () => {
  let extension: vscode.Extension<MlHygieneApi>;
  let api: MlHygieneApi;
  /** child_process calls in the extension host while the tests run. */
  let spawns: ReturnType<typeof recordSpawns>;

  suiteSetup(async () => {
    // Everything below means something only in restricted mode.
    assert.equal(vscode.workspace.isTrusted, false, 'the harness should open this folder untrusted');
    spawns = recordSpawns();
    // The recorder works: it sees this call (made from the test bundle, not from the extension).
    spawnSync('true');
    assert.deepEqual(spawns.calls.map((c) => `${c.fn} ${c.command}`), ['spawnSync true']);
  });

  suiteTeardown(() => {
    spawns.stop();
  });

  test('the workspace is untrusted and the installed .vsix still activates', async () => {
    assert.equal(vscode.workspace.isTrusted, false);
    ({ extension, api } = await activeExtension());
    assert.equal(extension.isActive, true);
  });

  test('diagnostics still appear on pyproject.toml', async () => {
    const source = await readFixtureText('pyproject.toml');
    await showFile(pyproject);
    const numpy = locate(source, '"numpy"');
    const diagnostic = await waitFor('MLH101 on numpy', () => diagnosticOnLine(pyproject, 'MLH101', numpy.line), 30_000).catch(
      (error: Error) => {
        throw new Error(`${error.message}; pyproject.toml has:\n${describeDiagnostics(pyproject)}`);
      },
    );
    assert.deepEqual(
      [diagnostic.range.start.character, diagnostic.range.end.character],
      [numpy.character + 1, numpy.character + 1 + 'numpy'.length],
    );
  });

  test('no quick fix pins from the environment: .venv is not read', async () => {
    // The fixture's environment is real enough to be read when trusted: numpy 1.26.4.
    const metadata = await readFixtureText(METADATA);
    assert.match(metadata, /^Name: numpy$/m);
    assert.match(metadata, /^Version: 1\.26\.4$/m);
    const source = await readFixtureText('pyproject.toml');
    const diagnostic = await waitFor('MLH101 on numpy', () => diagnosticOnLine(pyproject, 'MLH101', locate(source, '"numpy"').line), 30_000);
    const actions = await codeActionsAt(pyproject, diagnostic.range, vscode.CodeActionKind.QuickFix);
    const titles = actions.map((a) => a.title);
    assert.ok(!titles.some((t) => t.includes('1.26.4') || t.includes('numpy==')), `no action may pin numpy, got ${JSON.stringify(titles)}`);
    for (const action of actions) {
      const edits = 'edit' in action && action.edit ? action.edit.entries().flatMap(([, e]) => e.map((x) => x.newText)) : [];
      assert.ok(!edits.some((t) => t.includes('1.26.4')), `${action.title} writes the installed version: ${JSON.stringify(edits)}`);
    }
  });

  test('the Pipeline tree still renders', async () => {
    await showPipelineView(api);
    const roots = await api.pipeline.rootsNow();
    assert.deepEqual(stagesOf(roots).map((s) => [s.label, s.description]), [['train', 'never run']]);
    let rows: string[] = [];
    await waitFor('the view to render the stage', async () => JSON.stringify((rows = await renderedPipelineRows())) === JSON.stringify(['dvc.yaml', 'train — never run']), 10_000).catch(
      () => assert.deepEqual(rows, ['dvc.yaml', 'train — never run'], 'rows of the Pipeline view'),
    );
    assert.deepEqual(describeChildren(stageNamed(roots, 'train')), [
      'dep data/reviews.csv = new',
      'dep src/sentiment/train.py = new',
      'out models/sentiment.pkl = deleted',
      'param train.C = 1.0 · new',
    ]);
  });

  test('Run stage refuses with a warning, opens no terminal and runs no dvc', async () => {
    const warning = 'ML Hygiene does not run DVC stages in an untrusted workspace.';
    const shown = (messages: string[]) => messages.some((text) => text.includes(warning));
    assert.equal(shown(await notificationMessages()), false, 'no such warning before Run stage');
    const before = vscode.window.terminals.length;
    const train = stageNamed(await api.pipeline.rootsNow(), 'train');
    await vscode.commands.executeCommand('mlHygiene.runStage', train);
    let messages: string[] = [];
    await waitFor(
      `the warning "${warning}"`,
      async () => shown((messages = await notificationMessages())),
      10_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}; notifications: ${JSON.stringify(messages)}`);
    });
    assert.equal(vscode.window.terminals.length, before, 'no terminal may be created');
    // The fixture's .venv/bin/dvc would have written this log had anything run it.
    assert.equal(fs.existsSync(fakeDvcLog.fsPath), false, 'the project\'s dvc must not run');
  });

  test('no process was spawned: nothing on the machine runs the extension\'s server or files', async () => {
    // The probe works: it sees this extension host (suite/dvc-project also sees the trusted server).
    const all = processes();
    assert.ok(all.some((p) => p.pid === process.pid && p.cmdline.length > 0), 'reading /proc should list the extension host itself');
    assert.deepEqual(languageServerProcesses(extension), [], 'no process may run dist/server.js');
    assert.deepEqual(processesOfExtension(extension), [], 'no process may mention the extension\'s folder');
    // Nor briefly, while the tests edited, refreshed and ran stages: no child_process call came from
    // the extension's bundles (extension.js, and server.js which runs in-process here).
    const fromExtension = spawns.calls.filter((c) => c.stack.includes(extension.extensionPath));
    assert.deepEqual(fromExtension, [], 'no child_process call may come from the extension');
    // The language server answers all the same: it runs inside the extension host.
    assert.equal(api.client.isRunning(), true);
  });
});

// The trusted counterpart of suite/untrusted: here the language server is its own process and
// "Run stage" runs `dvc repro <stage>` in a terminal. The fixture's .venv/bin/dvc is a stand-in that
// records its arguments in .dvc/tmp/fake-dvc-calls.log instead of running the pipeline.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { suite, suiteTeardown, test } from '../tdd';
import { waitFor, workspaceFile } from '../workbench';
import { activeExtension, languageServerProcesses, processes, stageNamed } from './extension';

const fakeDvcLog = workspaceFile('.dvc/tmp/fake-dvc-calls.log');

suite('dvc-project: processes and Run stage (trusted)', () => {
  const opened: vscode.Terminal[] = [];

  suiteTeardown(() => {
    for (const terminal of opened) terminal.dispose();
  });

  test('the workspace is trusted and the language server runs as a child process of the extension host', async () => {
    assert.equal(vscode.workspace.isTrusted, true);
    const { extension } = await activeExtension();
    // The probe suite/untrusted relies on: it must see this process when there is one.
    assert.ok(processes().some((p) => p.pid === process.pid), 'reading /proc should list the extension host itself');
    const servers = languageServerProcesses(extension);
    assert.equal(servers.length, 1, `expected one language server process, got ${JSON.stringify(servers)}`);
    assert.equal(servers[0]!.ppid, process.pid, 'the extension host should have started it');
  });

  test('Run stage sends `dvc repro <stage>` with the project\'s dvc to a new terminal', async () => {
    const { api } = await activeExtension();
    const before = vscode.window.terminals.length;
    const exportStage = stageNamed(await api.pipeline.rootsNow(), 'export');
    await vscode.commands.executeCommand('mlHygiene.runStage', exportStage);
    const terminal = await waitFor('a terminal to open', () => vscode.window.terminals.find((t) => t.name === 'dvc repro export'), 10_000);
    opened.push(terminal);
    assert.equal(vscode.window.terminals.length, before + 1);
    await waitFor('the stand-in dvc to be run', () => fs.existsSync(fakeDvcLog.fsPath), 15_000);
    assert.equal(fs.readFileSync(fakeDvcLog.fsPath, 'utf8'), 'repro export\n');
  });
});

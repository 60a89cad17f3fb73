// Issue 14 §4 in a real VS Code: DVC hashing of large data shows the server's work-done progress in
// the workbench, and the Cancel a person presses there reaches the server and stops the hashing.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { MlHygieneApi } from '../../../../src/client/extension';
import { suite, suiteSetup, suiteTeardown, test } from '../tdd';
import { activeExtension, waitFor, workspaceFile } from '../workbench';
import { queryWorkbench } from '../dvc-project/extension';
import { clickInWorkbench } from '../webviewDom';

/** Sparse (no disk used): seconds to hash on a fast machine, a minute here; long enough to cancel, bounded if missed. */
const BIG = 3 * 1024 * 1024 * 1024;
const NOTIFICATION = '.notifications-center .notification-list-item';

suite('pipeline-graph: progress of DVC hashing in the workbench', () => {
  let api: MlHygieneApi;
  const folder = workspaceFile('archive');

  suiteSetup(async () => {
    ({ api } = await activeExtension());
  });

  suiteTeardown(async () => {
    // The new files also started the badge's workspace check, which hashes the same data: cancel it
    // too (with its own Cancel), so no hashing outlives the test and slows the next one.
    await vscode.commands.executeCommand('notifications.showList');
    await waitFor(
      'every ML Hygiene progress to end',
      async () => {
        const running = (await queryWorkbench(NOTIFICATION)).filter((t) => t.includes('ML Hygiene:'));
        if (running.length) await clickInWorkbench(`${NOTIFICATION}:has-text("ML Hygiene:") .monaco-button:has-text("Cancel")`).catch(() => undefined);
        return running.length === 0;
      },
      30_000,
    ).catch(() => undefined);
    await vscode.workspace.fs.delete(folder, { recursive: true, useTrash: false }).then(undefined, () => undefined);
    await vscode.commands.executeCommand('notifications.hideList');
  });

  test('hashing a large DVC dep shows the server\'s progress in the status bar, naming the file; Cancel in its notification stops the hashing', async () => {
    fs.mkdirSync(folder.fsPath, { recursive: true });
    const data = `${folder.fsPath}/scans.bin`;
    fs.writeFileSync(data, '');
    fs.truncateSync(data, BIG);
    fs.writeFileSync(`${folder.fsPath}/dvc.yaml`, 'stages:\n  index:\n    cmd: python index.py\n    deps:\n      - scans.bin\n');
    // The lock records another hash at the same size, so the file must really be read.
    fs.writeFileSync(
      `${folder.fsPath}/dvc.lock`,
      `schema: '2.0'\nstages:\n  index:\n    cmd: python index.py\n    deps:\n    - path: scans.bin\n      hash: md5\n      md5: 0123456789abcdef0123456789abcdef\n      size: ${BIG}\n`,
    );
    // Both the Pipeline tree (DVC status) and the badge's workspace check hash the new data, each
    // with its own progress; the hash workers take them one after the other.
    await vscode.commands.executeCommand('mlHygiene.pipeline.refresh');
    void api.pipeline.rootsNow();

    const hashing = /ML Hygiene: (DVC status|checking the workspace): hashing archive\/scans\.bin \((\d+)%\)/;
    const cancelled: string[] = [];
    const deadline = Date.now() + 60_000;
    let quietSince = Date.now();
    // Until 5 s pass without any ML Hygiene progress after a Cancel: the second hashing starts once
    // the first stops.
    while (Date.now() < deadline && !(cancelled.length && Date.now() - quietSince > 5_000)) {
      // What the status bar shows of the server's progress (VS Code: a window progress).
      const items = await queryWorkbench('.statusbar-item');
      if (items.some((t) => t.includes('ML Hygiene:'))) quietSince = Date.now();
      const shown = items.map((t) => hashing.exec(t)).find(Boolean);
      if (!shown) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        continue;
      }
      const [, title, percent] = shown;
      if (!cancelled.length) {
        // The server has seen the new files now (it is hashing them): a tree asked for from here on
        // lists archive/dvc.yaml too, whatever the order of the file events was.
        await vscode.commands.executeCommand('mlHygiene.pipeline.refresh');
        void api.pipeline.rootsNow();
      }
      // The window progress is a silent notification: the center lists it with its Cancel button.
      await vscode.commands.executeCommand('notifications.showList');
      const listed = await waitFor('the progress in the notification center', async () => (await queryWorkbench(NOTIFICATION)).some((t) => t.includes(`ML Hygiene: ${title}`)), 10_000);
      assert.ok(listed);
      const clickedAt = Date.now();
      await clickInWorkbench(`${NOTIFICATION}:has-text("ML Hygiene: ${title}") .monaco-button:has-text("Cancel")`);
      // The server ends the progress only once the work has stopped: that must be at once, not after
      // hashing the rest of the 3 GiB.
      await waitFor(`"${title}" to end after Cancel`, async () => !(await queryWorkbench('.statusbar-item')).some((t) => t.includes(`ML Hygiene: ${title}`)), 5_000);
      cancelled.push(`${title} at ${percent}% (ended ${Date.now() - clickedAt} ms after Cancel)`);
      assert.ok(Number(percent) < 100);
      quietSince = Date.now();
    }
    assert.ok(cancelled.length >= 1, 'a hashing progress was shown and cancelled');
    console.log(`[progress] cancelled: ${cancelled.join('; ')}`);
    // Which of the two shows first, and whether VS Code's status bar shows the second while the
    // first runs, depends on timing (two hash workers here); each one shown was cancelled and ended
    // at once. What a cancelled Pipeline tree answers is asserted over the protocol (test/lsp/progress.test.ts).
  });
});

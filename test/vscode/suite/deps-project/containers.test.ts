// Issue 15: a Dockerfile shows the container findings (MLH419, MLH420) as VS Code shows them, with
// the quick fix that makes the install use the lockfile, from the packaged .vsix.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { suite, test } from '../tdd';
import { codeActionsAt, describeDiagnostics, diagnosticOnLine, locate, readFixtureText, revertIfDirty, showFile, waitFor, workspaceFile } from '../workbench';

const dockerfile = workspaceFile('Dockerfile');

suite('deps-project: container findings', () => {
  test('the Dockerfile gets MLH419 on python:latest and MLH420 on uv sync without --locked; the fix adds --locked', async () => {
    const source = await readFixtureText('Dockerfile');
    const from = locate(source, 'python:latest');
    const sync = locate(source, 'uv sync --no-dev');
    await showFile(dockerfile);
    const describe = (error: Error) => {
      throw new Error(`${error.message}; Dockerfile has:\n${describeDiagnostics(dockerfile)}`);
    };
    const base = await waitFor('MLH419 on the FROM line', () => diagnosticOnLine(dockerfile, 'MLH419', from.line), 30_000).catch(describe);
    assert.deepEqual([base.range.start.character, base.range.end.character], [from.character, from.character + 'python:latest'.length]);
    assert.equal(base.severity, vscode.DiagnosticSeverity.Warning);
    const install = await waitFor('MLH420 on the uv sync line', () => diagnosticOnLine(dockerfile, 'MLH420', sync.line), 30_000).catch(describe);
    assert.equal(install.range.start.character, sync.character);

    const actions = await codeActionsAt(dockerfile, install.range, vscode.CodeActionKind.QuickFix);
    const fix = actions.find((a): a is vscode.CodeAction => a instanceof vscode.CodeAction && a.title === 'Add --locked to uv sync');
    assert.ok(fix?.edit, `quick fixes: ${actions.map((a) => a.title).join(', ')}`);
    try {
      assert.ok(await vscode.workspace.applyEdit(fix.edit));
      const document = await vscode.workspace.openTextDocument(dockerfile);
      assert.equal(document.lineAt(sync.line).text, 'RUN pip install uv && uv sync --locked --no-dev');
      // The finding follows the unsaved buffer: the locked install is no longer reported.
      await waitFor('MLH420 to clear', () => !diagnosticOnLine(dockerfile, 'MLH420', sync.line) || undefined, 30_000);
      assert.ok(diagnosticOnLine(dockerfile, 'MLH419', from.line), 'the base image is still unpinned');
    } finally {
      await revertIfDirty(dockerfile);
    }
  });
});

// Issue 2: "Pin dependency" (quick fix) and "ML Hygiene: Pin all dependencies" (command) rewrite only
// the specifier, to the version uv.lock records, as one undoable edit.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { suite, suiteSetup, teardown, test } from '../tdd';
import {
  describeDiagnostics,
  diagnosticOnLine,
  locate,
  lockedVersion,
  ourDiagnostics,
  readFixtureText,
  revertIfDirty,
  showFile,
  waitFor,
  workspaceFile,
  codeActionsAt,
} from '../workbench';

const pyproject = workspaceFile('pyproject.toml');

/** `source` with the quoted requirement `from` rewritten to `to`; it must occur exactly once. */
function withRequirement(source: string, from: string, to: string): string {
  const quoted = `"${from}"`;
  const at = source.indexOf(quoted);
  assert.ok(at >= 0 && source.indexOf(quoted, at + 1) < 0, `fixture should hold ${quoted} exactly once`);
  return source.slice(0, at) + `"${to}"` + source.slice(at + quoted.length);
}

async function waitForDiagnostic(code: string, line: number): Promise<vscode.Diagnostic> {
  return waitFor(`${code} on line ${line}`, () => diagnosticOnLine(pyproject, code, line), 30_000).catch(
    (error: Error) => {
      throw new Error(`${error.message}; pyproject.toml has:\n${describeDiagnostics(pyproject)}`);
    },
  );
}

/** Runs the editor's undo once and waits for the document to settle on `expected`. */
async function undoOnceTo(document: vscode.TextDocument, expected: string): Promise<void> {
  await vscode.window.showTextDocument(document, { preview: false });
  await vscode.commands.executeCommand('undo');
  await waitFor('one undo to restore the text', () => document.getText() === expected, 5_000).catch(() => {
    assert.equal(document.getText(), expected, 'a single undo should restore the text');
  });
}

suite('deps-project: pinning', () => {
  let original: string;
  let pandasVersion: string;
  let scikitLearnVersion: string;

  suiteSetup(async () => {
    original = await readFixtureText('pyproject.toml');
    const uvLock = await readFixtureText('uv.lock');
    pandasVersion = lockedVersion(uvLock, 'pandas');
    scikitLearnVersion = lockedVersion(uvLock, 'scikit-learn');
  });

  teardown(async () => {
    await revertIfDirty(pyproject);
  });

  test('the Pin dependency quick fix writes the locked version and nothing else; one undo restores', async () => {
    const editor = await showFile(pyproject);
    const document = editor.document;
    assert.equal(document.getText(), original, 'the test starts from the fixture text');
    const pandasLine = locate(original, '"pandas"').line;
    const diagnostic = await waitForDiagnostic('MLH101', pandasLine);

    const actions = await codeActionsAt(pyproject, diagnostic.range, vscode.CodeActionKind.QuickFix);
    const titles = actions.map((a) => a.title);
    const pin = actions.find(
      (a): a is vscode.CodeAction =>
        a.title.startsWith('Pin dependency') && a.title.endsWith(`pandas==${pandasVersion}`),
    );
    assert.ok(pin, `expected a "Pin dependency … pandas==${pandasVersion}" quick fix, got ${JSON.stringify(titles)}`);
    assert.ok(pin.edit, 'the quick fix should carry its edit');
    assert.deepEqual(
      pin.edit.entries().map(([uri]) => uri.toString()),
      [pyproject.toString()],
      'the quick fix should edit pyproject.toml only',
    );

    assert.equal(await vscode.workspace.applyEdit(pin.edit), true, 'applyEdit should succeed');
    const pinned = withRequirement(original, 'pandas', `pandas==${pandasVersion}`);
    assert.equal(document.getText(), pinned, 'only the specifier should be inserted');

    await waitFor('MLH101 on pandas to clear after pinning', () => !diagnosticOnLine(pyproject, 'MLH101', pandasLine), 5_000);

    await undoOnceTo(document, original);
    await waitForDiagnostic('MLH101', pandasLine);
  });

  test('Pin all dependencies pins every MLH101/MLH102 requirement in one edit', async () => {
    const editor = await showFile(pyproject);
    const document = editor.document;
    assert.equal(document.getText(), original, 'the test starts from the fixture text');
    await waitForDiagnostic('MLH101', locate(original, '"pandas"').line);
    await waitForDiagnostic('MLH102', locate(original, '"scikit-learn>=1.3"').line);

    await vscode.commands.executeCommand('mlHygiene.pinAll');
    const allPinned = withRequirement(
      withRequirement(original, 'pandas', `pandas==${pandasVersion}`),
      'scikit-learn>=1.3',
      `scikit-learn==${scikitLearnVersion}`,
    );
    // The command may hand the edit to the language server, which applies it asynchronously.
    await waitFor('Pin all to change the document', () => document.getText() !== original, 10_000);
    assert.equal(document.getText(), allPinned, 'only the two loose specifiers should change');

    await waitFor(
      'MLH101/MLH102 to clear after pinning all',
      () => ourDiagnostics(pyproject, 'MLH101').length === 0 && ourDiagnostics(pyproject, 'MLH102').length === 0,
      5_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}; pyproject.toml has:\n${describeDiagnostics(pyproject)}`);
    });

    await undoOnceTo(document, original);
  });
});

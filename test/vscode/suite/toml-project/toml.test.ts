// Issue 14 §5 and §1 in a real VS Code without any TOML extension: pyproject.toml, uv.lock and other
// .toml files open as the `toml` language the extension contributes (its TextMate grammar colors
// them; run.mjs checks the painted tokens before the screenshot), and our server completes and
// explains [tool.ml-hygiene] keys and rule codes.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { suite, test } from '../tdd';
import { activeExtension, locate, readFixtureText, revertIfDirty, showFile, waitFor, workspaceFile } from '../workbench';

/** A hover's text: its contents are MarkdownStrings (or plain strings), whose `value` is not an own property. */
function markdownOf(hover: vscode.Hover): string {
  return hover.contents.map((c) => (typeof c === 'string' ? c : c.value)).join('\n');
}

suite('toml-project: TOML language, completion and hover', () => {
  test('pyproject.toml, uv.lock and ruff.toml open as TOML, not Plain Text', async () => {
    await activeExtension();
    assert.ok((await vscode.languages.getLanguages()).includes('toml'));
    for (const file of ['pyproject.toml', 'uv.lock', 'ruff.toml']) {
      const editor = await showFile(workspaceFile(file));
      assert.equal(editor.document.languageId, 'toml', file);
    }
  });

  test('completion in [tool.ml-hygiene] offers the keys not yet written, from our server', async () => {
    const uri = workspaceFile('pyproject.toml');
    const source = await readFixtureText('pyproject.toml');
    const editor = await showFile(uri);
    const at = locate(source, 'large-output-kb = 250.5');
    const position = new vscode.Position(at.line + 1, 0);
    await editor.edit((b) => b.insert(position, '\n'));
    try {
      const list = await waitFor(
        'completion items from ml-hygiene',
        async () => {
          const r = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, position);
          return r.items.some((i) => i.label === 'select') ? r : undefined;
        },
        30_000,
      );
      const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
      assert.ok(labels.includes('select') && labels.includes('exclude'), labels.join(', '));
      assert.ok(!labels.includes('kind'), 'kind is already set');
    } finally {
      await revertIfDirty(uri);
    }
  });

  test('hover on a rule code shows its name and docs link', async () => {
    const uri = workspaceFile('pyproject.toml');
    const source = await readFixtureText('pyproject.toml');
    await showFile(uri);
    const at = locate(source, 'MLH203');
    const hovers = await waitFor(
      'a hover on MLH203',
      async () => {
        const h = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(at.line, at.character + 2));
        return h.some((x) => markdownOf(x).includes('hidden-state')) ? h : undefined;
      },
      30_000,
    );
    const text = hovers.map(markdownOf).join('\n');
    assert.match(text, /\*\*MLH203\*\* hidden-state/);
    assert.match(text, /docs\/rules\/MLH203\.md/);
  });
});

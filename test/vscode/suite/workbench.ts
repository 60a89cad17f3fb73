// Helpers shared by the suites: the packaged extension, waiting on the workbench, reading our
// diagnostics and the fixture.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { MlHygieneApi } from '../../../src/client/extension';

export const EXTENSION_ID = 'ml-hygiene.ml-hygiene';
export const DIAGNOSTIC_SOURCE = 'ml-hygiene';

/** The code actions VS Code offers at `range` (all kinds, or only `kind`), as its lightbulb asks for them. */
export async function codeActionsAt(uri: vscode.Uri, range: vscode.Range, kind?: vscode.CodeActionKind): Promise<(vscode.CodeAction | vscode.Command)[]> {
  return vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>('vscode.executeCodeActionProvider', uri, range, kind?.value);
}

/** The installed .vsix (not the repository's sources), activated, with its language server ready. */
export async function activeExtension(): Promise<{ extension: vscode.Extension<MlHygieneApi>; api: MlHygieneApi }> {
  const extension = vscode.extensions.getExtension<MlHygieneApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not installed`);
  const extensionsDir = process.env.MLH_VSCODE_EXTENSIONS_DIR;
  assert.ok(extensionsDir, 'MLH_VSCODE_EXTENSIONS_DIR is not set by the harness');
  assert.ok(
    extension.extensionUri.path.startsWith(extensionsDir),
    `expected the packaged extension under ${extensionsDir}, got ${extension.extensionUri.path}`,
  );
  const api = await extension.activate();
  assert.ok(api?.client && api.pipeline && api.pipelineView && api.readiness && 'ready' in api, 'the extension should export { client, ready, pipeline, pipelineView, readiness }');
  await api.ready;
  assert.equal(extension.isActive, true);
  return { extension, api };
}

/**
 * Polls `probe` until it returns something other than undefined/false, then returns that value.
 * Fails with `what` in the message when `timeoutMs` passes first.
 */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export function workspaceFile(relativePath: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the workbench opened no workspace folder');
  return vscode.Uri.joinPath(folder.uri, relativePath);
}

/** The file's text on disk: what the fixture says, independent of any editor state. */
export async function readFixtureText(relativePath: string): Promise<string> {
  const bytes = await vscode.workspace.fs.readFile(workspaceFile(relativePath));
  return new TextDecoder().decode(bytes);
}

export function ruleCode(diagnostic: vscode.Diagnostic): string | number | undefined {
  return typeof diagnostic.code === 'object' ? diagnostic.code.value : diagnostic.code;
}

export function ourDiagnostics(uri: vscode.Uri, code?: string): vscode.Diagnostic[] {
  return vscode.languages
    .getDiagnostics(uri)
    .filter((d) => d.source === DIAGNOSTIC_SOURCE && (code === undefined || ruleCode(d) === code));
}

/** Our diagnostic with `code` whose range starts on `line`, if any. */
export function diagnosticOnLine(uri: vscode.Uri, code: string, line: number): vscode.Diagnostic | undefined {
  return ourDiagnostics(uri, code).find((d) => d.range.start.line === line);
}

export function describeDiagnostics(uri: vscode.Uri): string {
  const all = vscode.languages.getDiagnostics(uri);
  if (all.length === 0) return 'no diagnostics';
  return all
    .map((d) => {
      const { start, end } = d.range;
      return `${d.source ?? '?'} ${String(ruleCode(d))} ${start.line}:${start.character}-${end.line}:${end.character} ${d.message}`;
    })
    .join('\n');
}

export interface Located {
  /** 0-based line of the first occurrence. */
  line: number;
  /** 0-based character where `text` starts on that line. */
  character: number;
}

/** Finds `text` in `source` and returns its 0-based position; fails when it is absent. */
export function locate(source: string, text: string): Located {
  const lines = source.split(/\r?\n/);
  for (let line = 0; line < lines.length; line++) {
    const character = lines[line]!.indexOf(text);
    if (character >= 0) return { line, character };
  }
  throw new Error(`fixture text not found: ${text}`);
}

/** The version `uv.lock` records for `name` (its `[[package]]` entry). */
export function lockedVersion(uvLock: string, name: string): string {
  const entry = new RegExp(`\\[\\[package\\]\\]\\nname = "${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"\\nversion = "([^"]+)"`);
  const match = entry.exec(uvLock.replace(/\r\n/g, '\n'));
  if (!match) throw new Error(`uv.lock has no [[package]] entry for ${name}`);
  return match[1]!;
}

export async function showFile(uri: vscode.Uri): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(uri);
  return vscode.window.showTextDocument(document, { preview: false });
}

/** Throws away unsaved edits of `uri`, so the next test starts from the fixture text. */
export async function revertIfDirty(uri: vscode.Uri): Promise<void> {
  const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (!document?.isDirty) return;
  await vscode.window.showTextDocument(document, { preview: false });
  await vscode.commands.executeCommand('workbench.action.files.revert');
  await waitFor(`${uri.path} to be reverted`, () => !document.isDirty, 5_000);
}

/** Puts the cursor in a notebook cell's text, as a user clicking into it: the cell is selected and its editor has focus. */
export async function focusCellEditor(notebook: vscode.NotebookDocument, editor: vscode.NotebookEditor, cell: vscode.NotebookCell): Promise<void> {
  editor.selections = [new vscode.NotebookRange(cell.index, cell.index + 1)];
  await vscode.window.showNotebookDocument(notebook, { preview: false });
  await vscode.commands.executeCommand('notebook.cell.edit');
  await waitFor('the cell editor to have focus', () => vscode.window.activeTextEditor?.document === cell.document, 5_000);
}

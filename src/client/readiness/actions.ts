// A plain require, not `import * as`: see extension.ts (no per-file copy of the API object at load).
import vscode = require('vscode');
import type { LanguageClient } from 'vscode-languageclient/node';
import type { ReadinessDocs, ReadinessFix, ReadinessLocation } from '../../protocol/readiness';

/** What a report button did, for the caller (and the tests) to check. */
export type ButtonOutcome =
  | { command: 'fix'; applied: boolean; title: string; ranCommand?: string }
  | { command: 'open'; uri: string; cell?: number }
  | { command: 'docs'; opened: 'packaged' | 'web'; target: string }
  | { command: 'fix' | 'open' | 'docs'; unavailable: string };

/** Applies the fix's edit as ONE WorkspaceEdit (one undo step), then runs its command if it has one. */
export async function applyFix(client: LanguageClient, fix: ReadinessFix): Promise<ButtonOutcome> {
  let applied = true;
  if (fix.edit) {
    const edit = await client.protocol2CodeConverter.asWorkspaceEdit(fix.edit);
    applied = edit ? await vscode.workspace.applyEdit(edit) : false;
    if (!applied) {
      void vscode.window.showWarningMessage(`ML Hygiene: "${fix.title}" could not be applied; the file changed meanwhile. Try again.`);
      return { command: 'fix', applied, title: fix.title };
    }
  }
  if (fix.command) {
    await vscode.commands.executeCommand(fix.command.command, ...(fix.command.arguments ?? []));
    return { command: 'fix', applied, title: fix.title, ranCommand: fix.command.command };
  }
  return { command: 'fix', applied, title: fix.title };
}

/** Opens the file at the finding; a notebook opens as a notebook with the cell revealed; a folder is revealed in the Explorer. */
export async function openLocation(location: ReadinessLocation): Promise<ButtonOutcome> {
  const uri = vscode.Uri.parse(location.uri);
  const range = location.range ? new vscode.Range(location.range.start.line, location.range.start.character, location.range.end.line, location.range.end.character) : undefined;
  if (location.folder) {
    await vscode.commands.executeCommand('revealInExplorer', uri);
    return { command: 'open', uri: location.uri };
  }
  if (location.cell !== undefined || uri.path.endsWith('.ipynb')) {
    const notebook = await vscode.workspace.openNotebookDocument(uri);
    // The server counts code cells only; markdown cells in between do not shift the index.
    const cell = notebook.getCells().filter((c) => c.kind === vscode.NotebookCellKind.Code)[location.cell ?? 0];
    const cellRange = cell ? new vscode.NotebookRange(cell.index, cell.index + 1) : undefined;
    const editor = await vscode.window.showNotebookDocument(notebook, { preview: false, ...(cellRange ? { selections: [cellRange] } : {}) });
    if (cell && cellRange) {
      editor.revealRange(cellRange, vscode.NotebookEditorRevealType.InCenterIfOutsideViewport);
      if (range) await vscode.window.showTextDocument(cell.document, { selection: range, preview: false });
    }
    return { command: 'open', uri: location.uri, ...(location.cell !== undefined ? { cell: location.cell } : {}) };
  }
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(document, { preview: false, ...(range ? { selection: range } : {}) });
  return { command: 'open', uri: location.uri };
}

/**
 * The rule's page: the copy packaged in the extension (docs/rules/MLH###.md) in the Markdown
 * preview, so it works offline and matches the installed version; the web page only if it is missing.
 */
export async function openDocs(extensionUri: vscode.Uri, docs: ReadinessDocs): Promise<ButtonOutcome> {
  const packaged = vscode.Uri.joinPath(extensionUri, 'docs', 'rules', `${docs.code}.md`);
  const isPackaged = await Promise.resolve(vscode.workspace.fs.stat(packaged)).then(
    () => true,
    () => false,
  );
  if (isPackaged) {
    await vscode.commands.executeCommand('markdown.showPreview', packaged);
    return { command: 'docs', opened: 'packaged', target: packaged.toString() };
  }
  await vscode.env.openExternal(vscode.Uri.parse(docs.href));
  return { command: 'docs', opened: 'web', target: docs.href };
}

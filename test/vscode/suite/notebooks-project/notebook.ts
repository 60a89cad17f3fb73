// Helpers for the notebook suites: the extension activated from the packaged .vsix, the fixture
// notebook opened in the notebook editor, its code cells, and putting it back as the fixture has it.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activeExtension, describeDiagnostics, waitFor, workspaceFile } from '../workbench';

export const NOTEBOOK = 'notebooks/explore.ipynb';
export const notebookUri = workspaceFile(NOTEBOOK);

export { activeExtension };

/** Opens the fixture notebook in the notebook editor (as a user double-clicking it in the Explorer). */
export async function showNotebook(): Promise<{ notebook: vscode.NotebookDocument; editor: vscode.NotebookEditor }> {
  const notebook = await vscode.workspace.openNotebookDocument(notebookUri);
  assert.equal(notebook.notebookType, 'jupyter-notebook', 'the .ipynb should open with the Jupyter serializer');
  const editor = await vscode.window.showNotebookDocument(notebook, { preview: false });
  return { notebook, editor };
}

export function codeCells(notebook: vscode.NotebookDocument): vscode.NotebookCell[] {
  return notebook.getCells().filter((c) => c.kind === vscode.NotebookCellKind.Code);
}

/** The code cell at a 0-based code-cell index (the index the CLI and the diagnostics use). */
export function codeCell(notebook: vscode.NotebookDocument, codeIndex: number): vscode.NotebookCell {
  const cell = codeCells(notebook)[codeIndex];
  assert.ok(cell, `the notebook has no code cell ${codeIndex}`);
  return cell;
}

/** Our diagnostics on every code cell, one line per cell: the whole picture for a failure message. */
export function describeCellDiagnostics(notebook: vscode.NotebookDocument): string {
  return codeCells(notebook)
    .map((c, i) => `code cell ${i}: ${describeDiagnostics(c.document.uri).replace(/\n/g, '\n    ')}`)
    .join('\n');
}

/** The fixture's code-cell sources as saved on disk, read with nbformat's rule (source lines joined). */
export async function savedCodeSources(): Promise<string[]> {
  const json = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(notebookUri))) as {
    cells: Array<{ cell_type: string; source: string | string[] }>;
  };
  return json.cells.filter((c) => c.cell_type === 'code').map((c) => (Array.isArray(c.source) ? c.source.join('') : c.source));
}

/**
 * Puts the notebook back as saved, so the next test starts from the fixture. (`File: Revert` alone is
 * not enough here: on this notebook it clears the dirty flag but leaves cell text edited through a
 * WorkspaceEdit as it was, so the saved sources are written back first, then the revert clears the flag.)
 */
export async function restoreNotebook(): Promise<void> {
  const notebook = vscode.workspace.notebookDocuments.find((n) => n.uri.toString() === notebookUri.toString());
  if (!notebook) return;
  const saved = await savedCodeSources();
  const cells = codeCells(notebook);
  assert.equal(cells.length, saved.length, 'the tests never add or remove cells');
  const edit = new vscode.WorkspaceEdit();
  cells.forEach((cell, i) => {
    const text = cell.document.getText();
    if (text !== saved[i]) edit.replace(cell.document.uri, new vscode.Range(cell.document.positionAt(0), cell.document.positionAt(text.length)), saved[i]!);
  });
  if (edit.size > 0) assert.equal(await vscode.workspace.applyEdit(edit), true, 'restoring the saved cell sources');
  if (notebook.isDirty) {
    await vscode.window.showNotebookDocument(notebook, { preview: false });
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await waitFor(`${NOTEBOOK} to be reverted`, () => !notebook.isDirty, 5_000);
  }
  assert.deepEqual(codeCells(notebook).map((c) => c.document.getText()), saved, 'the notebook is back as saved');
}

export async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch (error) {
    if (error instanceof vscode.FileSystemError && error.code === 'FileNotFound') return false;
    throw error;
  }
}

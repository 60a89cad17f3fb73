// Issue 4: per-cell diagnostics in a notebook opened in VS Code (LSP notebook sync), from the
// packaged .vsix: MLH203 hidden state on the exact name, MLH201 out-of-order execution on the cell
// that ran too early, and MLH203 clearing live when a cell edit defines the name first.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { suite, suiteSetup, teardown, test } from '../tdd';
import { DIAGNOSTIC_SOURCE, locate, ourDiagnostics, ruleCode, waitFor } from '../workbench';
import { activeExtension, codeCell, codeCells, describeCellDiagnostics, restoreNotebook, savedCodeSources, showNotebook } from './notebook';

/** Code cell 3 prints `pass_mark`, which only code cell 4 defines (and ran as [4] after cell 3's [5]). */
const HIDDEN_STATE_CELL = 3;
const OUT_OF_ORDER_CELL = 4;
const NOTEBOOK_CODES = ['MLH201', 'MLH203'];

function rangeOf(range: vscode.Range): [number, number, number, number] {
  return [range.start.line, range.start.character, range.end.line, range.end.character];
}

/** `cell:code` for every MLH201/MLH203 diagnostic on the notebook's code cells. */
function notebookFindings(notebook: vscode.NotebookDocument): string[] {
  return codeCells(notebook).flatMap((cell, i) =>
    ourDiagnostics(cell.document.uri)
      .filter((d) => NOTEBOOK_CODES.includes(String(ruleCode(d))))
      .map((d) => `${i}:${String(ruleCode(d))}`),
  );
}

suite('notebooks-project: notebook cell diagnostics', () => {
  let sources: string[];

  suiteSetup(async () => {
    await activeExtension();
    sources = await savedCodeSources();
  });

  teardown(async () => {
    await restoreNotebook();
  });

  test('MLH203 sits on the hidden-state name and MLH201 on the cell that ran out of order', async () => {
    const { notebook } = await showNotebook();
    assert.deepEqual(codeCells(notebook).map((c) => c.document.getText()), sources, 'the editor shows the saved cells');
    const hiddenCell = codeCell(notebook, HIDDEN_STATE_CELL).document.uri;
    const earlyCell = codeCell(notebook, OUT_OF_ORDER_CELL).document.uri;
    assert.equal(hiddenCell.scheme, 'vscode-notebook-cell');

    const [hidden, outOfOrder] = await waitFor(
      'MLH203 and MLH201 on the notebook cells',
      () => {
        const h = ourDiagnostics(hiddenCell, 'MLH203')[0];
        const o = ourDiagnostics(earlyCell, 'MLH201')[0];
        return h && o ? ([h, o] as const) : undefined;
      },
      30_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}; the cells have:\n${describeCellDiagnostics(notebook)}`);
    });

    // MLH203: exactly `pass_mark` inside the f-string's braces, relative to the cell's own text.
    const at = locate(sources[HIDDEN_STATE_CELL]!, '{pass_mark}');
    assert.deepEqual(rangeOf(hidden.range), [at.line, at.character + 1, at.line, at.character + 1 + 'pass_mark'.length], 'MLH203 covers the name read');
    assert.equal(hidden.source, DIAGNOSTIC_SOURCE);
    assert.equal(hidden.severity, vscode.DiagnosticSeverity.Warning);
    assert.match(hidden.message, /`pass_mark` is only defined in a later cell/);
    assert.ok(typeof hidden.code === 'object' && hidden.code.target instanceof vscode.Uri, 'the code links to the rule docs');
    assert.match(hidden.code.target.toString(), /MLH203/i);

    // MLH201: the first line of the cell that ran as [4] after the cell above ran as [5].
    const firstLine = sources[OUT_OF_ORDER_CELL]!.split('\n')[0]!;
    assert.deepEqual(rangeOf(outOfOrder.range), [0, 0, 0, firstLine.length], 'MLH201 covers the first line of the cell');
    assert.equal(outOfOrder.severity, vscode.DiagnosticSeverity.Warning);
    assert.match(outOfOrder.message, /ran as \[4\] after the cell above ran as \[5\]/);

    // Nowhere else: the other cells ran in order and read only names defined above them.
    assert.deepEqual(notebookFindings(notebook), [`${HIDDEN_STATE_CELL}:MLH203`, `${OUT_OF_ORDER_CELL}:MLH201`], describeCellDiagnostics(notebook));
  });

  test('defining the name above its read clears MLH203 live; removing it again brings it back', async () => {
    const { notebook } = await showNotebook();
    const cell = codeCell(notebook, HIDDEN_STATE_CELL).document;
    await waitFor('MLH203 on the hidden-state cell', () => ourDiagnostics(cell.uri, 'MLH203').length > 0, 30_000);

    // Typed into the cell itself (not saved): `pass_mark` is now defined before it is read.
    const definition = 'pass_mark = 70\n';
    const insert = new vscode.WorkspaceEdit();
    insert.insert(cell.uri, new vscode.Position(0, 0), definition);
    assert.equal(await vscode.workspace.applyEdit(insert), true, 'applyEdit on the cell document should succeed');
    assert.equal(cell.getText(), definition + sources[HIDDEN_STATE_CELL], 'the cell holds the definition, then its old text');
    assert.equal(notebook.isDirty, true, 'the edit is unsaved');

    await waitFor('MLH203 to clear after the edit', () => ourDiagnostics(cell.uri, 'MLH203').length === 0, 10_000).catch((error: Error) => {
      throw new Error(`${error.message}; the cells have:\n${describeCellDiagnostics(notebook)}`);
    });

    const remove = new vscode.WorkspaceEdit();
    remove.delete(cell.uri, new vscode.Range(0, 0, 1, 0));
    assert.equal(await vscode.workspace.applyEdit(remove), true);
    assert.equal(cell.getText(), sources[HIDDEN_STATE_CELL]);
    const at = locate(sources[HIDDEN_STATE_CELL]!, '{pass_mark}');
    await waitFor('MLH203 to come back on `pass_mark`', () => ourDiagnostics(cell.uri, 'MLH203').find((d) => d.range.start.line === at.line && d.range.start.character === at.character + 1), 10_000).catch(
      (error: Error) => {
        throw new Error(`${error.message}; the cells have:\n${describeCellDiagnostics(notebook)}`);
      },
    );
  });

  test('typing into a cell keeps the execution count the notebook shows for it', async () => {
    const { notebook } = await showNotebook();
    const cell = codeCell(notebook, HIDDEN_STATE_CELL);
    const below = codeCell(notebook, OUT_OF_ORDER_CELL);
    await waitFor('MLH201 below the cell', () => ourDiagnostics(below.document.uri, 'MLH201').length > 0, 30_000);
    // VS Code shows the saved count [5] next to the cell, and keeps it while the cell is edited.
    assert.equal(cell.executionSummary?.executionOrder, 5);

    const edit = new vscode.WorkspaceEdit();
    edit.insert(cell.document.uri, new vscode.Position(0, 0), '# pass mark defined below\n');
    assert.equal(await vscode.workspace.applyEdit(edit), true);
    await waitFor('the edited cell to be re-checked', () => ourDiagnostics(cell.document.uri, 'MLH203').some((d) => d.range.start.line === 1), 10_000).catch((error: Error) => {
      throw new Error(`${error.message}; the cells have:\n${describeCellDiagnostics(notebook)}`);
    });
    assert.equal(cell.executionSummary?.executionOrder, 5, 'the edit does not change the count VS Code shows');

    // So the findings that depend on it are those of the saved notebook: the cell below still ran
    // as [4] after this one's [5], and this cell is not "never run".
    const shown = `VS Code's executionSummary of the edited cell is ${JSON.stringify(cell.executionSummary)}`;
    assert.equal(ourDiagnostics(below.document.uri, 'MLH201').length, 1, `MLH201 should stay on the cell below (${shown}):\n${describeCellDiagnostics(notebook)}`);
    assert.deepEqual(ourDiagnostics(cell.document.uri, 'MLH202').map((d) => d.message), [], `the edited cell shows [5], it was run (${shown}):\n${describeCellDiagnostics(notebook)}`);
  });
});

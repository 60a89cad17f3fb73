// Issue 5: "Extract cell to module" in a real VS Code, from the packaged .vsix. The lightbulb offers
// it on a code cell; the command (with the module and function given, as the prompts would) writes
// the new module and rewrites the cell in one workspace edit, and undo in the notebook takes back both.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ExtractPlanResult } from '../../../../src/protocol/protocol';
import { suite, suiteSetup, teardown, test } from '../tdd';
import { codeActionsAt, focusCellEditor, waitFor, workspaceFile } from '../workbench';
import { activeExtension, codeCell, codeCells, exists, restoreNotebook, savedCodeSources, showNotebook } from './notebook';

/** `# Summarize scores`: reads `scores` (code cell 1) and `statistics` (import, cell 0, read by no other cell); `mean` and `spread` are read below. */
const EXTRACTED_CELL = 2;
const moduleUri = workspaceFile('src/exam_insights/summary.py');

/** Every line of `expected` appears in `text`, in this order. */
function assertLinesInOrder(text: string, expected: string[], what: string): void {
  const lines = text.split('\n');
  let from = 0;
  for (const line of expected) {
    const at = lines.indexOf(line, from);
    assert.ok(at >= 0, `${what} should have the line ${JSON.stringify(line)} (after line ${from}); it is:\n${text}`);
    from = at + 1;
  }
}

async function removeModuleIfPresent(): Promise<void> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === moduleUri.toString());
  if (open?.isDirty) {
    await vscode.window.showTextDocument(open, { preview: false });
    await vscode.commands.executeCommand('workbench.action.files.revert');
  }
  if (await exists(moduleUri)) await vscode.workspace.fs.delete(moduleUri);
}

suite('notebooks-project: extract cell to module', () => {
  let sources: string[];

  suiteSetup(async () => {
    await activeExtension();
    sources = await savedCodeSources();
  });

  teardown(async () => {
    await restoreNotebook();
    await removeModuleIfPresent();
  });

  test('the lightbulb on a code cell offers "Extract cell to module" (refactor.extract)', async () => {
    const { notebook } = await showNotebook();
    const cell = codeCell(notebook, EXTRACTED_CELL);
    const actions = await codeActionsAt(cell.document.uri, new vscode.Range(1, 0, 1, 0));
    const extract = actions.find((a): a is vscode.CodeAction => a.title === 'Extract cell to module' && 'kind' in a);
    assert.ok(extract, `expected "Extract cell to module", got ${JSON.stringify(actions.map((a) => a.title))}`);
    assert.equal(extract.kind?.value, vscode.CodeActionKind.RefactorExtract.value);
    assert.equal(extract.command?.command, 'mlHygiene.extractCell');
    const [arg] = (extract.command?.arguments ?? []) as Array<{ notebookUri: string; codeCellIndex: number }>;
    assert.equal(arg?.codeCellIndex, EXTRACTED_CELL, 'the action names the code cell it was asked on');
    assert.equal(vscode.Uri.parse(arg.notebookUri).toString(), notebook.uri.toString(), 'and its notebook');

    // Asked for refactorings only (the Refactor… menu), it is still there.
    const refactors = await codeActionsAt(cell.document.uri, new vscode.Range(1, 0, 1, 0), vscode.CodeActionKind.RefactorExtract);
    assert.ok(refactors.some((a) => a.title === 'Extract cell to module'), `refactor.extract actions: ${JSON.stringify(refactors.map((a) => a.title))}`);
  });

  test('the command writes the module, rewrites the cell and empties the imports cell only it read; one undo in the cell restores all', async () => {
    const { notebook, editor } = await showNotebook();
    assert.deepEqual(codeCells(notebook).map((c) => c.document.getText()), sources, 'the test starts from the saved notebook');
    assert.equal(await exists(moduleUri), false, 'the module does not exist before the extraction');

    // Where the lightbulb leaves the user: the cursor in the cell's text.
    const cell = codeCell(notebook, EXTRACTED_CELL);
    await focusCellEditor(notebook, editor, cell);

    const plan = await vscode.commands.executeCommand<ExtractPlanResult | undefined>('mlHygiene.extractCell', {
      notebookUri: notebook.uri.toString(),
      codeCellIndex: EXTRACTED_CELL,
      modulePath: moduleUri.fsPath,
      functionName: 'summarize_scores',
    });
    assert.ok(plan?.ok, `the extraction should be planned and applied, got ${JSON.stringify(plan)}`);
    assert.deepEqual(plan.parameters, ['scores'], '`scores` comes from an earlier cell');
    assert.deepEqual(plan.returns, ['mean', 'spread'], '`mean` and `spread` are read by later cells');

    // The cell: the import and the call, nothing else. `import statistics` (code cell 0) was read by
    // this cell only: the module imports it now and the same edit empties that cell. Every other cell as it was.
    const rewritten = 'from exam_insights.summary import summarize_scores\nmean, spread = summarize_scores(scores)';
    assert.equal(codeCell(notebook, EXTRACTED_CELL).document.getText(), rewritten);
    assert.deepEqual(plan.importCells?.map((c) => [c.codeIndex, c.emptied]), [[0, true]], 'the imports cell moves with its only reader');
    assert.deepEqual(
      codeCells(notebook).map((c) => c.document.getText()),
      sources.map((s, i) => (i === EXTRACTED_CELL ? rewritten : i === 0 ? '' : s)),
      'only the extracted cell and the imports cell change',
    );
    assert.equal(notebook.isDirty, true, 'the notebook edit is unsaved, like any edit');

    // The module: created in the package, holding the cell's code as a function.
    assert.equal(await exists(moduleUri), true, 'the module file exists');
    const module = await vscode.workspace.openTextDocument(moduleUri);
    assertLinesInOrder(
      module.getText(),
      [
        'import statistics',
        'def summarize_scores(scores: list):',
        '    # Summarize scores',
        '    mean = statistics.mean(scores)',
        '    spread = max(scores) - min(scores)',
        '    return mean, spread',
      ],
      'the module',
    );
    assert.match(module.getText(), /^"""[\s\S]*pip install -e \.[\s\S]*"""/, 'the docstring says how the notebook imports it');
    assert.doesNotMatch(module.getText(), /^\s*(import sys\b|from sys import|sys\.path\.)/m, 'no sys.path hack');

    // Ctrl+Z where the user is: the cell's editor. One undo takes back the whole edit, with no prompt
    // (the module's creation and both text edits are one undo group).
    assert.equal(vscode.window.activeTextEditor?.document, cell.document, 'the cell editor still has focus after the extraction');
    await vscode.commands.executeCommand('undo');
    await waitFor(
      'one undo to restore the cell and the imports cell and remove the module',
      async () => cell.document.getText() === sources[EXTRACTED_CELL] && codeCell(notebook, 0).document.getText() === sources[0] && !(await exists(moduleUri)),
      10_000,
    ).catch(async (error: Error) => {
      throw new Error(
        `${error.message}; after one undo the cell is ${JSON.stringify(cell.document.getText())} and the module ${
          (await exists(moduleUri)) ? 'still exists' : 'is gone'
        }`,
      );
    });
    assert.deepEqual(codeCells(notebook).map((c) => c.document.getText()), sources, 'every cell is back as saved');
    const moduleDocument = vscode.workspace.textDocuments.find((d) => d.uri.toString() === moduleUri.toString());
    assert.ok(!moduleDocument?.isDirty, 'no unsaved module text is left behind');
  });

  test('a magic the user types at the top of the cell stays there, above the call; one undo takes back the extraction only', async () => {
    const { notebook, editor } = await showNotebook();
    const cell = codeCell(notebook, EXTRACTED_CELL);
    // The user types a magic at the top of the cell (unsaved): the plan works on the live text.
    const typing = new vscode.WorkspaceEdit();
    typing.insert(cell.document.uri, new vscode.Position(0, 0), '%matplotlib inline\n');
    assert.ok(await vscode.workspace.applyEdit(typing));
    const typed = `%matplotlib inline\n${sources[EXTRACTED_CELL]}`;
    assert.equal(cell.document.getText(), typed);

    await focusCellEditor(notebook, editor, cell);
    const plan = await vscode.commands.executeCommand<ExtractPlanResult | undefined>('mlHygiene.extractCell', {
      notebookUri: notebook.uri.toString(),
      codeCellIndex: EXTRACTED_CELL,
      modulePath: moduleUri.fsPath,
      functionName: 'summarize_scores',
    });
    assert.ok(plan?.ok, `the cell with a magic on top should be extracted, got ${JSON.stringify(plan)}`);
    assert.equal(cell.document.getText(), '%matplotlib inline\nfrom exam_insights.summary import summarize_scores\nmean, spread = summarize_scores(scores)');
    const module = await vscode.workspace.openTextDocument(moduleUri);
    assert.doesNotMatch(module.getText(), /matplotlib/, 'the magic does not go to the module');

    // Ctrl+Z in the cell, as the user would after looking at the result.
    await focusCellEditor(notebook, editor, cell);
    await vscode.commands.executeCommand('undo');
    await waitFor('one undo to take back the extraction', async () => cell.document.getText() === typed && !(await exists(moduleUri)), 10_000).catch(async (error: Error) => {
      throw new Error(`${error.message}; after one undo the cell is ${JSON.stringify(cell.document.getText())} and the module ${(await exists(moduleUri)) ? 'still exists' : 'is gone'}`);
    });
    assert.equal(codeCell(notebook, 0).document.getText(), sources[0], 'the imports cell is back too');
  });

  test('with two cells selected, the command extracts both as one function; one undo restores both', async () => {
    const { notebook, editor } = await showNotebook();
    assert.deepEqual(codeCells(notebook).map((c) => c.document.getText()), sources, 'the test starts from the saved notebook');
    // Shift-click from code cell 1 to code cell 2: the notebook editor's selection spans both.
    const first = codeCell(notebook, 1);
    const second = codeCell(notebook, 2);
    editor.selections = [new vscode.NotebookRange(first.index, second.index + 1)];
    const plan = await vscode.commands.executeCommand<ExtractPlanResult | undefined>('mlHygiene.extractCell', { modulePath: moduleUri.fsPath, functionName: 'load_and_summarize' });
    assert.ok(plan?.ok, `the range should be extracted, got ${JSON.stringify(plan)}`);
    assert.deepEqual(plan.parameters, [], '`scores` now flows inside the function');
    assert.deepEqual(plan.returns, ['scores', 'mean', 'spread'], 'only names read after the selection come back');
    assert.equal(first.document.getText(), 'from exam_insights.summary import load_and_summarize\nscores, mean, spread = load_and_summarize()');
    assert.equal(second.document.getText(), '', 'the second selected cell is emptied');
    assert.equal(codeCell(notebook, 0).document.getText(), '', 'so is `import statistics`, which only the selection read');

    await focusCellEditor(notebook, editor, first);
    await vscode.commands.executeCommand('undo');
    await waitFor(
      'one undo to restore the three cells and remove the module',
      async () => codeCells(notebook).every((c, i) => c.document.getText() === sources[i]) && !(await exists(moduleUri)),
      10_000,
    );
    assert.deepEqual(codeCells(notebook).map((c) => c.document.getText()), sources, 'every cell is back as saved');
  });
});

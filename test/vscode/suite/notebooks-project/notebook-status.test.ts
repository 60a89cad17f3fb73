// Issue 14 §6: with the notebook editor active (the active editor is a notebook, not a text editor),
// the status-bar badge shows the notebook's project, and the cell findings count in the Problems
// total, as the workbench paints them. (The suite's old screenshot at exit showed neither: it was
// taken after the extension host had stopped, when the extension's badge and diagnostics are gone;
// the harness now pictures the workbench before that, see MLH_VSCODE_FINAL_SCREENSHOT_DONE.)
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ReadinessMethods, type ReadinessResult } from '../../../../src/protocol/readiness';
import { suite, suiteSetup, test } from '../tdd';
import { ourDiagnostics, waitFor } from '../workbench';
import { queryWorkbench } from '../dvc-project/extension';
import { activeExtension, codeCell, describeCellDiagnostics, notebookUri, showNotebook } from './notebook';
import type { MlHygieneApi } from '../../../../src/client/extension';

const BADGE = '[id="ml-hygiene.ml-hygiene.mlHygiene.readiness"]';
const PROBLEMS = '[id="status.problems"]';

/** The status bar's Problems entry reads "<errors> <warnings>" (icons are not text). */
async function problemsCount(): Promise<{ errors: number; warnings: number }> {
  const [text] = await queryWorkbench(PROBLEMS);
  const numbers = (text ?? '').match(/\d+/g)?.map(Number) ?? [];
  assert.equal(numbers.length >= 2, true, `the Problems entry shows errors and warnings: ${JSON.stringify(text)}`);
  return { errors: numbers[0]!, warnings: numbers[1]! };
}

suite('notebooks-project: badge and Problems count with a notebook active', () => {
  let api: MlHygieneApi;

  suiteSetup(async () => {
    ({ api } = await activeExtension());
  });

  test('the badge follows the active notebook editor\'s project, and the cell findings reach the Problems count', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await waitFor('no editor open', () => !vscode.window.activeTextEditor && !vscode.window.activeNotebookEditor, 5_000);
    const { notebook } = await showNotebook();
    await vscode.commands.executeCommand('notebook.focusTop');
    assert.equal(vscode.window.activeNotebookEditor?.notebook.uri.toString(), notebookUri.toString(), 'the notebook editor is active');
    const activeText = vscode.window.activeTextEditor?.document.uri;
    assert.ok(!activeText || activeText.scheme === 'vscode-notebook-cell', `no file text editor is active (${activeText?.toString()})`);

    const hidden = codeCell(notebook, 3).document.uri;
    const early = codeCell(notebook, 4).document.uri;
    await waitFor('MLH203 and MLH201 on the cells', () => ourDiagnostics(hidden, 'MLH203').length > 0 && ourDiagnostics(early, 'MLH201').length > 0, 30_000).catch((error: Error) => {
      throw new Error(`${error.message}; the cells have:\n${describeCellDiagnostics(notebook)}`);
    });

    // The server's score for the notebook's project, and the badge showing that project.
    const server = (await api.client.sendRequest<ReadinessResult>(ReadinessMethods.readiness, { uri: notebookUri.toString() })).projects;
    assert.equal(server.length, 1);
    const project = server[0]!;
    assert.ok(notebookUri.fsPath.startsWith(project.projectRoot + '/'), `the notebook is in ${project.projectRoot}`);
    await waitFor('the badge to show the notebook\'s project', () => api.readiness.badge.current?.projectRoot === project.projectRoot && api.readiness.badge.current.score === project.score, 20_000);
    assert.equal(api.readiness.badge.item.text, `$(shield) ML ${project.score}`);
    const painted = await waitFor('the status bar to paint the badge', async () => {
      const texts = await queryWorkbench(BADGE);
      return texts.some((t) => t.trim() === `ML ${project.score}`) && texts;
    }, 15_000).catch(async (error: Error) => {
      throw new Error(`${error.message}; the status bar shows ${JSON.stringify(await queryWorkbench(BADGE))}`);
    });
    assert.equal(painted.length, 1, 'one badge');

    // The Problems total counts every marker, cells included: at least our two cell warnings.
    const warnings = vscode.languages.getDiagnostics().flatMap(([, d]) => d).filter((d) => d.severity === vscode.DiagnosticSeverity.Warning).length;
    const errors = vscode.languages.getDiagnostics().flatMap(([, d]) => d).filter((d) => d.severity === vscode.DiagnosticSeverity.Error).length;
    assert.ok(warnings >= 2, `MLH203 and MLH201 are warnings (${warnings})`);
    const shown = await waitFor('the Problems count to include the cell findings', async () => {
      const c = await problemsCount();
      return c.warnings === warnings && c.errors === errors && c;
    }, 15_000).catch(async (error: Error) => {
      throw new Error(`${error.message}; it shows ${JSON.stringify(await queryWorkbench(PROBLEMS))}, the API has ${errors} errors and ${warnings} warnings`);
    });
    assert.ok(shown.warnings > 0);

    // And the Problems panel lists them under the notebook.
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    const rows = await waitFor('the Problems panel rows', async () => {
      const texts = await queryWorkbench('.markers-panel .monaco-list-row');
      return texts.some((t) => t.includes('MLH203')) && texts.some((t) => t.includes('MLH201')) && texts;
    }, 15_000).catch(async (error: Error) => {
      throw new Error(`${error.message}; the panel shows ${JSON.stringify(await queryWorkbench('.markers-panel .monaco-list-row'))}`);
    });
    assert.ok(rows.some((t) => t.includes('explore.ipynb')), `the rows name the notebook: ${JSON.stringify(rows)}`);
  });
});

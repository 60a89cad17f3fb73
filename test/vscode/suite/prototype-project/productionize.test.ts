// Issue 12: "Turn notebook into project" in a real VS Code, from the packaged .vsix, on a bare
// prototype folder (a notebook, a README and a data file). The command opens VS Code's refactor
// preview (the opt-in README section needs confirmation, the rest starts ticked); accepting it writes the package, tests,
// params.yaml, dvc.yaml, pyproject.toml and the CI workflow and rewrites the notebook's defining cells. One undo puts every file back
// as it was and leaves no new file.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ProductionizeResult } from '../../../../src/protocol/protocol';
import { suite, suiteSetup, test } from '../tdd';
import { activeExtension, focusCellEditor, waitFor, workspaceFile } from '../workbench';

const NOTEBOOK = workspaceFile('churn.ipynb');

/** Every file of the workspace and its bytes as text (folders are not files: an empty one left behind is not content). */
async function snapshot(): Promise<Map<string, string>> {
  const files = await vscode.workspace.findFiles('**/*', '**/{.git,node_modules}/**');
  const out = new Map<string, string>();
  for (const f of files) out.set(vscode.workspace.asRelativePath(f), new TextDecoder().decode(await vscode.workspace.fs.readFile(f)));
  return out;
}

function codeSources(notebook: vscode.NotebookDocument): string[] {
  return notebook.getCells().filter((c) => c.kind === vscode.NotebookCellKind.Code).map((c) => c.document.getText());
}

suite('prototype-project: turn notebook into project', () => {
  suiteSetup(async () => {
    await activeExtension();
  });

  test('the command shows the refactor preview; applied, it writes the project; one undo restores every file', async () => {
    const before = await snapshot();
    assert.deepEqual([...before.keys()].sort(), ['README.md', 'churn.ipynb', 'data/customers.csv'], 'a bare prototype folder');
    const notebook = await vscode.workspace.openNotebookDocument(NOTEBOOK);
    const editor = await vscode.window.showNotebookDocument(notebook, { preview: false });
    const sources = codeSources(notebook);

    // What the preview will list: one entry (change annotation) per file, the notebook's cells under one.
    const { api } = await activeExtension();
    const planned = await api.client.sendRequest<ProductionizeResult>('mlHygiene/productionize', { notebookUri: notebook.uri.toString() });
    assert.ok(planned.ok, JSON.stringify(planned));

    // The command waits on the preview. The project's files start ticked; only the opt-in README section
    // needs confirmation and starts unticked. Press Apply as is, as a reviewer who keeps their README would.
    const running = vscode.commands.executeCommand<(ProductionizeResult & { applied?: boolean }) | undefined>('mlHygiene.productionize', process.env.MLH_NO_PREVIEW ? { preview: false } : undefined);
    let settled = false;
    void running.then(() => (settled = true), () => (settled = true));
    if (!process.env.MLH_NO_PREVIEW) {
      await new Promise((resolve) => setTimeout(resolve, 4_000)); // the preview's tree fills in asynchronously
      assert.equal(settled, false, 'the edit waits for the preview');
      await vscode.commands.executeCommand('refactorPreview.groupByType');
      await vscode.commands.executeCommand('workbench.view.extension.refactorPreview').then(undefined, () => undefined);
      await vscode.commands.executeCommand('refactorPreview.focus').then(undefined, () => undefined);
      await vscode.commands.executeCommand('refactorPreview.apply');
    }
    await waitFor('the command to finish', () => settled, 30_000);
    const result = await running;
    assert.ok(result?.ok, `the project should be planned, got ${JSON.stringify(result)}`);
    assert.equal(result.applied, true, 'the preview applied the edit');

    const after = await waitFor('the new files to exist', async () => {
      const s = await snapshot();
      return s.has('dvc.yaml') ? s : undefined;
    });
    for (const file of [
      'pyproject.toml',
      'params.yaml',
      'dvc.yaml',
      'src/prototype_project/__init__.py',
      'src/prototype_project/features.py',
      'src/prototype_project/model.py',
      'src/prototype_project/params.py',
      'src/prototype_project/pipeline.py',
      'tests/test_features.py',
      '.github/workflows/tests.yml',
    ]) {
      assert.ok(after.has(file), `${file} is created; the workspace has ${[...after.keys()].join(', ')}`);
    }
    assert.match(after.get('src/prototype_project/model.py')!, /^class LogisticModel:\n    """Logistic regression trained by plain gradient descent\."""/m, 'the class moved unchanged, docstring kept');
    assert.match(after.get('tests/test_features.py')!, /self\.assertEqual\(sigmoid\(0\.0\), 0\.5\)/, 'a test pins the value the notebook showed');
    assert.equal(after.get('params.yaml'), 'learning_rate: 0.5\nepochs: 40\n');
    assert.ok(planned.files.some((f) => f.path.endsWith('README.md') && f.optIn), 'the plan offers a README section, opt-in');
    assert.equal(after.get('README.md'), before.get('README.md'), 'the opt-in README section starts unticked: the README is not touched unless ticked');
    assert.ok(codeSources(notebook).some((s) => s.startsWith('from prototype_project.model import LogisticModel')), 'the notebook imports the class');

    // Ctrl+Z in the notebook: one undo takes back the whole edit.
    // The user is in a cell the edit rewrote (the Settings cell), as after reviewing the result.
    const cell = notebook.getCells().filter((c) => c.kind === vscode.NotebookCellKind.Code)[1]!;
    await focusCellEditor(notebook, editor, cell);
    await vscode.commands.executeCommand('undo');
    const restored = await waitFor(
      'one undo to remove the new files and restore the notebook',
      async () => {
        const s = await snapshot();
        return s.size === before.size && codeSources(notebook).every((t, i) => t === sources[i]) ? s : undefined;
      },
      20_000,
    ).catch(async (error: Error) => {
      const s = await snapshot();
      throw new Error(`${error.message}; files now: ${[...s.keys()].sort().join(', ')}; cells restored: ${codeSources(notebook).every((t, i) => t === sources[i])}`);
    });
    for (const [file, text] of before) {
      if (file === 'churn.ipynb') continue; // unsaved: compared through its cells above
      assert.equal(restored.get(file), text, `${file} is back as it was`);
    }
    assert.deepEqual([...restored.keys()].sort(), [...before.keys()].sort(), 'no new file is left');
  });
});

// Issue 3: dvc.yaml diagnostics as VS Code shows them, and the MLH303 quick fix "Add `<script>` to deps".
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { suite, suiteSetup, teardown, test } from '../tdd';
import {
  DIAGNOSTIC_SOURCE,
  describeDiagnostics,
  diagnosticOnLine,
  locate,
  ourDiagnostics,
  readFixtureText,
  revertIfDirty,
  ruleCode,
  showFile,
  waitFor,
  workspaceFile,
  codeActionsAt,
} from '../workbench';
import { activeExtension } from './extension';

const dvcYaml = workspaceFile('dvc.yaml');

function rangeOf(diagnostic: vscode.Diagnostic): number[] {
  const { start, end } = diagnostic.range;
  return [start.line, start.character, end.line, end.character];
}

suite('dvc-project: dvc.yaml diagnostics', () => {
  let source: string;
  /** `src/export.py` in the export stage's cmd. */
  let scriptRange: number[];
  /** The export stage's name. */
  let exportName: number[];

  suiteSetup(async () => {
    await activeExtension();
    source = await readFixtureText('dvc.yaml');
    const cmd = locate(source, 'cmd: python src/export.py');
    const script = cmd.character + 'cmd: python '.length;
    scriptRange = [cmd.line, script, cmd.line, script + 'src/export.py'.length];
    const name = locate(source, '  export:');
    exportName = [name.line, 2, name.line, 2 + 'export'.length];
  });

  teardown(async () => {
    await revertIfDirty(dvcYaml);
  });

  test('the fixture gets exactly MLH303 on the undeclared script and MLH310 on the never-run stage', async () => {
    await showFile(dvcYaml);
    await waitFor(
      'MLH303 and MLH310 on dvc.yaml',
      () => diagnosticOnLine(dvcYaml, 'MLH303', scriptRange[0]!) && diagnosticOnLine(dvcYaml, 'MLH310', exportName[0]!),
      30_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}; dvc.yaml has:\n${describeDiagnostics(dvcYaml)}`);
    });
    const ours = ourDiagnostics(dvcYaml);
    assert.deepEqual(
      ours.map((d) => [ruleCode(d), ...rangeOf(d)]).sort(),
      [
        ['MLH303', ...scriptRange],
        ['MLH310', ...exportName],
      ].sort(),
      `dvc.yaml has:\n${describeDiagnostics(dvcYaml)}`,
    );
    const mlh303 = ours.find((d) => ruleCode(d) === 'MLH303')!;
    assert.equal(mlh303.source, DIAGNOSTIC_SOURCE);
    assert.equal(mlh303.severity, vscode.DiagnosticSeverity.Warning);
    assert.match(mlh303.message, /Stage 'export' runs 'src\/export\.py' but does not depend on it/);
    assert.ok(typeof mlh303.code === 'object' && mlh303.code.target instanceof vscode.Uri, 'MLH303 should link its docs');
    const mlh310 = ours.find((d) => ruleCode(d) === 'MLH310')!;
    assert.equal(mlh310.severity, vscode.DiagnosticSeverity.Information);
  });

  test('"Add `src/export.py` to deps" inserts one deps item in the file\'s style and clears MLH303', async () => {
    const editor = await showFile(dvcYaml);
    const document = editor.document;
    assert.equal(document.getText(), source, 'the test starts from the fixture text');
    const diagnostic = await waitFor('MLH303 on the export cmd', () => diagnosticOnLine(dvcYaml, 'MLH303', scriptRange[0]!), 30_000);

    const actions = await codeActionsAt(dvcYaml, diagnostic.range, vscode.CodeActionKind.QuickFix);
    const titles = actions.map((a) => a.title);
    const fix = actions.find((a): a is vscode.CodeAction => a.title === 'Add `src/export.py` to deps');
    assert.ok(fix, `expected the quick fix "Add \`src/export.py\` to deps", got ${JSON.stringify(titles)}`);
    assert.ok(fix.edit, 'the quick fix should carry its edit');
    assert.equal(fix.isPreferred, true, 'it is the preferred fix');
    assert.deepEqual(fix.edit.entries().map(([uri]) => uri.toString()), [dvcYaml.toString()], 'only dvc.yaml changes');

    assert.equal(await vscode.workspace.applyEdit(fix.edit), true, 'applyEdit should succeed');
    const exportDeps = '      - models/model.pkl\n    outs:\n      - models/model.onnx';
    assert.equal(source.split(exportDeps).length, 2, 'the fixture has the export deps block once');
    const expected = source.replace(exportDeps, '      - models/model.pkl\n      - src/export.py\n    outs:\n      - models/model.onnx');
    assert.equal(document.getText(), expected, 'exactly one deps item, indented like its neighbours');

    await waitFor('MLH303 to clear after the fix', () => ourDiagnostics(dvcYaml, 'MLH303').length === 0, 10_000).catch((error: Error) => {
      throw new Error(`${error.message}; dvc.yaml has:\n${describeDiagnostics(dvcYaml)}`);
    });
    // The stage still has no lock entry.
    assert.ok(diagnosticOnLine(dvcYaml, 'MLH310', exportName[0]!), `MLH310 should stay; dvc.yaml has:\n${describeDiagnostics(dvcYaml)}`);
  });
});

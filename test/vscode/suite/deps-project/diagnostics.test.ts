// Issue 2: dependency diagnostics on pyproject.toml, as VS Code shows them, from the packaged .vsix.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { suite, suiteSetup, test } from '../tdd';
import {
  DIAGNOSTIC_SOURCE,
  activeExtension,
  describeDiagnostics,
  diagnosticOnLine,
  locate,
  readFixtureText,
  showFile,
  waitFor,
  workspaceFile,
} from '../workbench';

const pyproject = workspaceFile('pyproject.toml');

/** Where the requirement string's content (inside its quotes) sits in the fixture. */
function requirementRange(source: string, requirement: string): vscode.Range {
  const quoted = locate(source, `"${requirement}"`);
  const start = quoted.character + 1;
  return new vscode.Range(quoted.line, start, quoted.line, start + requirement.length);
}

function assertRule(diagnostic: vscode.Diagnostic, code: string, expectedRange: vscode.Range): void {
  assert.equal(diagnostic.source, DIAGNOSTIC_SOURCE);
  assert.ok(typeof diagnostic.code === 'object', `code should carry a docs link, got ${JSON.stringify(diagnostic.code)}`);
  assert.equal(diagnostic.code.value, code);
  assert.ok(diagnostic.code.target instanceof vscode.Uri, 'code.target should be the rule docs URI');
  assert.match(diagnostic.code.target.toString(), new RegExp(code, 'i'), 'the docs link should name the rule');
  assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Warning);
  assert.deepEqual(
    [diagnostic.range.start.line, diagnostic.range.start.character, diagnostic.range.end.line, diagnostic.range.end.character],
    [expectedRange.start.line, expectedRange.start.character, expectedRange.end.line, expectedRange.end.character],
    'the range should cover exactly the requirement inside its quotes',
  );
}

suite('deps-project: dependency diagnostics', () => {
  let source: string;

  suiteSetup(async () => {
    source = await readFixtureText('pyproject.toml');
  });

  test('the installed .vsix is what runs, and it activates', async () => {
    const { extension } = await activeExtension();
    assert.equal(extension.isActive, true);
  });

  test('unpinned "pandas" is MLH101 over the requirement inside the quotes', async () => {
    await showFile(pyproject);
    const expected = requirementRange(source, 'pandas');
    const diagnostic = await waitFor(
      'MLH101 on the pandas line',
      () => diagnosticOnLine(pyproject, 'MLH101', expected.start.line),
      30_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}; pyproject.toml has:\n${describeDiagnostics(pyproject)}`);
    });
    assertRule(diagnostic, 'MLH101', expected);
  });

  test('open-ended "scikit-learn>=1.3" is MLH102 over the requirement inside the quotes', async () => {
    await showFile(pyproject);
    const expected = requirementRange(source, 'scikit-learn>=1.3');
    const diagnostic = await waitFor(
      'MLH102 on the scikit-learn line',
      () => diagnosticOnLine(pyproject, 'MLH102', expected.start.line),
      30_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}; pyproject.toml has:\n${describeDiagnostics(pyproject)}`);
    });
    assertRule(diagnostic, 'MLH102', expected);
  });
});

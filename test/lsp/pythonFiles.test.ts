/**
 * `.py` files of a project, over a real LSP connection: MLH110 on the file's own undeclared imports
 * and MLH408 on hard-coded hyperparameters, from the open buffer, updated as the user types; a file
 * the workspace scan has not seen yet is checked too. MLH422's hint on an unannotated public function
 * and its `-> None` quick fix, cleared as the annotation is typed.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LspClient, fileUri } from './lspClient';

let dir: string;
let client: LspClient;

const TRAIN = 'import pandas as pd\nimport xgboost\n\nmodel = xgboost.XGBClassifier(n_estimators=500, max_depth=6)\n';

const SERVE = 'import pandas as pd\n\n\ndef main() -> None:\n    print(pd.__version__)\n';

const METRICS = 'def log_metrics(metrics: dict[str, float]):\n    for name, value in metrics.items():\n        print(name, value)\n';

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'mlh-lsp-py-'));
  writeFileSync(path.join(dir, 'pyproject.toml'), '[project]\nname = "churn"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = ["pandas==2.2.3", "xgboost==2.1.1"]\n');
  mkdirSync(path.join(dir, 'src', 'churn'), { recursive: true });
  writeFileSync(path.join(dir, 'src', 'churn', '__init__.py'), '');
  writeFileSync(path.join(dir, 'src', 'churn', 'train.py'), TRAIN);
  writeFileSync(path.join(dir, 'src', 'churn', 'serve.py'), SERVE);
  writeFileSync(path.join(dir, 'src', 'churn', 'metrics.py'), METRICS);
  client = await LspClient.start(dir);
});

after(async () => {
  await client?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function codesOf(uri: string): string[] {
  return (client.diagnostics.get(uri) ?? []).map((d) => `${d.code} ${d.range.start.line}:${d.range.start.character}`).sort();
}

test('a .py file gets MLH408 from disk and MLH110 as an undeclared import is typed', async () => {
  const file = path.join(dir, 'src', 'churn', 'train.py');
  const uri = fileUri(file);
  await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version: 1, text: TRAIN } });
  await client.waitFor(() => client.diagnostics.has(uri) || undefined);
  assert.deepEqual(codesOf(uri), ['MLH408 3:30'], 'hard-coded n_estimators/max_depth, every import declared');

  // Typing an import of a package the project does not declare (the edit is not saved).
  await client.connection.sendNotification('textDocument/didChange', {
    textDocument: { uri, version: 2 },
    contentChanges: [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: 'import lightgbm\n' }],
  });
  await client.waitFor(() => codesOf(uri).some((c) => c.startsWith('MLH110')) || undefined);
  assert.deepEqual(codesOf(uri), ['MLH110 1:7', 'MLH408 4:30']);

  // Removing it again clears the finding.
  await client.connection.sendNotification('textDocument/didChange', {
    textDocument: { uri, version: 3 },
    contentChanges: [{ range: { start: { line: 1, character: 0 }, end: { line: 2, character: 0 } }, text: '' }],
  });
  await client.waitFor(() => !codesOf(uri).some((c) => c.startsWith('MLH110')) || undefined);
  assert.deepEqual(codesOf(uri), ['MLH408 3:30']);
});

test('a .py file created after the scan is checked from its buffer', async () => {
  const file = path.join(dir, 'src', 'churn', 'features.py');
  const text = 'import numpy as np\nimport pandas as pd\n';
  writeFileSync(file, text);
  const uri = fileUri(file);
  await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version: 1, text } });
  await client.waitFor(() => codesOf(uri).length || undefined);
  assert.deepEqual(codesOf(uri), ['MLH110 0:7'], 'numpy is not declared; pandas is');
});

test('a serving module with a main gets MLH416 on the def, with the fix that adds [project.scripts] to pyproject.toml', async () => {
  const uri = fileUri(path.join(dir, 'src', 'churn', 'serve.py'));
  await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version: 1, text: SERVE } });
  await client.waitFor(() => codesOf(uri).length || undefined);
  assert.deepEqual(codesOf(uri), ['MLH416 3:4']);
  const diagnostic = client.diagnostics.get(uri)!.find((d) => d.code === 'MLH416')!;
  const actions = (await client.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: diagnostic.range, context: { diagnostics: [diagnostic] } })) as Array<{ title: string; edit?: { documentChanges?: Array<{ textDocument?: { uri: string }; edits?: Array<{ newText: string }> }> } }>;
  const add = actions.find((a) => a.title.startsWith('Add [project.scripts]'));
  assert.ok(add, `actions: ${actions.map((a) => a.title).join(', ')}`);
  const change = add.edit!.documentChanges!.find((c) => c.textDocument?.uri === fileUri(path.join(dir, 'pyproject.toml')))!;
  assert.equal(change.edits![0]!.newText, '\n\n[project.scripts]\nchurn-serve = "churn.serve:main"');
});

test('an unannotated public function gets an MLH422 hint on its name with the `-> None` fix, cleared once annotated', async () => {
  const uri = fileUri(path.join(dir, 'src', 'churn', 'metrics.py'));
  await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version: 1, text: METRICS } });
  await client.waitFor(() => codesOf(uri).length || undefined);
  assert.deepEqual(codesOf(uri), ['MLH422 0:4']);
  const diagnostic = client.diagnostics.get(uri)!.find((d) => d.code === 'MLH422')!;
  assert.equal(diagnostic.severity, 4, 'a hint');
  const actions = (await client.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: diagnostic.range, context: { diagnostics: [diagnostic] } })) as Array<{ title: string; edit?: { documentChanges?: Array<{ textDocument?: { uri: string }; edits?: Array<{ newText: string; range: { start: { line: number; character: number } } }> }> } }>;
  const annotate = actions.find((a) => a.title === 'Annotate `log_metrics` with `-> None`');
  assert.ok(annotate, `actions: ${actions.map((a) => a.title).join(', ')}`);
  const edits = annotate.edit!.documentChanges!.find((c) => c.textDocument?.uri === uri)!.edits!;
  assert.deepEqual(edits.map((e) => [e.range.start.line, e.range.start.character, e.newText]), [[0, 42, ' -> None']]);
  // The user applies it (unsaved): the hint goes away.
  await client.connection.sendNotification('textDocument/didChange', {
    textDocument: { uri, version: 2 },
    contentChanges: [{ range: { start: { line: 0, character: 42 }, end: { line: 0, character: 42 } }, text: ' -> None' }],
  });
  await client.waitFor(() => !codesOf(uri).length || undefined);
  assert.deepEqual(codesOf(uri), []);
});

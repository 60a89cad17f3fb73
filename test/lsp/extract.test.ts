import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LspClient, fileUri } from './lspClient';
import type { ExtractPlanResult, ExtractSuggestResult } from '../../src/protocol/protocol';

let dir: string;
let client: LspClient;
const CELLS = ['import statistics', '# Summarize the scores\nscores = [3, 5, 8]\nmean = statistics.mean(scores)\nspread = max(scores) - min(scores)', 'print(mean, spread)'];
const nbPath = () => path.join(dir, 'notebooks', 'scores.ipynb');
const cellUri = (i: number) => `vscode-notebook-cell:${nbPath()}#c${i}`;

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'mlh-lsp-extract-'));
  mkdirSync(path.join(dir, 'src', 'scorekit'), { recursive: true });
  mkdirSync(path.join(dir, 'notebooks'));
  writeFileSync(path.join(dir, 'pyproject.toml'), '[project]\nname = "scorekit"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = []\n');
  writeFileSync(path.join(dir, 'src', 'scorekit', '__init__.py'), '');
  writeFileSync(nbPath(), JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: CELLS.map((c, i) => ({ id: `c${i}`, cell_type: 'code', metadata: {}, execution_count: null, outputs: [], source: c })) }));
  client = await LspClient.start(dir);
  await client.connection.sendNotification('notebookDocument/didOpen', {
    notebookDocument: { uri: fileUri(nbPath()), notebookType: 'jupyter-notebook', version: 1, cells: CELLS.map((_, i) => ({ kind: 2, document: cellUri(i) })) },
    cellTextDocuments: CELLS.map((text, i) => ({ uri: cellUri(i), languageId: 'python', version: 1, text })),
  });
});

after(async () => {
  await client?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('a code cell offers "Extract cell to module" as a refactor.extract action', async () => {
  const actions = (await client.connection.sendRequest('textDocument/codeAction', {
    textDocument: { uri: cellUri(1) },
    range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } },
    context: { diagnostics: [] },
  })) as Array<{ title: string; kind: string; command: { arguments: unknown[] } }>;
  const extract = actions.find((a) => a.title === 'Extract cell to module')!;
  assert.equal(extract.kind, 'refactor.extract');
  assert.deepEqual(extract.command.arguments, [{ notebookUri: fileUri(nbPath()), codeCellIndex: 1 }]);
});

test('suggestions and the plan come back as one workspace edit: a new module and the rewritten cell', async () => {
  const suggestion = (await client.connection.sendRequest('mlHygiene/extractSuggest', { notebookUri: fileUri(nbPath()), codeCellIndex: 1 })) as ExtractSuggestResult;
  assert.equal(suggestion.functionName, 'summarize_scores');
  assert.equal(suggestion.modulePath, path.join(dir, 'src', 'scorekit', 'scores.py'));
  const plan = (await client.connection.sendRequest('mlHygiene/extractPlan', { notebookUri: fileUri(nbPath()), codeCellIndex: 1, modulePath: suggestion.modulePath, functionName: suggestion.functionName })) as ExtractPlanResult;
  assert.ok(plan.ok, JSON.stringify(plan));
  assert.deepEqual(plan.parameters, []);
  assert.deepEqual(plan.returns, ['mean', 'spread']);
  const changes = (plan.edit as { documentChanges: Array<{ kind?: string; uri?: string; textDocument?: { uri: string }; edits?: Array<{ newText: string }> }> }).documentChanges;
  assert.ok(changes.some((c) => c.kind === 'create' && c.uri === fileUri(suggestion.modulePath)), 'creates the module');
  const cellEdit = changes.find((c) => c.textDocument?.uri === cellUri(1))!;
  assert.match(cellEdit.edits![0]!.newText, /from scorekit\.scores import summarize_scores\s+mean, spread = summarize_scores\(\)/);
});

test('a magic at the top of the live cell stays above the call; a magic in the middle of the code is refused with the line', async () => {
  await client.connection.sendNotification('notebookDocument/didChange', {
    notebookDocument: { uri: fileUri(nbPath()), version: 2 },
    change: { cells: { textContent: [{ document: { uri: cellUri(2), version: 2 }, changes: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '%matplotlib inline\n' }] }] } },
  });
  const plan = (await client.connection.sendRequest('mlHygiene/extractPlan', { notebookUri: fileUri(nbPath()), codeCellIndex: 2, modulePath: path.join(dir, 'src', 'scorekit', 'scores.py'), functionName: 'show' })) as ExtractPlanResult;
  assert.ok(plan.ok, JSON.stringify(plan));
  const changes = (plan.edit as { documentChanges: Array<{ textDocument?: { uri: string }; edits?: Array<{ newText: string }> }> }).documentChanges;
  assert.equal(changes.find((c) => c.textDocument?.uri === cellUri(2))!.edits![0]!.newText, '%matplotlib inline\nfrom scorekit.scores import show\nshow(mean, spread)');

  await client.connection.sendNotification('notebookDocument/didChange', {
    notebookDocument: { uri: fileUri(nbPath()), version: 3 },
    change: { cells: { textContent: [{ document: { uri: cellUri(2), version: 3 }, changes: [{ range: { start: { line: 0, character: 0 }, end: { line: 1, character: 0 } }, text: 'low = min(mean, spread)\n%time high = max(mean, spread)\n' }] }] } },
  });
  const refused = (await client.connection.sendRequest('mlHygiene/extractPlan', { notebookUri: fileUri(nbPath()), codeCellIndex: 2, modulePath: path.join(dir, 'src', 'scorekit', 'scores.py'), functionName: 'show' })) as ExtractPlanResult;
  assert.equal(refused.ok, false);
  assert.match((refused as { reason: string }).reason, /IPython magic `%time high = max\(mean, spread\)` on line 2/);
});

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LspClient, fileUri } from './lspClient';

let dir: string;
let client: LspClient;

const CELLS = [
  { source: 'import pandas as pd\nimport numpy as np', order: 1 },
  { source: 'df = pd.read_csv("data/churn.csv")\nprint(model)', order: 3 }, // reads `model`, defined only below
  { source: 'model = train(df)', order: 2 }, // run before the cell above: out of order
];

function notebookJson(): string {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'python3', language: 'python', display_name: 'Python 3' } },
    cells: CELLS.map((c, i) => ({ id: `c${i}`, cell_type: 'code', metadata: {}, execution_count: c.order, outputs: [], source: c.source.split('\n').map((l, j, a) => (j < a.length - 1 ? l + '\n' : l)) })),
  }, null, 1);
}

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'mlh-lsp-nb-'));
  writeFileSync(path.join(dir, 'pyproject.toml'), '[project]\nname = "churn"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = ["pandas==2.2.3"]\n');
  writeFileSync(path.join(dir, 'analysis.ipynb'), notebookJson());
  client = await LspClient.start(dir);
});

after(async () => {
  await client?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('per-cell diagnostics through LSP notebook sync: hidden state, out-of-order execution, undeclared import', async () => {
  const nbUri = fileUri(path.join(dir, 'analysis.ipynb'));
  const cellUri = (i: number) => `vscode-notebook-cell:${path.join(dir, 'analysis.ipynb')}#c${i}`;
  await client.connection.sendNotification('notebookDocument/didOpen', {
    notebookDocument: {
      uri: nbUri,
      notebookType: 'jupyter-notebook',
      version: 1,
      cells: CELLS.map((c, i) => ({ kind: 2, document: cellUri(i), executionSummary: { executionOrder: c.order, success: true } })),
    },
    cellTextDocuments: CELLS.map((c, i) => ({ uri: cellUri(i), languageId: 'python', version: 1, text: c.source })),
  });
  const cell1 = await client.waitFor(() => client.diagnostics.get(cellUri(1))?.length ? client.diagnostics.get(cellUri(1)) : undefined);
  const hidden = cell1.find((d) => d.code === 'MLH203');
  assert.ok(hidden, JSON.stringify(cell1));
  assert.deepEqual(hidden.range, { start: { line: 1, character: 6 }, end: { line: 1, character: 11 } }, 'on `model`, relative to the cell');
  // Each cell's diagnostics are their own notification: wait for all three cells' to arrive.
  await client.waitFor(() => [0, 2].every((i) => client.diagnostics.has(cellUri(i))) || undefined);
  const all = [0, 1, 2].flatMap((i) => (client.diagnostics.get(cellUri(i)) ?? []).map((d) => `${i}:${d.code}`));
  assert.ok(all.includes('2:MLH201') && !all.includes('1:MLH201'), `MLH201 is on the cell that ran [2] after [3]: ${all.join(' ')}`);
  assert.ok(all.includes('0:MLH110'), `numpy is imported but not declared: ${all.join(' ')}`);

  // Typing the definition into cell 1 (above its use) clears the hidden-state finding, live.
  await client.connection.sendNotification('notebookDocument/didChange', {
    notebookDocument: { uri: nbUri, version: 2 },
    change: { cells: { textContent: [{ document: { uri: cellUri(1), version: 2 }, changes: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: 'model = None\n' }] }] } },
  });
  await client.waitFor(() => !(client.diagnostics.get(cellUri(1)) ?? []).some((d) => d.code === 'MLH203') || undefined);
});

test('editing a cell that was loaded with a saved execution count keeps that count (sync sends none until it runs again)', async () => {
  const nbPath = path.join(dir, 'saved.ipynb');
  const cells = [
    { source: 'x = 1', order: 2 },
    { source: 'y = x + 1', order: 1 }, // ran before the cell above: MLH201 here
  ];
  writeFileSync(nbPath, JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: cells.map((c, i) => ({ id: `s${i}`, cell_type: 'code', metadata: {}, execution_count: c.order, outputs: [], source: c.source })) }));
  const uri = fileUri(nbPath);
  const cellUri = (i: number) => `vscode-notebook-cell:${nbPath}#s${i}`;
  // As VS Code's client sends a notebook read from disk: no executionSummary (it has no `success`).
  await client.connection.sendNotification('notebookDocument/didOpen', {
    notebookDocument: { uri, notebookType: 'jupyter-notebook', version: 1, cells: cells.map((_, i) => ({ kind: 2, document: cellUri(i) })) },
    cellTextDocuments: cells.map((c, i) => ({ uri: cellUri(i), languageId: 'python', version: 1, text: c.source })),
  });
  await client.waitFor(() => (client.diagnostics.get(cellUri(1)) ?? []).some((d) => d.code === 'MLH201') || undefined);
  // Edit the first cell without running it (a star import, so the re-check visibly publishes for
  // this cell): it still shows [2], so the order problem stays and nothing says "never run".
  await client.connection.sendNotification('notebookDocument/didChange', {
    notebookDocument: { uri, version: 2 },
    change: { cells: { textContent: [{ document: { uri: cellUri(0), version: 2 }, changes: [{ range: { start: { line: 0, character: 5 }, end: { line: 0, character: 5 } }, text: '\nfrom math import *' }] }] } },
  });
  await client.waitFor(() => (client.diagnostics.get(cellUri(0)) ?? []).some((d) => d.code === 'MLH213') || undefined);
  assert.ok(!(client.diagnostics.get(cellUri(0)) ?? []).some((d) => d.code === 'MLH202'), 'the edited cell is not reported as never run');
  assert.ok((client.diagnostics.get(cellUri(1)) ?? []).some((d) => d.code === 'MLH201'), 'the order problem is still reported');
});

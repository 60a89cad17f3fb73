import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LspClient, fileUri } from './lspClient';
import { ReadinessMethods, type ReadinessResult } from '../../src/protocol/readiness';

// A notebook opened from outside the workspace folder (a download, a file in the temp folder): the
// server checks it alone, as the CLI does, instead of walking the folder it lies in as a project.
let workspace: string;
let loose: string;
let client: LspClient;

before(async () => {
  workspace = mkdtempSync(path.join(tmpdir(), 'mlh-lsp-ws-'));
  writeFileSync(path.join(workspace, 'pyproject.toml'), '[project]\nname = "churn"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = ["pandas==2.2.3"]\n');
  loose = mkdtempSync(path.join(tmpdir(), 'mlh-lsp-loose-'));
  // Unrelated tools' folders beside the notebook: walked as a project, they gave "Code lives in pkg-oracle-.../__init__.py".
  mkdirSync(path.join(loose, 'pkg-oracle-77', 'src', 'packaging'), { recursive: true });
  writeFileSync(path.join(loose, 'pkg-oracle-77', 'src', 'packaging', '__init__.py'), 'X = 1\n');
  client = await LspClient.start(workspace);
});

after(async () => {
  await client?.stop();
  rmSync(workspace, { recursive: true, force: true });
  rmSync(loose, { recursive: true, force: true });
});

test('a notebook outside the workspace and outside any project gets its cell checks only', async () => {
  const nbPath = path.join(loose, 'bin.ipynb');
  const cells = [
    { source: 'print(model.score(X, y))', order: 2 },
    { source: 'import pickle\nmodel = pickle.load(open("model.pkl", "rb"))', order: 1 },
  ];
  writeFileSync(nbPath, JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: cells.map((c, i) => ({ id: `b${i}`, cell_type: 'code', metadata: {}, execution_count: c.order, outputs: [], source: c.source })) }));
  const cellUri = (i: number) => `vscode-notebook-cell:${nbPath}#b${i}`;
  await client.connection.sendNotification('notebookDocument/didOpen', {
    notebookDocument: { uri: fileUri(nbPath), notebookType: 'jupyter-notebook', version: 1, cells: cells.map((c, i) => ({ kind: 2, document: cellUri(i), executionSummary: { executionOrder: c.order, success: true } })) },
    cellTextDocuments: cells.map((c, i) => ({ uri: cellUri(i), languageId: 'python', version: 1, text: c.source })),
  });
  const cell0 = await client.waitFor(() => (client.diagnostics.get(cellUri(0)) ?? []).some((d) => d.code === 'MLH203') && client.diagnostics.get(cellUri(0)));
  await client.waitFor(() => client.diagnostics.has(cellUri(1)) || undefined);
  const all = [...client.diagnostics.entries()].filter(([uri]) => uri.includes(loose)).flatMap(([uri, ds]) => ds.map((d) => `${uri.slice(uri.lastIndexOf('/') + 1)} ${d.code} ${d.message}`));
  assert.ok(cell0.some((d) => d.code === 'MLH203'), 'its own hidden state is found');
  assert.deepEqual(all.filter((line) => !/ MLH2\d\d /.test(line)), [], 'no dependency or project-level finding (MLH110, MLH401, MLH403, MLH407...)');
  assert.ok(!all.some((line) => line.includes('pkg-oracle')), all.join('\n'));

  // The readiness badge for it: no project is made of the folder it lies in (the workspace's own project answers).
  const report = (await client.connection.sendRequest(ReadinessMethods.readiness, { uri: fileUri(nbPath) })) as ReadinessResult;
  assert.deepEqual(report.projects.map((p) => p.projectRoot), [workspace]);
});

/**
 * "Turn notebook into project" over a real LSP connection: the plan comes back as one workspace edit
 * whose every change carries a change annotation (VS Code then shows its refactor preview listing each
 * file; only the opt-in README section needs confirmation, so only it starts unticked), with creates
 * for the new files, the CI workflow among them, and the notebook's cells rewritten.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LspClient, fileUri } from './lspClient';
import type { ProductionizeResult } from '../../src/protocol/protocol';

const FIXTURE = path.resolve(__dirname, '../fixtures/productionize/sales-report');
let dir: string;
let client: LspClient;
const nbPath = () => path.join(dir, 'report.ipynb');
const cellUri = (i: number) => `vscode-notebook-cell:${nbPath()}#c${i}`;
let codeCells: string[] = [];

before(async () => {
  // The folder's name becomes the package's name.
  dir = path.join(mkdtempSync(path.join(tmpdir(), 'mlh-lsp-productionize-')), 'sales-report');
  cpSync(FIXTURE, dir, { recursive: true });
  const nb = JSON.parse(readFileSync(nbPath(), 'utf8')) as { cells: Array<{ cell_type: string; source: string[] }> };
  codeCells = nb.cells.filter((c) => c.cell_type === 'code').map((c) => c.source.join(''));
  client = await LspClient.start(dir);
  await client.connection.sendNotification('notebookDocument/didOpen', {
    notebookDocument: { uri: fileUri(nbPath()), notebookType: 'jupyter-notebook', version: 1, cells: codeCells.map((_, i) => ({ kind: 2, document: cellUri(i) })) },
    cellTextDocuments: codeCells.map((text, i) => ({ uri: cellUri(i), languageId: 'python', version: 1, text })),
  });
});

after(async () => {
  await client?.stop();
  rmSync(path.dirname(dir), { recursive: true, force: true });
});

test('one workspace edit, one annotation per file; only the opt-in README section needs confirmation (starts unticked)', async () => {
  const result = (await client.connection.sendRequest('mlHygiene/productionize', { notebookUri: fileUri(nbPath()) })) as ProductionizeResult;
  assert.ok(result.ok, JSON.stringify(result));
  const edit = result.edit as {
    documentChanges: Array<{ kind?: string; uri?: string; annotationId?: string; textDocument?: { uri: string }; edits?: Array<{ newText: string; annotationId?: string }> }>;
    changeAnnotations: Record<string, { label: string; needsConfirmation: boolean }>;
  };
  const creates = edit.documentChanges.filter((c) => c.kind === 'create').map((c) => path.relative(dir, new URL(c.uri!).pathname)).sort();
  assert.deepEqual(creates, [
    '.github/workflows/tests.yml',
    'dvc.yaml',
    'pyproject.toml',
    'src/sales_report/__init__.py',
    'src/sales_report/pipeline.py',
    'src/sales_report/py.typed',
    'src/sales_report/report.py',
    'tests/test_pipeline.py',
    'tests/test_report.py',
  ].concat(creates.includes('.python-version') ? ['.python-version'] : []).sort());
  for (const change of edit.documentChanges) {
    const ids = change.kind ? [change.annotationId] : change.edits!.map((e) => e.annotationId);
    for (const id of ids) {
      assert.ok(id && edit.changeAnnotations[id], `unannotated change ${JSON.stringify(change).slice(0, 120)}`);
      assert.equal(edit.changeAnnotations[id]!.needsConfirmation, id === 'README.md', `${id}: only the README section is opt-in`);
    }
  }
  // The user's README gets a section appended; its own text is kept as it was.
  const readme = edit.documentChanges.find((c) => c.textDocument?.uri === fileUri(path.join(dir, 'README.md')))!;
  const readmeBefore = readFileSync(path.join(dir, 'README.md'), 'utf8');
  assert.ok(readme.edits![0]!.newText.startsWith(readmeBefore.trimEnd()), 'the README keeps its text');
  assert.match(readme.edits![0]!.newText, /\n\n## Working on this project\n\nThe code of `report\.ipynb` lives in the `sales_report` package under `src\/`/);
  assert.match(readme.edits![0]!.newText, /^python -m pytest +# the tests in tests\/$/m);
  assert.ok(edit.changeAnnotations['report.ipynb'], 'the notebook is one entry of the preview');
  const cell1 = edit.documentChanges.find((c) => c.textDocument?.uri === cellUri(1))!;
  assert.equal(cell1.edits![0]!.newText, 'from sales_report.report import VAT, REGIONS, gross');
  assert.deepEqual(result.modules, [{ importName: 'sales_report.report', names: ['VAT', 'REGIONS', 'gross', 'best_month'] }]);
});

test('without an opt-in file (the README has the section already) every change needs confirmation, so the preview still opens', async () => {
  const readmePath = path.join(dir, 'README.md');
  const readme = readFileSync(readmePath, 'utf8');
  writeFileSync(readmePath, `${readme}\n## Working on this project\n\nSee the wiki.\n`);
  try {
    const result = (await client.connection.sendRequest('mlHygiene/productionize', { notebookUri: fileUri(nbPath()) })) as ProductionizeResult;
    assert.ok(result.ok, JSON.stringify(result));
    const annotations = Object.entries((result.edit as { changeAnnotations: Record<string, { needsConfirmation: boolean }> }).changeAnnotations);
    assert.ok(!annotations.some(([id]) => id === 'README.md'), 'no README section is planned when there is one');
    assert.ok(annotations.some(([id]) => id === '.github/workflows/tests.yml'), 'the CI workflow is planned');
    assert.ok(annotations.length > 3);
    for (const [id, a] of annotations) assert.equal(a.needsConfirmation, true, id);
  } finally {
    writeFileSync(readmePath, readme);
  }
});

test('unsaved cell changes are refused: the tests are generated from the saved outputs', async () => {
  await client.connection.sendNotification('notebookDocument/didChange', {
    notebookDocument: { uri: fileUri(nbPath()), version: 2 },
    change: { cells: { textContent: [{ document: { uri: cellUri(2), version: 2 }, changes: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: 'x = 1\n' }] }] } },
  });
  const result = (await client.connection.sendRequest('mlHygiene/productionize', { notebookUri: fileUri(nbPath()) })) as ProductionizeResult;
  assert.equal(result.ok, false);
  assert.match((result as { reason: string }).reason, /unsaved changes/);
});

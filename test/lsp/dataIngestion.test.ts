/**
 * MLH423 over a real LSP connection: a package module that returns what it reads gets the warning on
 * the read call, with the rule's docs link, and loses it as the user types the validation (unsaved).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LspClient, fileUri } from './lspClient';

let dir: string;
let client: LspClient;

const LOADERS = 'import pandas as pd\n\nfrom churn.schemas import CUSTOMERS\n\n\ndef load_customers(path: str) -> pd.DataFrame:\n    customers = pd.read_csv(path)\n    return customers.dropna()\n';

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'mlh-lsp-ingest-'));
  writeFileSync(path.join(dir, 'pyproject.toml'), '[project]\nname = "churn"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = ["pandas==2.2.3", "pandera==0.21.0"]\n');
  mkdirSync(path.join(dir, 'src', 'churn'), { recursive: true });
  writeFileSync(path.join(dir, 'src', 'churn', '__init__.py'), '');
  writeFileSync(path.join(dir, 'src', 'churn', 'schemas.py'), 'import pandera.pandas as pa\n\nCUSTOMERS = pa.DataFrameSchema({"customer_id": pa.Column(int)})\n');
  writeFileSync(path.join(dir, 'src', 'churn', 'loaders.py'), LOADERS);
  client = await LspClient.start(dir);
});

after(async () => {
  await client?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const ingestion = (uri: string) => (client.diagnostics.get(uri) ?? []).filter((d) => d.code === 'MLH423');

test('MLH423 on the read call of an open package module, gone once the buffer validates the data', async () => {
  const uri = fileUri(path.join(dir, 'src', 'churn', 'loaders.py'));
  await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version: 1, text: LOADERS } });
  const [found] = await client.waitFor(() => (ingestion(uri).length ? ingestion(uri) : undefined));
  assert.deepEqual(found!.range, { start: { line: 6, character: 16 }, end: { line: 6, character: 33 } });
  assert.equal(found!.severity, 2);
  assert.match(found!.message as string, /^`load_customers` in `src\/churn\/loaders\.py` returns the data `pd\.read_csv` reads without validating it/);
  assert.equal((found as { codeDescription?: { href: string } }).codeDescription?.href, 'https://github.com/ml-hygiene/ml-hygiene/blob/main/docs/rules/MLH423.md');

  // The user validates the frame where it is read; the edit is not saved.
  await client.connection.sendNotification('textDocument/didChange', {
    textDocument: { uri, version: 2 },
    contentChanges: [{ range: { start: { line: 6, character: 16 }, end: { line: 6, character: 33 } }, text: 'CUSTOMERS.validate(pd.read_csv(path))' }],
  });
  await client.waitFor(() => client.diagnostics.has(uri) && ingestion(uri).length === 0);
  assert.deepEqual(ingestion(uri), []);
});

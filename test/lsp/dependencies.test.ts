import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { existsSync } from 'node:fs';
import { LspClient, fileUri, SERVER } from './lspClient';
import { UV_LOCK } from '../unit/dependencies/helpers';

const PYPROJECT = `[project]
name = "churn"
version = "0.1.0"
requires-python = ">=3.11"
dependencies = [
  "pandas",  # keep this comment
  "scikit-learn>=1.3",
]
`;


let dir: string;
let client: LspClient;

before(async () => {
  assert.ok(existsSync(SERVER), 'run `npm run build` first: dist/server.js is what is tested');
  dir = mkdtempSync(path.join(tmpdir(), 'mlh-lsp-'));
  writeFileSync(path.join(dir, 'pyproject.toml'), PYPROJECT);
  writeFileSync(path.join(dir, '.python-version'), '3.11\n');
  client = await LspClient.start(dir);
});

after(async () => {
  await client?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const code = (d: { code?: unknown }) => String(d.code);

test('diagnostics for pyproject.toml arrive over the protocol with codes, docs links and exact ranges', async () => {
  const uri = fileUri(path.join(dir, 'pyproject.toml'));
  client.open(uri, PYPROJECT);
  const diags = await client.waitFor(() => client.diagnostics.get(uri)?.length ? client.diagnostics.get(uri) : undefined);
  assert.deepEqual(diags.map(code).sort(), ['MLH101', 'MLH102', 'MLH103']);
  const pandas = diags.find((d) => d.code === 'MLH101')!;
  assert.deepEqual(pandas.range, { start: { line: 5, character: 3 }, end: { line: 5, character: 9 } });
  assert.equal(pandas.source, 'ml-hygiene');
  assert.match(pandas.codeDescription!.href, /docs\/rules\/MLH101\.md$/);
});

test('a lockfile appearing on disk re-checks the open manifest (file watching)', async () => {
  const uri = fileUri(path.join(dir, 'pyproject.toml'));
  writeFileSync(path.join(dir, 'uv.lock'), UV_LOCK);
  await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(path.join(dir, 'uv.lock')), type: 1 }] });
  const diags = await client.waitFor(() => {
    const d = client.diagnostics.get(uri);
    return d && !d.some((x) => x.code === 'MLH103') ? d : undefined;
  });
  assert.deepEqual(diags.map(code), ['MLH101'], 'the fresh lock constrains scikit-learn>=1.3 and MLH103 is gone');
});

test('the Pin quick fix edits only the specifier, and Pin all returns one edit', async () => {
  const uri = fileUri(path.join(dir, 'pyproject.toml'));
  const diag = client.diagnostics.get(uri)!.find((d) => d.code === 'MLH101')!;
  const actions = (await client.connection.sendRequest('textDocument/codeAction', {
    textDocument: { uri },
    range: diag.range,
    context: { diagnostics: [diag], only: ['quickfix'] },
  })) as Array<{ title: string; edit: { documentChanges: Array<{ edits: Array<{ range: unknown; newText: string }> }> } }>;
  const pin = actions.find((a) => a.title.startsWith('Pin dependency'))!;
  assert.equal(pin.title, 'Pin dependency: pandas==2.2.3');
  assert.deepEqual(pin.edit.documentChanges[0]!.edits, [{ range: { start: { line: 5, character: 9 }, end: { line: 5, character: 9 } }, newText: '==2.2.3' }]);
  const all = (await client.connection.sendRequest('mlHygiene/pinAll', { uri })) as { edit: { documentChanges: Array<{ edits: unknown[] }> }; pinned: string[]; notes: string[] };
  assert.equal(all.edit.documentChanges.length, 1, 'one document edit');
  assert.deepEqual(all.pinned.sort(), ['pandas → pandas==2.2.3', 'scikit-learn>=1.3 → scikit-learn==1.5.2']);
  assert.match(all.notes.join(' '), /uv lock/);
});

test('in a trusted workspace the server pins from the editor\'s activated environment (VIRTUAL_ENV), as the CLI does from its shell\'s', async () => {
  const project = mkdtempSync(path.join(tmpdir(), 'mlh-lsp-venv-'));
  const venv = path.join(project, 'envs', 'churn');
  const distInfo = path.join(venv, 'lib', 'python3.11', 'site-packages', 'pandas-2.1.4.dist-info');
  mkdirSync(distInfo, { recursive: true });
  writeFileSync(path.join(distInfo, 'METADATA'), 'Metadata-Version: 2.1\nName: pandas\nVersion: 2.1.4\n\nThe long description.\n');
  const text = '[project]\nname = "churn"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = ["pandas"]\n';
  writeFileSync(path.join(project, 'pyproject.toml'), text);
  const venvClient = await LspClient.start(project, { trusted: true, env: { VIRTUAL_ENV: venv } });
  try {
    const uri = fileUri(path.join(project, 'pyproject.toml'));
    venvClient.open(uri, text, 'toml');
    const diag = await venvClient.waitFor(() => venvClient.diagnostics.get(uri)?.find((d) => d.code === 'MLH101'));
    const actions = (await venvClient.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: diag.range, context: { diagnostics: [diag], only: ['quickfix'] } })) as Array<{ title: string }>;
    // No lockfile and no .venv: the version can only come from the environment VIRTUAL_ENV names.
    assert.ok(actions.some((a) => a.title === 'Pin dependency: pandas==2.1.4'), JSON.stringify(actions.map((a) => a.title)));
  } finally {
    await venvClient.stop();
    rmSync(project, { recursive: true, force: true });
  }
});

test('editing the buffer re-checks from the buffer, not the disk; closing clears diagnostics', async () => {
  const uri = fileUri(path.join(dir, 'pyproject.toml'));
  client.change(uri, PYPROJECT.replace('"pandas",', '"pandas==2.2.3",'), 2);
  // The pin is seen at once, and it makes uv.lock stale (its requires-dist still says `pandas`).
  const diags = await client.waitFor(() => {
    const d = client.diagnostics.get(uri);
    return d && !d.some((x) => x.code === 'MLH101') ? d : undefined;
  });
  assert.deepEqual(diags.map(code), ['MLH104']);
  assert.deepEqual(diags[0]!.range, { start: { line: 5, character: 3 }, end: { line: 5, character: 16 } });
  client.close(uri);
  await client.waitFor(() => client.published.at(-1)?.uri === uri && client.published.at(-1)!.diagnostics.length === 0);
});

test('garbage input: broken TOML, a binary pyproject.toml, and the server keeps answering', async () => {
  const sub = path.join(dir, 'garbage');
  mkdirSync(sub);
  const broken = path.join(sub, 'pyproject.toml');
  writeFileSync(broken, '[project\nname = ');
  const uri = fileUri(broken);
  client.open(uri, '[project\nname = ');
  const diags = await client.waitFor(() => client.diagnostics.get(uri)?.length ? client.diagnostics.get(uri) : undefined);
  assert.equal(diags[0]!.code, 'MLH113');
  assert.match(String(diags[0]!.message), /not valid TOML/);
  const bin = path.join(dir, 'bin', 'pyproject.toml');
  mkdirSync(path.dirname(bin));
  writeFileSync(bin, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 0, 1, 2]));
  await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(bin), type: 1 }] });
  client.open(fileUri(bin), '\u007fELF\u0000\u0000');
  // The buffer the editor sends is what we check: NUL bytes → not a text file.
  const binDiags = await client.waitFor(() => client.diagnostics.get(fileUri(bin))?.length ? client.diagnostics.get(fileUri(bin)) : undefined);
  assert.equal(binDiags[0]!.code, 'MLH114');
  const pong = await client.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [] } });
  assert.deepEqual(pong, [], 'the server answers (no fix at the file start)');
});

test('a 50 MB requirements file opened in the editor gets one clear MLH114, and the server keeps answering', async () => {
  const sub = path.join(dir, 'huge');
  mkdirSync(sub);
  const file = path.join(sub, 'requirements.txt');
  const text = 'numpy==1.26.4\n'.repeat(Math.ceil((50 * 1024 * 1024) / 14));
  writeFileSync(file, text);
  const uri = fileUri(file);
  client.open(uri, text);
  // The size check answers without parsing: well within 10 s even for 50 MB over stdio.
  const diags = await client.waitFor(() => client.diagnostics.get(uri)?.length ? client.diagnostics.get(uri) : undefined, 10_000);
  assert.deepEqual(diags.map(code), ['MLH114']);
  assert.match(String(diags[0]!.message), /MB, over the size ML Hygiene parses/);
  const pong = await client.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [] } });
  assert.deepEqual(pong, [], 'the server answers (no fix at the file start)');
  client.close(uri);
});


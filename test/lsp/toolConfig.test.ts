// Completion and hover on [tool.ml-hygiene] keys and rule codes, over a real LSP connection to the
// built server (dist/server.js), as an editor without a TOML extension gets them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CompletionItem, CompletionList, Hover, InitializeResult, MarkupContent } from 'vscode-languageserver-protocol';
import { LspClient, fileUri, SERVER, within } from './lspClient';

const PYPROJECT = `[project]
name = "churn"
version = "0.1.0"
requires-python = ">=3.11"
dependencies = ["pandas==2.2.2"]

[tool.ml-hygiene]
kind = "application"
ignore = ["MLH103", "MLH2"]
severity = { MLH101 = "error",  }

`;

let dir: string;
let client: LspClient;
let uri: string;

before(async () => {
  assert.ok(existsSync(SERVER), 'run `npm run build` first: dist/server.js is what is tested');
  dir = mkdtempSync(path.join(tmpdir(), 'mlh-lsp-config-'));
  writeFileSync(path.join(dir, 'pyproject.toml'), PYPROJECT);
  client = await LspClient.start(dir);
  uri = fileUri(path.join(dir, 'pyproject.toml'));
  client.open(uri, PYPROJECT, 'toml');
});

after(async () => {
  await client?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Line and character of `needle`'s end (or of `needle` + `delta`) in PYPROJECT. */
function positionAfter(needle: string, delta = needle.length): { line: number; character: number } {
  const offset = PYPROJECT.indexOf(needle) + delta;
  assert.ok(PYPROJECT.indexOf(needle) >= 0, needle);
  const before = PYPROJECT.slice(0, offset).split('\n');
  return { line: before.length - 1, character: before[before.length - 1]!.length };
}

async function complete(position: { line: number; character: number }, text = PYPROJECT): Promise<CompletionItem[]> {
  if (text !== PYPROJECT) client.change(uri, text, Date.now());
  const r = (await client.connection.sendRequest('textDocument/completion', { textDocument: { uri }, position, context: { triggerKind: 1 } })) as CompletionItem[] | CompletionList | null;
  if (text !== PYPROJECT) client.change(uri, PYPROJECT, Date.now());
  return r === null ? [] : Array.isArray(r) ? r : r.items;
}

test('the server announces completion (with trigger characters) and hover', async () => {
  const { spawn } = await import('node:child_process');
  const { createMessageConnection, StreamMessageReader, StreamMessageWriter } = await import('vscode-jsonrpc/node');
  const proc = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const conn = createMessageConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
  conn.listen();
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  let init: InitializeResult;
  try {
    init = (await conn.sendRequest('initialize', { processId: process.pid, rootUri: fileUri(dir), capabilities: {} })) as InitializeResult;
    await conn.sendRequest('shutdown');
    await conn.sendNotification('exit');
    assert.notEqual(await within(5000, exited.then(() => 'exited')), undefined, 'the server exits on `exit`');
  } finally {
    // Whatever happened above, no server outlives the test.
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    conn.dispose();
  }
  assert.deepEqual(init.capabilities.completionProvider?.triggerCharacters, ['"', '[', '{', ',', '=', ' ']);
  assert.equal(init.capabilities.hoverProvider, true);
});

test('keys: the ones not yet in the table, as snippets replacing the typed word', async () => {
  const text = PYPROJECT + 'lon';
  const items = await complete({ line: text.split('\n').length - 1, character: 3 }, text);
  const labels = items.map((i) => i.label);
  assert.deepEqual(labels, ['select', 'exclude', 'long-cell-lines', 'large-output-kb']);
  const long = items.find((i) => i.label === 'long-cell-lines')!;
  assert.equal(long.insertTextFormat, 2, 'snippet');
  const edit = long.textEdit as { range: { start: { character: number }; end: { character: number } }; newText: string };
  assert.equal(edit.newText, 'long-cell-lines = ${1:40}');
  assert.deepEqual([edit.range.start.character, edit.range.end.character], [0, 3]);
  assert.match((long.documentation as MarkupContent).value, /MLH210/);
});

test('rule codes inside `ignore`, minus the ones listed, and prefixes; the typed part of the string is replaced', async () => {
  const items = await complete(positionAfter('"MLH2'));
  const labels = items.map((i) => i.label);
  assert.ok(labels.includes('MLH203') && labels.includes('MLH4'));
  assert.ok(!labels.includes('MLH103'), 'already ignored');
  const edit = items.find((i) => i.label === 'MLH203')!.textEdit as { newText: string; range: { start: { line: number; character: number }; end: { character: number } } };
  assert.equal(edit.newText, 'MLH203');
  assert.deepEqual(edit.range, { start: positionAfter('"MLH2', 1), end: positionAfter('"MLH2') });
});

test('severity inline table: rule codes as keys after the comma, severities after `=`', async () => {
  const keys = await complete(positionAfter('"error", '));
  assert.ok(!keys.some((i) => i.label === 'MLH101'));
  assert.equal((keys.find((i) => i.label === 'MLH203')!.textEdit as { newText: string }).newText, 'MLH203 = "${1|error,warning,information,hint,off|}"');
  const values = await complete(positionAfter('MLH101 = "'));
  assert.deepEqual(values.map((i) => i.label), ['error', 'warning', 'information', 'hint', 'off']);
});

test('rule codes in a `# ml-hygiene: ignore[` comment', async () => {
  const text = PYPROJECT.replace('dependencies = ["pandas==2.2.2"]', 'dependencies = ["pandas==2.2.2"]  # ml-hygiene: ignore[MLH1');
  const line = text.split('\n').findIndex((l) => l.includes('ignore[MLH1'));
  const items = await complete({ line, character: text.split('\n')[line]!.length }, text);
  assert.ok(items.some((i) => i.label === 'MLH101'));
  assert.equal((items.find((i) => i.label === 'MLH101')!.textEdit as { newText: string }).newText, 'MLH101');
});

test('no completion outside [tool.ml-hygiene]', async () => {
  assert.deepEqual(await complete(positionAfter('name = "ch')), []);
});

test('hover: a key, a rule code, a prefix', async () => {
  const hover = async (needle: string, delta: number) =>
    (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: positionAfter(needle, delta) })) as Hover | null;
  const kind = (await hover('kind = ', 1))!;
  assert.match((kind.contents as MarkupContent).value, /^\*\*kind\*\* \("application" \| "library"\)/);
  assert.deepEqual(kind.range, { start: { line: 7, character: 0 }, end: { line: 7, character: 4 } });
  const code = (await hover('"MLH103"', 3))!;
  assert.match((code.contents as MarkupContent).value, /^\*\*MLH103\*\* missing-lockfile/);
  assert.match((code.contents as MarkupContent).value, /docs\/rules\/MLH103\.md/);
  const prefix = (await hover('"MLH2"', 2))!;
  assert.match((prefix.contents as MarkupContent).value, /^\*\*MLH2\*\*: \d+ rules \(Notebooks\)/);
  assert.equal(await hover('name = "churn"', 9), null);
});

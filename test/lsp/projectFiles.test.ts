/**
 * CI, container and type-checker files over a real LSP connection: a Dockerfile and a workflow get
 * the project checks that land on them (MLH417-MLH421) from the open buffer, with their quick fixes.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LspClient, fileUri } from './lspClient';

let dir: string;
let client: LspClient;

const DOCKERFILE = 'FROM python:latest\nWORKDIR /app\nCOPY . .\nRUN uv sync --no-dev\n';
const WORKFLOW = 'on: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: uv sync\n      - run: uv run pytest\n';

const LIB_PYPROJECT = '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n\n[project]\nname = "churn-features"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = []\n';

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'mlh-lsp-project-files-'));
  writeFileSync(path.join(dir, 'pyproject.toml'), '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n\n[project]\nname = "churn"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = ["pandas==2.2.3"]\n');
  writeFileSync(path.join(dir, 'uv.lock'), 'version = 1\nrequires-python = ">=3.11"\n');
  mkdirSync(path.join(dir, 'src', 'churn'), { recursive: true });
  writeFileSync(path.join(dir, 'src', 'churn', '__init__.py'), '');
  mkdirSync(path.join(dir, 'notebooks'));
  writeFileSync(path.join(dir, 'notebooks', 'eda.ipynb'), '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}');
  writeFileSync(path.join(dir, 'Dockerfile'), DOCKERFILE);
  mkdirSync(path.join(dir, '.github', 'workflows'), { recursive: true });
  writeFileSync(path.join(dir, '.github', 'workflows', 'ci.yml'), WORKFLOW);
  // A nested library whose build requirement admits a setuptools too old for [project].
  mkdirSync(path.join(dir, 'lib', 'src', 'churn_features'), { recursive: true });
  writeFileSync(path.join(dir, 'lib', 'pyproject.toml'), LIB_PYPROJECT);
  writeFileSync(path.join(dir, 'lib', 'src', 'churn_features', '__init__.py'), '');
  client = await LspClient.start(dir);
});

after(async () => {
  await client?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function codesOf(uri: string): string[] {
  return (client.diagnostics.get(uri) ?? []).map((d) => `${d.code} ${d.range.start.line}:${d.range.start.character}`).sort();
}

test('an open Dockerfile gets the container findings, and they follow the buffer as it is edited', async () => {
  const uri = fileUri(path.join(dir, 'Dockerfile'));
  await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'dockerfile', version: 1, text: DOCKERFILE } });
  await client.waitFor(() => codesOf(uri).length >= 3 || undefined);
  assert.deepEqual(codesOf(uri), ['MLH419 0:5', 'MLH420 3:4', 'MLH421 2:5']);

  // Pinning the base image and locking the install (not saved): only the notebooks remain.
  await client.connection.sendNotification('textDocument/didChange', {
    textDocument: { uri, version: 2 },
    contentChanges: [{ text: 'FROM python:3.12-slim@sha256:' + 'a'.repeat(64) + '\nWORKDIR /app\nCOPY . .\nRUN uv sync --locked --no-dev\n' }],
  });
  await client.waitFor(() => (codesOf(uri).length === 1 ? true : undefined));
  assert.deepEqual(codesOf(uri), ['MLH421 2:5']);
});

test('an open workflow gets MLH417 with the quick fix that adds --locked', async () => {
  const uri = fileUri(path.join(dir, '.github', 'workflows', 'ci.yml'));
  await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text: WORKFLOW } });
  await client.waitFor(() => codesOf(uri).length || undefined);
  assert.deepEqual(codesOf(uri), ['MLH417 6:13']);
  const diagnostic = client.diagnostics.get(uri)![0]!;
  const actions = (await client.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: diagnostic.range, context: { diagnostics: [diagnostic] } })) as Array<{ title: string; edit?: { documentChanges?: Array<{ textDocument?: { uri: string }; edits?: Array<{ newText: string; range: { start: { line: number; character: number } } }> }> } }>;
  const add = actions.find((a) => a.title === 'Add --locked to uv sync');
  assert.ok(add, `actions: ${actions.map((a) => a.title).join(', ')}`);
  const edit = add.edit!.documentChanges![0]!.edits![0]!;
  assert.equal(edit.newText, ' --locked');
  assert.deepEqual(edit.range.start, { line: 6, character: 20 });
});

test('an open pyproject.toml gets the packaging findings next to the dependency ones, with the fix', async () => {
  const uri = fileUri(path.join(dir, 'lib', 'pyproject.toml'));
  await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'toml', version: 1, text: LIB_PYPROJECT } });
  await client.waitFor(() => codesOf(uri).some((c) => c.startsWith('MLH413')) || undefined);
  assert.ok(codesOf(uri).includes('MLH413 1:13'), codesOf(uri).join(', '));
  const diagnostic = client.diagnostics.get(uri)!.find((d) => d.code === 'MLH413')!;
  const actions = (await client.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: diagnostic.range, context: { diagnostics: [diagnostic] } })) as Array<{ title: string }>;
  assert.ok(actions.some((a) => a.title === 'Require setuptools>=61'), actions.map((a) => a.title).join(', '));
});

// Issue 6 over the protocol: `mlHygiene/readiness` against the built server, on a copy of the
// real-VS-Code readiness fixture (a tidy uv project without `requires-python` and with an untracked
// data/ folder). The scores are compared with the engine's own, never with numbers written here.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TextDocumentEdit, TextEdit } from 'vscode-languageserver-protocol';
import { Engine } from '../../src/core/engine';
import { DiskFileSystem } from '../../src/core/fs/diskFileSystem';
import { normalizePath } from '../../src/core/fs/paths';
import { ReadinessMethods, type ProjectReadinessWire, type ReadinessCheckWire, type ReadinessResult } from '../../src/protocol/readiness';
import { LspClient, fileUri } from './lspClient';

const FIXTURE = path.resolve(__dirname, '../vscode/workspaces/readiness-project');
let dir: string;
let client: LspClient;
let notifications = 0;

before(async () => {
  dir = path.join(mkdtempSync(path.join(tmpdir(), 'mlh-lsp-readiness-')), 'readiness-project');
  cpSync(FIXTURE, dir, { recursive: true });
  client = await LspClient.start(dir, { trusted: true });
  client.connection.onNotification(ReadinessMethods.readinessChanged, () => {
    notifications++;
  });
});

after(async () => {
  await client?.stop();
  rmSync(path.dirname(dir), { recursive: true, force: true });
});

/** What the CLI and the engine say about the folder right now (the disk, no open buffers). */
async function engineScore(): Promise<number> {
  const engine = new Engine({ fs: new DiskFileSystem(), workspaceRoot: normalizePath(dir), trusted: true });
  const [report] = await engine.readiness();
  assert.ok(report, 'the engine finds the fixture project');
  return report.score;
}

async function requestReadiness(uri?: string): Promise<ReadinessResult> {
  return (await client.connection.sendRequest(ReadinessMethods.readiness, uri ? { uri } : {})) as ReadinessResult;
}

function check(project: ProjectReadinessWire, id: string): ReadinessCheckWire {
  const found = project.pillars.flatMap((p) => p.checks).find((c) => c.id === id);
  assert.ok(found, `the report lists the ${id} check`);
  return found;
}

/** Applies LSP text edits to `text` (edits do not overlap; applied back to front). */
function applyEdits(text: string, edits: TextEdit[]): string {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  const offset = (p: { line: number; character: number }) => lineStarts[p.line]! + p.character;
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}

async function waitForNotificationAfter(count: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (notifications <= count) {
    if (Date.now() > deadline) throw new Error(`no ${ReadinessMethods.readinessChanged} notification; server stderr:\n${client.stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('the report has one project with five pillars in order, and the engine\'s score', async () => {
  const result = await requestReadiness();
  assert.equal(result.projects.length, 1);
  const project = result.projects[0]!;
  assert.equal(project.projectRoot, normalizePath(dir));
  assert.equal(project.projectUri, fileUri(dir));
  assert.equal(project.name, 'readiness-project');
  assert.equal(project.score, await engineScore());
  assert.deepEqual(project.pillars.map((p) => p.name), ['dependencies', 'types', 'structure', 'data', 'notebooks']);
  assert.deepEqual(project.pillars.map((p) => p.title), ['Dependency management', 'Type safety', 'Repository structure', 'Data version control', 'Notebook hygiene']);
  for (const pillar of project.pillars) {
    const applicable = pillar.checks.filter((c) => c.applicable);
    if (!applicable.length) assert.equal(pillar.score, null, `${pillar.name} has no applicable check`);
    for (const c of pillar.checks) {
      if (c.docs) assert.match(c.docs.href, new RegExp(`/docs/rules/${c.docs.code}\\.md$`));
      if (c.passed || !c.applicable) assert.equal(c.fix ?? c.open, undefined, `${c.id} passed: nothing to fix or open`);
    }
  }
  // The project has no notebooks: that pillar does not count.
  assert.equal(project.pillars.find((p) => p.name === 'notebooks')!.score, null);
});

test('a failed check carries its fix as a WorkspaceEdit, plus where to open it and its docs', async () => {
  const pyproject = path.join(dir, 'pyproject.toml');
  const project = (await requestReadiness(fileUri(pyproject))).projects[0]!;
  const pythonVersion = check(project, 'python-version');
  assert.equal(pythonVersion.passed, false);
  assert.equal(pythonVersion.docs?.code, 'MLH108');
  assert.match(pythonVersion.docs!.href, /\/docs\/rules\/MLH108\.md$/);
  assert.equal(pythonVersion.open?.uri, fileUri(pyproject));
  assert.ok(pythonVersion.open?.range, 'the open target has the finding\'s range');
  const fix = pythonVersion.fix;
  assert.ok(fix, 'MLH108 has an "Add requires-python" fix');
  assert.match(fix.title, /requires-python/);
  assert.equal(fix.target.uri, fileUri(pyproject));
  const changes = (fix.edit?.documentChanges ?? []) as TextDocumentEdit[];
  assert.equal(changes.length, 1, 'one document edit');
  assert.equal(changes[0]!.textDocument.uri, fileUri(pyproject));
  const fixed = applyEdits(readFileSync(pyproject, 'utf8'), changes[0]!.edits as TextEdit[]);
  const pythonVersionFile = readFileSync(path.join(dir, '.python-version'), 'utf8').trim();
  assert.match(fixed, new RegExp(`\\nrequires-python = ">=${pythonVersionFile.replace('.', '\\.')}"\\n`));

  // A check without a fix still says where to look: the untracked data folder.
  const untracked = check(project, 'MLH405');
  assert.equal(untracked.passed, false);
  assert.equal(untracked.fix, undefined);
  assert.ok(untracked.open, 'MLH405 opens the file it is reported on');
  assert.equal(untracked.docs?.code, 'MLH405');
});

test('the score follows an edited buffer: readinessChanged is sent, and the fixed check passes', async () => {
  const pyproject = path.join(dir, 'pyproject.toml');
  const uri = fileUri(pyproject);
  const before = (await requestReadiness(uri)).projects[0]!;
  const fix = check(before, 'python-version').fix!;
  const original = readFileSync(pyproject, 'utf8');
  const fixed = applyEdits(original, ((fix.edit!.documentChanges ?? []) as TextDocumentEdit[])[0]!.edits as TextEdit[]);

  let seen = notifications;
  client.open(uri, original);
  await waitForNotificationAfter(seen);
  seen = notifications;
  client.change(uri, fixed, 2);
  await waitForNotificationAfter(seen);
  const after = (await requestReadiness(uri)).projects[0]!;
  assert.equal(check(after, 'python-version').passed, true);
  assert.ok(after.score > before.score, `the score rises (${before.score} → ${after.score})`);
  // The buffer is what counts; the disk agrees once saved.
  writeFileSync(pyproject, fixed);
  assert.equal(after.score, await engineScore());
  client.close(uri);
});

test('annotation coverage follows an edited .py buffer: the type-safety check carries its share and figure', async () => {
  const score = path.join(dir, 'src', 'churn_scoring', 'score.py');
  const uri = fileUri(score);
  const original = readFileSync(score, 'utf8');
  const before = (await requestReadiness(uri)).projects[0]!;
  assert.equal(check(before, 'annotation-coverage').passed, true);
  assert.equal(check(before, 'annotation-coverage').message, '100% of 1 public function fully annotated (1/1).');
  let seen = notifications;
  client.open(uri, original, 'python');
  await waitForNotificationAfter(seen);
  seen = notifications;
  // An unsaved helper without annotations: 1 of 2 public functions annotated.
  client.change(uri, original + '\n\ndef top_risk(customers, n=10):\n    return customers.nlargest(n, "churn_risk")\n', 2);
  await waitForNotificationAfter(seen);
  const after = (await requestReadiness(uri)).projects[0]!;
  const coverage = check(after, 'annotation-coverage');
  assert.equal(coverage.passed, false);
  assert.equal(coverage.share, 0.5);
  assert.match(coverage.message, /^50% of 2 public functions fully annotated \(1\/2\)/);
  assert.equal(coverage.open?.path, normalizePath(score));
  assert.ok(after.score < before.score, `the score falls (${before.score} → ${after.score})`);
  seen = notifications;
  client.close(uri);
  await waitForNotificationAfter(seen);
  assert.equal(check((await requestReadiness(uri)).projects[0]!, 'annotation-coverage').passed, true, 'the disk, unchanged, is annotated');
});

test('a change on disk reported by the file watcher is sent as readinessChanged and changes the score', async () => {
  const before = (await requestReadiness()).projects[0]!;
  assert.equal(check(before, 'MLH405').passed, false);
  // Ignoring the data folder settles MLH405.
  writeFileSync(path.join(dir, '.gitignore'), '/data/\n');
  const seen = notifications;
  await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(path.join(dir, '.gitignore')), type: 1 }] });
  await waitForNotificationAfter(seen);
  const after = (await requestReadiness()).projects[0]!;
  assert.equal(check(after, 'MLH405').passed, true);
  assert.notEqual(after.score, before.score);
  assert.equal(after.score, await engineScore());
});

test('a failed notebook check opens the notebook at its code cell', async () => {
  const notebookDir = path.join(mkdtempSync(path.join(tmpdir(), 'mlh-lsp-readiness-nb-')), 'bare-notebook');
  cpSync(path.resolve(__dirname, '../fixtures/projects/bare-notebook'), notebookDir, { recursive: true });
  const notebookClient = await LspClient.start(notebookDir, { trusted: true });
  try {
    const result = (await notebookClient.connection.sendRequest(ReadinessMethods.readiness, {})) as ReadinessResult;
    const project = result.projects[0]!;
    const engine = new Engine({ fs: new DiskFileSystem(), workspaceRoot: normalizePath(notebookDir), trusted: true });
    const [report] = await engine.readiness();
    const expected = report!.pillars.flatMap((p) => p.checks).find((c) => c.id === 'notebooks-run-in-order')!;
    assert.equal(expected.passed, false, 'the fixture notebook ran out of order');
    const inOrder = check(project, 'notebooks-run-in-order');
    assert.equal(inOrder.passed, false);
    assert.equal(inOrder.open?.uri, fileUri(path.join(notebookDir, 'analysis.ipynb')));
    assert.equal(inOrder.open?.cell, expected.cell, 'the code cell of the first finding');
    assert.deepEqual(inOrder.open?.range, expected.range);
    assert.equal(inOrder.docs?.code, expected.code);
  } finally {
    await notebookClient.stop();
    rmSync(path.dirname(notebookDir), { recursive: true, force: true });
  }
});

// Issue 14 §4 over a real LSP connection: the first workspace check and DVC hashing of large data
// report work-done progress (window/workDoneProgress/create, then $/progress begin, report(s), end),
// and the client's window/workDoneProgress/cancel stops the work.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync, mkdirSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LspClient, fileUri, type WorkDoneProgressValue } from './lspClient';
import type { PipelineTreeResult } from '../../src/protocol/protocol';

/** Large enough that hashing it takes well over the server's 400 ms before progress shows. Sparse: no disk used. */
const BIG = 1024 * 1024 * 1024;

function workspace(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'mlh-lsp-progress-'));
  mkdirSync(path.join(dir, 'data'));
  writeFileSync(path.join(dir, 'pyproject.toml'), '[project]\nname = "scans"\nversion = "0.1.0"\ndependencies = []\n');
  writeFileSync(path.join(dir, 'data/scans.bin'), '');
  truncateSync(path.join(dir, 'data/scans.bin'), BIG);
  writeFileSync(path.join(dir, 'train.py'), 'print("train")\n');
  writeFileSync(path.join(dir, 'dvc.yaml'), 'stages:\n  train:\n    cmd: python train.py\n    deps:\n      - data/scans.bin\n      - train.py\n    outs:\n      - model.pkl\n');
  // The recorded hash is not the file's, but its size is: the file must really be read and hashed.
  writeFileSync(
    path.join(dir, 'dvc.lock'),
    `schema: '2.0'\nstages:\n  train:\n    cmd: python train.py\n    deps:\n    - path: data/scans.bin\n      hash: md5\n      md5: 0123456789abcdef0123456789abcdef\n      size: ${BIG}\n`,
  );
  return dir;
}

function kinds(values: WorkDoneProgressValue[]): string[] {
  return values.map((v) => v.kind);
}

let dir: string;
let client: LspClient;

before(async () => {
  dir = workspace();
  client = await LspClient.start(dir, { trusted: true });
});

after(async () => {
  await client?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function progressOf(token: string | number): WorkDoneProgressValue[] {
  return client.progress.filter((p) => p.token === token).map((p) => p.value);
}

test('the first workspace check reports begin, reports naming the file being hashed, and end', async () => {
  const answer = client.connection.sendRequest('mlHygiene/readiness', { uri: fileUri(path.join(dir, 'pyproject.toml')) });
  const token = await client.waitFor(() => client.progressTokens[0], 20_000);
  const result = (await answer) as { projects: { score: number }[] };
  assert.equal(result.projects.length, 1);
  const values = await client.waitFor(() => {
    const v = progressOf(token);
    return v.at(-1)?.kind === 'end' && v;
  }, 10_000);
  assert.equal(values[0]!.kind, 'begin');
  const begin = values[0] as { title: string; cancellable?: boolean };
  assert.equal(begin.title, 'ML Hygiene: checking the workspace');
  assert.equal(begin.cancellable, true);
  const reports = values.filter((v) => v.kind === 'report') as { message?: string }[];
  assert.ok(reports.length >= 2, `several reports: ${JSON.stringify(values)}`);
  assert.ok(reports.some((r) => /^hashing data\/scans\.bin \(\d+%\)$/.test(r.message ?? '')), `a report names the file being hashed: ${JSON.stringify(reports)}`);
  const percents = reports.map((r) => /\((\d+)%\)/.exec(r.message ?? '')?.[1]).filter(Boolean).map(Number);
  assert.deepEqual(percents, [...percents].sort((a, b) => a - b), 'the file\'s percentage only grows');
  assert.deepEqual(kinds(values), ['begin', ...reports.map(() => 'report'), 'end'], 'begin, reports, one end, nothing after');
});

test('cancel from the client stops the hashing: end comes at once, no more reports, and the tree says the status was cancelled', async () => {
  // A fresh server: nothing hashed or cached yet.
  await client.stop();
  client = await LspClient.start(dir, { trusted: true });
  const answer = client.connection.sendRequest<PipelineTreeResult>('mlHygiene/pipelineTree', {});
  const token = await client.waitFor(() => client.progressTokens[0], 20_000);
  await client.waitFor(() => progressOf(token).some((v) => v.kind === 'report'), 10_000);
  const cancelledAt = Date.now();
  client.cancelProgress(token);
  const tree = await answer;
  const answeredIn = Date.now() - cancelledAt;
  const values = await client.waitFor(() => {
    const v = progressOf(token);
    return v.at(-1)?.kind === 'end' && v;
  }, 5_000);
  const endAt = client.progress.find((p) => p.token === token && p.value.kind === 'end')!.at;
  assert.ok(endAt - cancelledAt < 1500, `end within 1.5 s of the cancel (took ${endAt - cancelledAt} ms)`);
  assert.ok(answeredIn < 1500, `the request answered within 1.5 s of the cancel (took ${answeredIn} ms), not after hashing ${BIG} bytes`);
  const lastPercent = Math.max(...values.map((v) => Number(/\((\d+)%\)/.exec((v as { message?: string }).message ?? '')?.[1] ?? 0)));
  assert.ok(lastPercent < 100, `hashing stopped part way (last report ${lastPercent}%)`);
  assert.equal(tree.roots.length, 1);
  assert.equal(tree.roots[0]!.kind, 'problem');
  assert.match(tree.roots[0]!.description ?? '', /status not computed: cancelled/);
  // The graph (same answer) draws no stage of that file and says why above the picture.
  assert.deepEqual(tree.graph?.nodes, []);
  assert.deepEqual(tree.graph?.unreadable.map((u) => [u.dvcYamlPath, u.message]), [[path.join(dir, 'dvc.yaml'), tree.roots[0]!.description]]);
  // Nothing arrives after the end: the work really stopped.
  const count = client.progress.length;
  await new Promise((r) => setTimeout(r, 700));
  assert.equal(client.progress.filter((p) => p.token === token).length, values.length, 'no progress after end');
  assert.ok(client.progress.length >= count);

  // The next request computes the status in full (the cancellation left nothing half-done behind).
  const again = await client.connection.sendRequest<PipelineTreeResult>('mlHygiene/pipelineTree', {});
  assert.equal(again.roots[0]!.kind, 'dvcfile');
  assert.equal(again.roots[0]!.children?.[0]?.description, 'changed (deps, outs)');
});

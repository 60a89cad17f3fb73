import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync, rmSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LspClient, fileUri } from './lspClient';
import type { PipelineTreeResult, PipelineTreeNode } from '../../src/protocol/protocol';

let dir: string;
let client: LspClient;
const md5 = (p: string) => createHash('md5').update(readFileSync(p)).digest('hex');

const DVC_YAML = `stages:
  prepare:
    cmd: python src/prepare.py
    deps:
      - data/raw.csv
      - src/prepare.py
    outs:
      - data/clean.csv
  train:
    cmd: python src/train.py --lr 0.01
    deps:
      - data/clean.csv
    outs:
      - model.pkl
`;

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'mlh-lsp-dvc-'));
  mkdirSync(path.join(dir, 'data'));
  mkdirSync(path.join(dir, 'src'));
  writeFileSync(path.join(dir, 'data/raw.csv'), 'id,churned\n1,0\n2,1\n');
  writeFileSync(path.join(dir, 'src/prepare.py'), 'print("prepare")\n');
  writeFileSync(path.join(dir, 'src/train.py'), 'print("train")\n');
  writeFileSync(path.join(dir, 'data/clean.csv'), 'id,churned\n1,0\n');
  writeFileSync(path.join(dir, 'dvc.yaml'), DVC_YAML);
  const entry = (p: string) => `      - path: ${p}\n        hash: md5\n        md5: ${md5(path.join(dir, p))}\n        size: ${readFileSync(path.join(dir, p)).length}\n`;
  writeFileSync(
    path.join(dir, 'dvc.lock'),
    `schema: '2.0'\nstages:\n  prepare:\n    cmd: python src/prepare.py\n    deps:\n${entry('data/raw.csv')}${entry('src/prepare.py')}    outs:\n${entry('data/clean.csv')}`,
  );
  client = await LspClient.start(dir, { trusted: true });
});

after(async () => {
  await client?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function stages(result: PipelineTreeResult): PipelineTreeNode[] {
  return result.roots.flatMap((r) => r.children ?? []).filter((c) => c.kind === 'stage');
}

test('dvc.yaml diagnostics over the protocol: undeclared script, never-run stage, hardcoded hyperparameter', async () => {
  const uri = fileUri(path.join(dir, 'dvc.yaml'));
  client.open(uri, DVC_YAML);
  const diags = await client.waitFor(() => client.diagnostics.get(uri)?.length ? client.diagnostics.get(uri) : undefined);
  const byCode = (c: string) => diags.filter((d) => d.code === c);
  assert.equal(byCode('MLH303').length, 1, 'src/train.py is run but not a dep');
  assert.equal(byCode('MLH310').length, 1, 'train has no lock entry');
  assert.equal(byCode('MLH308').length, 1, '--lr 0.01');
  assert.equal(byCode('MLH309').length, 0, 'prepare is up to date');
  const lines = DVC_YAML.split('\n');
  assert.equal(byCode('MLH310')[0]!.range.start.line, lines.findIndex((l) => l.startsWith('  train:')));
});

test('the pipeline tree request returns stages in DAG order with status, and a dep edit turns a stage to changed', async () => {
  const first = (await client.connection.sendRequest('mlHygiene/pipelineTree', {})) as PipelineTreeResult;
  assert.deepEqual(stages(first).map((s) => [s.label, s.status]), [['prepare', 'up-to-date'], ['train', 'never-run']]);
  const prepare = stages(first)[0]!;
  assert.deepEqual(prepare.children!.filter((c) => c.kind === 'dep').map((c) => [c.label, c.state]), [['data/raw.csv', 'unchanged'], ['src/prepare.py', 'unchanged']]);
  writeFileSync(path.join(dir, 'data/raw.csv'), 'id,churned\n1,0\n2,1\n3,0\n');
  let notified = false;
  client.connection.onNotification('mlHygiene/pipelineChanged', () => {
    notified = true;
  });
  await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(path.join(dir, 'data/raw.csv')), type: 2 }] });
  await client.waitFor(() => notified || undefined, 5000);
  const second = (await client.connection.sendRequest('mlHygiene/pipelineTree', {})) as PipelineTreeResult;
  const prep2 = stages(second)[0]!;
  assert.equal(prep2.status, 'changed');
  assert.equal(prep2.children!.find((c) => c.label === 'data/raw.csv')!.state, 'modified');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryFileSystem } from '../../../src/core/fs/memoryFileSystem';
import { DvcTracking } from '../../../src/core/dvc/trackedOutputs';

async function tracking(files: Record<string, string>): Promise<DvcTracking> {
  const fs = new MemoryFileSystem(files, '/ws');
  return DvcTracking.load(fs, Object.keys(files).map((f) => `/ws/${f}`));
}

test('DvcTracking: a file output, a directory output and everything below it, nothing beside it', async () => {
  const t = await tracking({
    'dvc.yaml': ['stages:', '  prep:', '    cmd: python prep.py', '    outs:', '      - data/prepared/', '      - model.pkl:', '          cache: false', '    metrics: [metrics.json]', ''].join('\n'),
    'raw/train.csv.dvc': 'outs:\n  - path: train.csv\n',
  });
  for (const p of ['/ws/model.pkl', '/ws/metrics.json', '/ws/data/prepared', '/ws/data/prepared/a.csv', '/ws/data/prepared/deep/b/c.csv', '/ws/raw/train.csv']) {
    assert.equal(t.isTracked(p), true, p);
  }
  // Prefixes that are not whole segments, siblings and parents of an output are not inside it.
  for (const p of ['/ws/model.pkl2', '/ws/data/prepared2/a.csv', '/ws/data', '/ws/data/raw.csv', '/ws', '/', '/ws/raw/test.csv']) {
    assert.equal(t.isTracked(p), false, p);
  }
});

test('DvcTracking: queries are normalized the way isInside normalized them', async () => {
  const t = await tracking({ 'dvc.yaml': 'stages:\n  s:\n    cmd: x\n    wdir: sub\n    outs: [out/]\n' });
  assert.equal(t.isTracked('/ws/sub/out/x.csv'), true);
  assert.equal(t.isTracked('/ws/sub/./out//x.csv'), true);
  assert.equal(t.isTracked('/ws/other/../sub/out/x.csv'), true);
  assert.equal(t.isTracked('\\ws\\sub\\out\\x.csv'), true);
  assert.equal(t.isTracked('/ws/sub/out/../x.csv'), false);
});

test('DvcTracking: templated outputs are the paths DVC produces, from foreach items and from params.yaml', async () => {
  const t = await tracking({
    'dvc.yaml': [
      'stages:',
      '  split:',
      '    foreach: [a, b]',
      '    do:',
      '      cmd: echo ${item}',
      '      outs:',
      '        - data/${item}.csv',
      '        - models/${item}',
      '  train:',
      '    cmd: python train.py',
      '    outs:',
      '      - ${paths.model}',
      '',
    ].join('\n'),
    'params.yaml': 'paths:\n  model: artifacts/model.pkl\n',
  });
  for (const p of ['/ws/data/a.csv', '/ws/data/b.csv', '/ws/models/b/weights.pt', '/ws/artifacts/model.pkl']) assert.equal(t.isTracked(p), true, p);
  // Only the items' paths: another file of the same shape is not DVC's.
  for (const p of ['/ws/data/c.csv', '/ws/models/c/weights.pt', '/ws/data/x/a.csv', '/ws/data/a.csv.bak', '/ws/artifacts/other.pkl', '/']) assert.equal(t.isTracked(p), false, p);
});

test('DvcTracking: an output whose interpolation does not resolve tracks nothing', async () => {
  const t = await tracking({ 'dvc.yaml': 'stages:\n  s:\n    cmd: x\n    outs:\n      - ${nowhere.defined}\n      - kept.csv\n' });
  assert.equal(t.isTracked('/ws/kept.csv'), true);
  assert.equal(t.isTracked('/ws/${nowhere.defined}'), false);
  assert.equal(t.isTracked('/ws/anything.csv'), false);
});

test('DvcTracking: nothing declared tracks nothing', async () => {
  const t = await tracking({ 'dvc.yaml': 'stages: {}\n', 'broken.dvc': 'outs: [' });
  assert.equal(t.isEmpty, true);
  assert.equal(t.isTracked('/ws/data.csv'), false);
  assert.equal(DvcTracking.empty().isTracked('/'), false);
});

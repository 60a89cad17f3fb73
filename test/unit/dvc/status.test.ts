import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanProject, context } from './helpers';
import { formatStatusJson, formatStatusText } from '../../../src/core/dvc/status';
import { md5Hex } from '../../../src/core/dvc/hashing';

const byName = (ctx: Awaited<ReturnType<typeof context>>['ctx'], name: string) => ctx.status.stages.find((s) => s.name === name)!;

test('up to date: hashes, dir hash, params 0.20 == 0.2 and interpolated cmd all match the lock', async () => {
  const { ctx } = await context(cleanProject());
  assert.deepEqual(
    ctx.status.stages.map((s) => [s.name, s.status]),
    [
      ['prepare', 'up-to-date'],
      ['train', 'up-to-date'],
    ],
  );
  const json = JSON.parse(formatStatusJson(ctx.status));
  assert.deepEqual(json.stages[1], { name: 'train', dvcfile: 'dvc.yaml', status: 'up-to-date', changes: { cmd: false, deps: {}, outs: {}, params: {} } });
  assert.equal(json.version, 1);
  assert.equal(formatStatusText(ctx.status), 'Data and pipelines are up to date.\n');
});

test('changed dep', async () => {
  const files = cleanProject();
  files['src/train.py'] = 'print("tr4in")\n'; // same size: really hashed, not caught by the size shortcut
  const { ctx } = await context(files);
  assert.equal(byName(ctx, 'train').status, 'changed');
  assert.deepEqual(byName(ctx, 'train').changes.deps, { 'src/train.py': 'modified' });
  assert.equal(byName(ctx, 'prepare').status, 'up-to-date');
  assert.match(formatStatusText(ctx.status), /train: changed \(deps\)\n {4}changed deps:\n {8}modified: +src\/train.py/);
});

test('changed file inside a directory dep', async () => {
  const files = cleanProject();
  files['data/prepared/test.csv'] = 'a\n3\n';
  const { ctx } = await context(files);
  assert.deepEqual(byName(ctx, 'train').changes.deps, { 'data/prepared': 'modified' });
  assert.deepEqual(byName(ctx, 'prepare').changes.outs, { 'data/prepared': 'modified' });
});

test('changed command', async () => {
  const { ctx } = await context(cleanProject({ lock: (l) => l.replace('--lr 0.2', '--lr 0.1') }));
  assert.equal(byName(ctx, 'train').status, 'changed');
  assert.equal(byName(ctx, 'train').changes.cmd, true);
});

test('changed param, and params compare by value', async () => {
  const { ctx } = await context(cleanProject({ files: { 'params.yaml': 'train:\n  lr: 0.3\n  epochs: 10.0\nprepare:\n  split: 0.2\n' } }));
  const train = byName(ctx, 'train');
  assert.deepEqual(train.changes.params, { 'params.yaml': { 'train.lr': 'modified' } }); // epochs 10.0 == 10
  assert.equal(train.changes.cmd, true); // the interpolated --lr changed too
});

test('deleted param key and new param key', async () => {
  const { ctx } = await context(
    cleanProject({
      files: { 'params.yaml': 'train:\n  lr: 0.2\n  seed: 1\nprepare:\n  split: 0.2\n' },
      yaml: (y) => y.replace('      - train.epochs', '      - train.epochs\n      - train.seed'),
    }),
  );
  assert.deepEqual(byName(ctx, 'train').changes.params, { 'params.yaml': { 'train.epochs': 'deleted', 'train.seed': 'new' } });
});

test('never run', async () => {
  const { ctx } = await context(cleanProject({ lock: (l) => l.slice(0, l.indexOf('  train:')) }));
  const train = byName(ctx, 'train');
  assert.equal(train.status, 'never-run');
  assert.equal(train.changes.cmd, false);
  assert.deepEqual(train.changes.deps, { 'data/prepared': 'new', 'src/train.py': 'new' });
});

test('deleted out', async () => {
  const files = cleanProject();
  delete files['model.pkl'];
  const { ctx } = await context(files);
  assert.deepEqual(byName(ctx, 'train').changes.outs, { 'model.pkl': 'deleted' });
  assert.equal(byName(ctx, 'train').status, 'changed');
});

test('frozen skips deps and params but checks outs', async () => {
  const frozen = (y: string) => y.replace('  train:\n', '  train:\n    frozen: true\n');
  const frozenFiles = cleanProject({ yaml: frozen });
  frozenFiles['src/train.py'] = 'changed';
  frozenFiles['params.yaml'] = 'train:\n  lr: 0.2\n  epochs: 99\nprepare:\n  split: 0.2\n';
  const a = await context(frozenFiles);
  assert.equal(byName(a.ctx, 'train').status, 'frozen');
  assert.deepEqual(byName(a.ctx, 'train').changes, { cmd: false, deps: {}, outs: {}, params: {} });
  const files = cleanProject({ yaml: frozen });
  delete files['model.pkl'];
  const b = await context(files);
  assert.equal(byName(b.ctx, 'train').status, 'changed');
  assert.deepEqual(byName(b.ctx, 'train').changes.outs, { 'model.pkl': 'deleted' });
});

test('always changed: always_changed: true, and a cmd with no deps and no outs', async () => {
  const yaml = 'stages:\n  ping:\n    cmd: echo hi\n  flagged:\n    cmd: python src/train.py\n    deps: [src/train.py]\n    always_changed: true\n';
  const lock = `schema: '2.0'\nstages:\n  ping:\n    cmd: echo hi\n  flagged:\n    cmd: python src/train.py\n    deps:\n    - path: src/train.py\n      hash: md5\n      md5: ${md5Hex('x')}\n      size: 1\n`;
  const { ctx } = await context({ 'dvc.yaml': yaml, 'dvc.lock': lock, 'src/train.py': 'x' });
  assert.deepEqual(
    ctx.status.stages.map((s) => [s.name, s.status]),
    [
      ['ping', 'always-changed'],
      ['flagged', 'always-changed'],
    ],
  );
});

test('both lock eras: 2.x entries (no hash:) use md5-dos2unix, 3.x entries raw md5', async () => {
  const crlf = 'a,b\r\n1,2\r\n';
  const lf = 'a,b\n1,2\n';
  const yaml = 'stages:\n  old:\n    cmd: python a.py\n    deps: [data.csv]\n  new:\n    cmd: python b.py\n    deps: [data.csv]\n';
  const lock = `schema: '2.0'\nstages:\n  old:\n    cmd: python a.py\n    deps:\n    - path: data.csv\n      md5: ${md5Hex(lf)}\n      size: 10\n  new:\n    cmd: python b.py\n    deps:\n    - path: data.csv\n      hash: md5\n      md5: ${md5Hex(lf)}\n      size: 10\n`;
  const { ctx } = await context({ 'dvc.yaml': yaml, 'dvc.lock': lock, 'data.csv': crlf });
  assert.equal(byName(ctx, 'old').status, 'up-to-date');
  assert.deepEqual(byName(ctx, 'new').changes.deps, { 'data.csv': 'modified' });
});

test('wdir: paths and params resolve against the stage directory', async () => {
  const yaml = 'stages:\n  s:\n    wdir: sub\n    cmd: python run.py\n    deps: [run.py]\n    params: [k]\n';
  const lock = `schema: '2.0'\nstages:\n  s:\n    cmd: python run.py\n    deps:\n    - path: run.py\n      hash: md5\n      md5: ${md5Hex('r')}\n      size: 1\n    params:\n      params.yaml:\n        k: 1\n`;
  const { ctx } = await context({ 'dvc.yaml': yaml, 'dvc.lock': lock, 'sub/run.py': 'r', 'sub/params.yaml': 'k: 1\n' });
  assert.equal(ctx.status.stages[0]!.status, 'up-to-date');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { context, findings, rangeOfText } from './helpers';
import { buildPipelineTree } from '../../../src/core/dvc/tree';
import { cleanProject } from './helpers';

test('YAML syntax error: one MLH301 at the error, no crash, tree shows the problem', async () => {
  const yaml = 'stages:\n  train:\n    cmd: [python train.py\n';
  const { ctx } = await context({ 'dvc.yaml': yaml });
  const f = await findings(ctx);
  // The yaml parser finds the unclosed `[` where the file ends, and says what is missing.
  assert.deepEqual(
    f.map((x) => [x.code, x.range]),
    [['MLH301', { start: { line: 3, character: 0 }, end: { line: 3, character: 0 } }]],
  );
  assert.match(f[0]!.message, /^YAML syntax error: .*end with a \]/);
  const tree = buildPipelineTree(ctx);
  assert.equal(tree.children![0]!.kind, 'problem');
});

test('alias bomb: a clear diagnostic, quickly', async () => {
  const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 10; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill('*' + String.fromCharCode(96 + i)).join(',')}]`);
  const yaml = 'vars:\n  - bomb:\n' + lines.map((l) => '      ' + l).join('\n') + '\nstages:\n  s:\n    cmd: echo\n';
  const started = Date.now();
  const { ctx } = await context({ 'dvc.yaml': yaml });
  const f = await findings(ctx, 'MLH301');
  assert.ok(Date.now() - started < 3000);
  assert.ok(f.some((x) => /alias bomb/.test(x.message)));
});

test('self-referencing alias does not recurse forever', async () => {
  const yaml = 'vars:\n  - x: &x [*x]\nstages:\n  s:\n    cmd: echo\n';
  const { ctx } = await context({ 'dvc.yaml': yaml });
  const f = await findings(ctx, 'MLH301');
  assert.deepEqual(
    f.map((x) => [x.message, x.range]),
    [['alias *x refers to a node that contains it', rangeOfText(yaml, '*x')]],
    'on the alias itself',
  );
});

test('10 MB dvc.yaml: a clear diagnostic, not parsed', async () => {
  const big = 'stages:\n' + '  # padding\n'.repeat(1_000_000);
  const { ctx } = await context({ 'dvc.yaml': big });
  const f = await findings(ctx);
  assert.equal(f.length, 1);
  assert.match(f[0]!.message, /MB; files over 4 MB are not checked/);
});

test('symlink loop in a dep dir and a dep escaping the workspace', async () => {
  const files = cleanProject({ yaml: (y) => y.replace('      - data/raw.csv\n', '      - data/raw.csv\n      - ../outside/secret.csv\n') });
  const { fs, ctx: _unused } = await context(files);
  void _unused;
  fs.symlink('/ws/data/prepared/loop', '/ws/data/prepared');
  fs.writeFile('/outside/secret.csv', 'x');
  const { createDvcContext } = await import('../../../src/core/rules/dvc/index');
  const ctx = await createDvcContext(fs, '/ws/dvc.yaml', { workspaceRoot: '/ws' });
  const prepare = ctx.status.stages.find((s) => s.name === 'prepare')!;
  assert.deepEqual(prepare.changes.outs, {}); // the loop is not followed: same dir hash as DVC
  assert.deepEqual(ctx.status.details.get('prepare')!.outsideWorkspace, ['../outside/secret.csv']);
  const f = await findings(ctx, 'MLH311');
  assert.deepEqual(f.map((x) => x.range), [rangeOfText(files['dvc.yaml']!, '../outside/secret.csv')]);
  assert.equal((await findings(ctx, 'MLH302')).length, 0);
});

test('the tree: DAG order, status, children with states and param values', async () => {
  const files = cleanProject();
  files['params.yaml'] = 'train:\n  lr: 0.3\n  epochs: 10\nprepare:\n  split: 0.2\n';
  delete files['metrics.json'];
  const { ctx } = await context(files);
  const tree = buildPipelineTree(ctx);
  assert.deepEqual(
    tree.children!.map((s) => [s.label, s.status, s.description]),
    [
      ['prepare', 'up-to-date', 'up to date'],
      ['train', 'changed', 'changed (command, params, outs)'],
    ],
  );
  const train = tree.children![1]!;
  assert.deepEqual(
    train.children!.map((c) => [c.kind, c.label, c.state, c.value]),
    [
      ['dep', 'data/prepared', 'unchanged', undefined],
      ['dep', 'src/train.py', 'unchanged', undefined],
      ['out', 'model.pkl', 'unchanged', undefined],
      ['metric', 'metrics.json', 'deleted', undefined],
      ['param', 'train.lr', 'modified', '0.3'],
      ['param', 'train.epochs', 'unchanged', '10'],
    ],
  );
  assert.deepEqual(train.range, rangeOfText(files['dvc.yaml']!, 'train'));
  assert.doesNotThrow(() => JSON.stringify(tree));
});

test('an absolute dep path stays absolute: outside the workspace it is MLH311 and never hashed', async () => {
  const files = cleanProject({ yaml: (y) => y.replace('      - data/raw.csv\n', '      - data/raw.csv\n      - /mnt/shared/labels.csv\n') });
  const { fs } = await context(files);
  fs.writeFile('/mnt/shared/labels.csv', 'secret');
  const { createDvcContext } = await import('../../../src/core/rules/dvc/index');
  const ctx = await createDvcContext(fs, '/ws/dvc.yaml', { workspaceRoot: '/ws' });
  const entry = ctx.file.stages.flatMap((s) => s.deps).find((d) => d.path === '/mnt/shared/labels.csv')!;
  assert.equal(entry.absPath, '/mnt/shared/labels.csv', 'not joined to the stage folder');
  assert.deepEqual(ctx.status.details.get('prepare')!.outsideWorkspace, ['/mnt/shared/labels.csv']);
  const f = await findings(ctx, 'MLH311');
  assert.deepEqual(f.map((x) => x.range), [rangeOfText(files['dvc.yaml']!, '/mnt/shared/labels.csv')]);
  assert.equal((await findings(ctx, 'MLH302')).length, 0, 'not reported missing either');
});

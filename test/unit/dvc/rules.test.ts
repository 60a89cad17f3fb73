import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanProject, context, findings, rangeOfText } from './helpers';
import type { EditOperation } from '../../../src/core/diagnostics';
import { LineIndex } from '../../../src/core/text/lineIndex';
import { scriptsRunBy } from '../../../src/core/rules/dvc/MLH303-undeclared-script';

test('a clean, reproduced project has no findings at all', async () => {
  const { ctx } = await context(cleanProject());
  assert.deepEqual(await findings(ctx), []);
});

test('MLH301: unknown keys, missing cmd, bad name, wrong types, foreach+matrix, dict plots', async () => {
  const yaml = [
    'stages:',
    '  bad name:',
    '    cmd: echo',
    '  nocmd:',
    '    deps: [a]',
    '  typo:',
    '    cmd: echo',
    '    command: echo',
    '    frozen: yes please',
    '  both:',
    '    foreach: [1]',
    '    matrix: {a: [1]}',
    '    do: {cmd: echo}',
    'plots:',
    '  p: {x: a}',
    'extra: 1',
    '',
  ].join('\n');
  const { ctx } = await context({ 'dvc.yaml': yaml, a: '' });
  const f = await findings(ctx, 'MLH301');
  const at = (needle: string) => f.find((x) => JSON.stringify(x.range) === JSON.stringify(rangeOfText(yaml, needle)));
  assert.ok(at('bad name')?.message.includes('invalid stage name'));
  assert.ok(at('deps')?.message.includes('no `cmd`'));
  assert.ok(at('command')?.message.includes("unknown key 'command'"));
  assert.ok(at('yes please')?.message.includes('true or false'));
  assert.ok(at('matrix')?.message.includes('cannot be used together'));
  const plots = f.find((x) => x.message.includes('list in DVC 3'));
  assert.deepEqual(plots?.range.start, rangeOfText(yaml, 'p: {x: a}').start);
  assert.ok(at('extra')?.message.includes('unknown top-level key'));
});

test('MLH302: missing dependency on the entry; outputs of other stages and .dvc-tracked data are fine', async () => {
  const yaml = 'stages:\n  a:\n    cmd: python make.py\n    outs: [gen]\n  b:\n    cmd: cat gen/x tracked.csv missing.csv\n    deps:\n      - gen/x\n      - tracked.csv\n      - missing.csv\n';
  const { ctx } = await context({ 'dvc.yaml': yaml, 'tracked.csv.dvc': 'outs: []\n', 'make.py': '' });
  const f = await findings(ctx, 'MLH302');
  assert.equal(f.length, 1);
  assert.deepEqual(f[0]!.range, rangeOfText(yaml, 'missing.csv', 1));
});

test('MLH303: undeclared script with an insert fix that keeps the indentation', async () => {
  const files = cleanProject({ yaml: (y) => y.replace('      - src/train.py\n', '') });
  delete files['dvc.lock'];
  const yaml = files['dvc.yaml']!;
  const { ctx } = await context(files);
  const f = await findings(ctx, 'MLH303');
  assert.equal(f.length, 1);
  assert.deepEqual(f[0]!.range, rangeOfText(yaml, 'src/train.py'));
  const fix = f[0]!.fixes![0]!;
  assert.equal(fix.title, 'Add `src/train.py` to deps');
  assert.equal(fix.edit!.operations.length, 1);
  const applied = applyEdit(yaml, fix.edit!.operations[0]!);
  assert.equal(applied, yaml.replace('      - data/prepared\n    params:\n      - train.lr', '      - data/prepared\n      - src/train.py\n    params:\n      - train.lr'));
});

test('MLH303 fix without a deps key follows the file list style; python -m and flow lists', async () => {
  const yaml = '# pipeline\nstages:\n  a:\n    cmd: python -m pkg.run --fast  # comment stays\n    outs:\n    - out.txt\n  b:\n    cmd: python -u b.py\n    deps: [x.txt]\n';
  const { ctx } = await context({ 'dvc.yaml': yaml, 'pkg/run.py': '', 'b.py': '', 'x.txt': '' });
  const f = await findings(ctx, 'MLH303');
  assert.equal(f.length, 2);
  assert.deepEqual(f[0]!.range, rangeOfText(yaml, 'pkg.run'));
  assert.equal(applyEdit(yaml, f[0]!.fixes![0]!.edit!.operations[0]!), yaml.replace('# comment stays\n', '# comment stays\n    deps:\n    - pkg/run.py\n'));
  assert.equal(applyEdit(yaml, f[1]!.fixes![0]!.edit!.operations[0]!), yaml.replace('[x.txt]', '[x.txt, b.py]'));
  assert.deepEqual(scriptsRunBy('cd src && uv run python train.py && bash post.sh | tee log'), [
    { token: 'train.py', candidates: ['train.py'] },
    { token: 'post.sh', candidates: ['post.sh'] },
  ]);
});

test('MLH304: undefined param key and unresolved ${...} expression ranges', async () => {
  const yaml = 'vars:\n  - extra: {n: 1}\nstages:\n  s:\n    cmd: python run.py ${train.lr} ${extra.n} ${nope.x} \\${literal}\n    deps: [run.py]\n    params:\n      - train.lr\n      - train.momentum\n';
  const { ctx } = await context({ 'dvc.yaml': yaml, 'params.yaml': 'train:\n  lr: 0.1\n', 'run.py': '' });
  const f = await findings(ctx, 'MLH304');
  assert.deepEqual(
    f.map((x) => x.range),
    [rangeOfText(yaml, '${nope.x}'), rangeOfText(yaml, 'train.momentum')],
  );
  assert.equal(ctx.file.stages[0]!.cmd, 'python run.py 0.1 1 ${nope.x} ${literal}');
});

test('MLH305: same and overlapping outputs', async () => {
  const yaml = 'stages:\n  a:\n    cmd: echo\n    outs: [data/out]\n  b:\n    cmd: echo\n    outs: [data/out/part.csv]\n  c:\n    cmd: echo\n    metrics: [data/out]\n';
  const { ctx } = await context({ 'dvc.yaml': yaml });
  const f = await findings(ctx, 'MLH305');
  assert.deepEqual(
    f.map((x) => x.range),
    [rangeOfText(yaml, 'data/out/part.csv'), rangeOfText(yaml, 'data/out', 2)],
  );
});

test('MLH306: cycle reported on each stage name; the graph still orders the rest', async () => {
  const yaml = 'stages:\n  a:\n    cmd: echo\n    deps: [b.csv]\n    outs: [a.csv]\n  b:\n    cmd: echo\n    deps: [a.csv]\n    outs: [b.csv]\n  c:\n    cmd: echo\n    outs: [c.csv]\n';
  const { ctx } = await context({ 'dvc.yaml': yaml });
  const f = await findings(ctx, 'MLH306');
  assert.deepEqual(
    f.map((x) => x.range),
    [rangeOfText(yaml, 'a:'), rangeOfText(yaml, 'b:')].map((r) => ({ start: r.start, end: { ...r.end, character: r.end.character - 1 } })),
  );
  assert.deepEqual(
    ctx.graph.order.map((s) => s.name),
    ['c', 'a', 'b'],
  );
});

test('MLH307 and MLH308: notebook execution and numeric flags, exact ranges', async () => {
  const yaml = 'stages:\n  nb:\n    cmd: papermill train.ipynb out.ipynb -p lr 0.1\n  cli:\n    cmd: python run.py --lr 0.01 --epochs=10 --workers 4 --name v2 --x ${a}\n';
  const { ctx } = await context({ 'dvc.yaml': yaml, 'params.yaml': 'a: 3\n' });
  const nb = await findings(ctx, 'MLH307');
  assert.deepEqual(nb.map((x) => x.range), [rangeOfText(yaml, 'papermill train.ipynb out.ipynb -p lr 0.1')]);
  const hp = await findings(ctx, 'MLH308');
  assert.deepEqual(hp.map((x) => x.range), [rangeOfText(yaml, '0.01'), rangeOfText(yaml, '10')]);
});

test('MLH309 and MLH310 on the stage name, with a Run stage command', async () => {
  const files = cleanProject({ lock: (l) => l.slice(0, l.indexOf('  train:')) });
  files['src/prepare.py'] = 'print("pr3pare")\n';
  const { ctx } = await context(files);
  const yaml = files['dvc.yaml']!;
  const changed = await findings(ctx, 'MLH309');
  assert.equal(changed.length, 1);
  assert.deepEqual(changed[0]!.range, rangeOfText(yaml, 'prepare'));
  assert.match(changed[0]!.message, /deps src\/prepare.py \(modified\)/);
  assert.deepEqual(changed[0]!.fixes![0]!.command!.arguments, ['/ws/dvc.yaml', 'prepare']);
  const never = await findings(ctx, 'MLH310');
  assert.deepEqual(never.map((x) => x.range), [rangeOfText(yaml, 'train', 0)]);
});

test('foreach and matrix generate name@key stages with resolved values', async () => {
  const yaml = [
    'vars:',
    '  - models: {us: {t: 10}, eu: {t: 20}}',
    'stages:',
    '  fit:',
    '    foreach: ${models}',
    '    do:',
    '      cmd: python fit.py ${key} ${item.t}',
    '      outs:',
    '        - out/${key}.pkl',
    '  seq:',
    '    foreach: [1, 2.5, true]',
    '    do:',
    '      cmd: echo ${item}',
    '  grid:',
    '    matrix:',
    '      lr: [0.1, 1.0]',
    '      cfg: [{a: 1}]',
    '    cmd: train --lr ${item.lr} ${item.cfg.a}',
    '',
  ].join('\n');
  const { ctx } = await context({ 'dvc.yaml': yaml });
  assert.deepEqual(
    ctx.file.stages.map((s) => [s.name, s.cmd]),
    [
      ['fit@us', 'python fit.py us 10'],
      ['fit@eu', 'python fit.py eu 20'],
      ['seq@1', 'echo 1'],
      ['seq@2.5', 'echo 2.5'],
      ['seq@true', 'echo true'],
      ['grid@0.1-cfg0', 'train --lr 0.1 1'],
      ['grid@1.0-cfg0', 'train --lr 1.0 1'],
    ],
  );
  assert.deepEqual(ctx.file.stages[0]!.nameRange, rangeOfText(yaml, 'fit'));
  assert.deepEqual(await findings(ctx, 'MLH301'), []);
});

test('params files: JSON, TOML and Python', async () => {
  const yaml = 'stages:\n  s:\n    cmd: echo\n    params:\n      - p.json: [a.b]\n      - p.toml: [t.x]\n      - p.py: [LR, Train.epochs, missing]\n';
  const { ctx } = await context({
    'dvc.yaml': yaml,
    'p.json': '{"a": {"b": 1}}',
    'p.toml': '[t]\nx = 2\n',
    'p.py': 'import os\nLR = 0.1\nclass Train:\n    epochs = 10\n    layers = [\n        1, 2,\n    ]\n',
  });
  const f = await findings(ctx, 'MLH304');
  assert.deepEqual(f.map((x) => x.range), [rangeOfText(yaml, 'missing')]);
});

function applyEdit(text: string, op: EditOperation): string {
  assert.equal(op.kind, 'edit');
  if (op.kind !== 'edit') return text;
  const li = new LineIndex(text);
  let out = text;
  for (const e of [...op.edits].reverse()) out = out.slice(0, li.offsetAt(e.range.start)) + e.newText + out.slice(li.offsetAt(e.range.end));
  return out;
}

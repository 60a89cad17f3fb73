import { MemoryFileSystem } from '../../../src/core/fs/memoryFileSystem';
import { LineIndex, type Range } from '../../../src/core/text/lineIndex';
import { dvcRules, createDvcContext } from '../../../src/core/rules/dvc/index';
import type { DvcContext } from '../../../src/core/dvc/context';
import type { FindingInput } from '../../../src/core/rules/rule';
import { directoryHashFromEntries, md5Hex } from '../../../src/core/dvc/hashing';

export const ROOT = '/ws';

/** Range of the nth occurrence of `needle` in `text`. */
export function rangeOfText(text: string, needle: string, nth = 0): Range {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`'${needle}' not found`);
  }
  return new LineIndex(text).rangeOf(at, at + needle.length);
}

export async function findings(ctx: DvcContext, code?: string): Promise<(FindingInput & { code: string })[]> {
  const out: (FindingInput & { code: string })[] = [];
  for (const rule of dvcRules) {
    if (code && rule.code !== code) continue;
    await rule.check(ctx, (f) => out.push({ ...f, code: rule.code }));
  }
  return out;
}

export async function context(files: Record<string, string | Uint8Array>, dvcYaml = 'dvc.yaml') {
  const fs = new MemoryFileSystem(files, ROOT);
  const ctx = await createDvcContext(fs, `${ROOT}/${dvcYaml}`, { workspaceRoot: ROOT });
  return { fs, ctx };
}

/** A small, fully reproduced project: every hash in dvc.lock matches the files. */
export function cleanProject(overrides: { lock?: (lock: string) => string; yaml?: (y: string) => string; files?: Record<string, string> } = {}) {
  const files: Record<string, string> = {
    'params.yaml': 'train:\n  lr: 0.20\n  epochs: 10\nprepare:\n  split: 0.2\n',
    'data/raw.csv': 'a,b\n1,2\n',
    'src/prepare.py': 'print("prepare")\n',
    'src/train.py': 'print("train")\n',
    'data/prepared/train.csv': 'a\n1\n',
    'data/prepared/test.csv': 'a\n2\n',
    'model.pkl': 'MODEL',
    'metrics.json': '{"acc": 0.9}',
    ...overrides.files,
  };
  const yaml = [
    'stages:',
    '  prepare:',
    '    cmd: python src/prepare.py data/raw.csv',
    '    deps:',
    '      - data/raw.csv',
    '      - src/prepare.py',
    '    params:',
    '      - prepare.split',
    '    outs:',
    '      - data/prepared',
    '  train:',
    '    cmd: python src/train.py --lr ${train.lr}',
    '    deps:',
    '      - data/prepared',
    '      - src/train.py',
    '    params:',
    '      - train.lr',
    '      - train.epochs',
    '    outs:',
    '      - model.pkl',
    '    metrics:',
    '      - metrics.json:',
    '          cache: false',
    '',
  ].join('\n');
  const h = (p: string) => md5Hex(files[p]!);
  const dir = directoryHashFromEntries([
    { relpath: 'train.csv', md5: h('data/prepared/train.csv') },
    { relpath: 'test.csv', md5: h('data/prepared/test.csv') },
  ]);
  const entry = (p: string, md5: string, size: number, extra = '') => `    - path: ${p}\n      hash: md5\n      md5: ${md5}\n      size: ${size}\n${extra}`;
  const lock = [
    "schema: '2.0'",
    'stages:',
    '  prepare:',
    '    cmd: python src/prepare.py data/raw.csv',
    '    deps:',
    entry('data/raw.csv', h('data/raw.csv'), 8) + entry('src/prepare.py', h('src/prepare.py'), 17).trimEnd(),
    '    params:',
    '      params.yaml:',
    '        prepare.split: 0.2',
    '    outs:',
    entry('data/prepared', dir, 8, '      nfiles: 2\n').trimEnd(),
    '  train:',
    '    cmd: python src/train.py --lr 0.2',
    '    deps:',
    entry('data/prepared', dir, 8, '      nfiles: 2\n') + entry('src/train.py', h('src/train.py'), 15).trimEnd(),
    '    params:',
    '      params.yaml:',
    '        train.epochs: 10',
    '        train.lr: 0.2',
    '    outs:',
    entry('metrics.json', h('metrics.json'), 12) + entry('model.pkl', h('model.pkl'), 5).trimEnd(),
    '',
  ].join('\n');
  files['dvc.yaml'] = overrides.yaml ? overrides.yaml(yaml) : yaml;
  files['dvc.lock'] = overrides.lock ? overrides.lock(lock) : lock;
  return files;
}

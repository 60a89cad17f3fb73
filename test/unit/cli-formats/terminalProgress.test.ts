// Issue 14 §4, the CLI side: a progress line on stderr while DVC data is hashed, only when stderr is a
// terminal. Run under a real pseudo-terminal (util-linux `script`), and again with pipes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const REPO = path.resolve(__dirname, '../../..');
const CLI = path.join(REPO, 'dist', 'cli.js');
/** Sparse: hashing it takes a second or more, and it takes no disk. */
const BIG = 512 * 1024 * 1024;
const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

let dir: string;
before(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'mlh-cli-progress-'));
  mkdirSync(path.join(dir, 'data'));
  writeFileSync(path.join(dir, 'data/frames.bin'), '');
  truncateSync(path.join(dir, 'data/frames.bin'), BIG);
  writeFileSync(path.join(dir, 'dvc.yaml'), 'stages:\n  train:\n    cmd: python train.py\n    deps:\n      - data/frames.bin\n');
  writeFileSync(
    path.join(dir, 'dvc.lock'),
    `schema: '2.0'\nstages:\n  train:\n    cmd: python train.py\n    deps:\n    - path: data/frames.bin\n      hash: md5\n      md5: 0123456789abcdef0123456789abcdef\n      size: ${BIG}\n`,
  );
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** A fresh cache each run, so the file is hashed again (the stat-keyed cache would skip it). */
function env(): NodeJS.ProcessEnv {
  return { ...process.env, XDG_CACHE_HOME: mkdtempSync(path.join(os.tmpdir(), 'mlh-cli-progress-cache-')), TERM: 'xterm' };
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

test('on a terminal, stderr shows a self-overwriting "hashing data/frames.bin (N%)" line, erased at the end; stdout stays clean JSON', { skip: hasScript ? false : 'util-linux script is not installed' }, () => {
  const out = path.join(dir, 'status.json');
  // stdout goes to a file, stderr stays on the pseudo-terminal `script` records.
  const r = spawnSync('script', ['-qec', `${quote(process.execPath)} ${quote(CLI)} status ${quote(dir)} --format json > ${quote(out)}`, '/dev/null'], { encoding: 'utf8', env: env() });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.split('\r\u001b[2K').filter(Boolean);
  assert.ok(lines.length >= 2, `several redraws of the line: ${JSON.stringify(r.stdout.slice(0, 400))}`);
  for (const line of lines) assert.match(line, /^ml-hygiene: hashing data\/frames\.bin \(\d+%\)$/);
  const percents = lines.map((l) => Number(/\((\d+)%\)/.exec(l)![1]));
  assert.deepEqual(percents, [...percents].sort((a, b) => a - b));
  assert.ok(r.stdout.endsWith('\r\u001b[2K'), 'the line is erased when the work is done');
  const json = JSON.parse(readFileSync(out, 'utf8')) as { stages: { name: string; status: string }[] };
  assert.deepEqual(json.stages.map((s) => [s.name, s.status]), [['train', 'changed']]);
});

test('piped (CI), stderr gets nothing at all and stdout is the same', () => {
  const r = spawnSync(process.execPath, [CLI, 'status', dir, '--format', 'json'], { encoding: 'utf8', env: env() });
  assert.equal(r.status, 0);
  assert.equal(r.stderr, '');
  const json = JSON.parse(r.stdout) as { stages: { name: string; status: string }[] };
  assert.deepEqual(json.stages.map((s) => [s.name, s.status]), [['train', 'changed']]);
  const check = spawnSync(process.execPath, [CLI, 'check', '--fail-on', 'never', dir], { encoding: 'utf8', env: env() });
  assert.equal(check.status, 0);
  assert.equal(check.stderr, '', 'check, which hashes too, is silent on stderr when piped');
});

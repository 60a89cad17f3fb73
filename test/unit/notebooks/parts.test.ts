import assert from 'node:assert/strict';
import { test } from 'node:test';
import { installedPackages } from '../../../src/core/rules/notebooks/pipInstall';
import { findGenericSecretAssignments, findProviderSecrets, keyBeforeLiteral, isSecretName, lineStartOf, looksLikeSecretValue, mayFollowAssignment, scanProviderSecrets } from '../../../src/core/rules/notebooks/secrets';
import { DvcTracking } from '../../../src/core/dvc/trackedOutputs';
import { MemoryFileSystem } from '../../../src/core/fs/memoryFileSystem';
import { MACHINE_PATH, mayBeMachinePath } from '../../../src/core/rules/notebooks/MLH205-absolute-path';
import { cellLineCount } from '../../../src/core/rules/notebooks/MLH210-long-cell';
import { LineIndex } from '../../../src/core/text/lineIndex';

test('install magics: pip, %pip, conda, uv, python -m pip; options, quotes, paths and interpolation skipped', () => {
  const names = (text: string) => installedPackages(text, 100).map((p) => `${p.requirement}@${p.start - 100}-${p.end - 100}`);
  assert.deepEqual(names('!pip install -q transformers datasets'), ['transformers@16-28', 'datasets@29-37']);
  assert.deepEqual(names('%pip install "torch==2.3.1" -U --index-url https://download.pytorch.org/whl/cpu'), ['torch==2.3.1@14-26']);
  assert.deepEqual(names('!pip install -r requirements.txt -e . ./pkg git+https://github.com/x/y.git dist/x.whl'), []);
  assert.deepEqual(names('!{sys.executable} -m pip install lightgbm'), ['lightgbm@33-41']);
  assert.deepEqual(names('!python -m pip install "scikit-learn>=1.5" && pip install xgboost'), ['scikit-learn>=1.5@24-41', 'xgboost@58-65']);
  assert.deepEqual(names('%conda install -y -c conda-forge pytorch numpy=1.26 cudatoolkit'), ['torch@33-40', 'numpy@41-51']);
  assert.deepEqual(names('!uv pip install polars'), ['polars@16-22']);
  assert.deepEqual(names('!pip install {package} $PKG'), []);
  assert.deepEqual(names('!pip list'), []);
  assert.deepEqual(names('!echo pip install x'), []);
});

test('provider secrets are found with exact spans; look-alikes are not', () => {
  const text = 'a = "AKIAIOSFODNN7EXAMPLE" # ghp_0123456789abcdefghijABCDEFGHIJ012345\nxoxb-1234567890-abcdef hf_abcdefghijklmnopqrstuvwxyzABCDEFGH';
  assert.deepEqual(findProviderSecrets(text).map((m) => [m.kind, text.slice(m.start, m.end)]), [
    ['AWS access key ID', 'AKIAIOSFODNN7EXAMPLE'],
    ['GitHub token', 'ghp_0123456789abcdefghijABCDEFGHIJ012345'],
    ['Slack token', 'xoxb-1234567890-abcdef'],
    ['Hugging Face token', 'hf_abcdefghijklmnopqrstuvwxyzABCDEFGH'],
  ]);
  assert.deepEqual(findProviderSecrets('pip install scikit-learn; sk-short; risk-assessment-tool-long-name'), []);
});

test('every provider kind is found past the one-pass prefilter, cached or not', () => {
  const secrets = [
    'ASIAIOSFODNN7EXAMPLE',
    'gho_0123456789abcdefghijABCDEFGHIJ012345',
    'github_pat_0123456789abcdefghijAB',
    'sk-proj-0123456789abcdefghijKL',
    'sk-0123456789abcdefghijKLMN',
    'xoxp-1234567890-abc',
    'hf_abcdefghijklmnopqrstuvwxyzABCD',
    'AIza' + 'B'.repeat(35),
    '-----BEGIN OPENSSH PRIVATE KEY-----',
    '-----BEGIN PRIVATE KEY-----',
  ];
  for (const secret of secrets) {
    const text = `x = 1\nkey = "${secret}"  # from the console\n`;
    const found = scanProviderSecrets(text);
    assert.equal(found.length, 1, secret);
    assert.equal(text.slice(found[0]!.start, found[0]!.end), secret);
    assert.deepEqual(findProviderSecrets(text), found);
    assert.notEqual(scanProviderSecrets(text), scanProviderSecrets(text), 'a new array each call: callers may add to it');
  }
  assert.deepEqual(scanProviderSecrets('import numpy as np\nmask = x > 0\n'), []);
});

test('mayFollowAssignment is false only where keyBeforeLiteral finds no key', () => {
  const prefixes = [
    'password = ', 'password =', 'password=\t', 'password =\u000b\u000c', 'token = \u00a0', 'token =\u3000 ', 'x["api_key"]: ', 'cfg = {"api_key": ',
    'secret: str = ', 'f(token=', 'print(', '    ', '', 'a = [1, ', 'password = \r', 'password = \n', 'password = \r\n  ', 'token = # comment ',
    'x = ' + ' '.repeat(200), 'password = ' + ' '.repeat(200), 'y' + '='.repeat(5), 'a = b; token = ', 'token \u2028= ', 'token =\u2028',
  ];
  let keyed = 0;
  for (const before of prefixes) {
    for (const lead of ['', 'x = 1\n', 'password = \n', 'a\r']) {
      const source = `${lead}${before}"hunter2hunter2"`;
      const offset = source.length - '"hunter2hunter2"'.length;
      const lineStart = Math.max(source.lastIndexOf('\n', offset - 1), source.lastIndexOf('\r', offset - 1)) + 1;
      const key = keyBeforeLiteral(source.slice(lineStart, offset));
      if (key !== undefined) {
        keyed++;
        assert.ok(mayFollowAssignment(source, offset), JSON.stringify(source));
      }
    }
  }
  assert.ok(keyed >= 40, `only ${keyed} prefixes name a key`);
  assert.equal(mayFollowAssignment('print("x")', 6), false);
  assert.equal(mayFollowAssignment('password = \n"x"', 12), false);
  assert.equal(mayFollowAssignment('password = "x"', 11), true);
  assert.equal(mayFollowAssignment('"x"', 0), false);
});

test('lineStartOf finds the line start LineIndex finds, at every offset, whatever the line breaks', () => {
  const pieces = ['a', '"s"', '\n', '\r', '\r\n', ' ', '\n\r', '\u2028'];
  let seed = 17;
  for (let i = 0; i < 500; i++) {
    let source = '';
    for (let n = (i % 12) + 1; n > 0; n--) source += pieces[(seed = (seed * 48271) % 2147483647) % pieces.length];
    const lines = new LineIndex(source);
    for (let o = 0; o <= source.length; o++) assert.equal(lineStartOf(source, o), lines.lineStart(lines.positionAt(o).line), `${JSON.stringify(source)} at ${o}`);
  }
});

test('generic secrets: credential names with real-looking literals only', () => {
  assert.ok(isSecretName('db_password') && isSecretName('OPENAI_API_KEY') && isSecretName('hf_token') && isSecretName('token'));
  assert.ok(!isSecretName('pad_token') && !isSecretName('max_tokens') && !isSecretName('tokenizer') && !isSecretName('eos_token'));
  for (const v of ['hunter2hunter2', 'f3a9c1d2e4b5']) assert.ok(looksLikeSecretValue(v), v);
  for (const v of ['', 'abc', 'YOUR_API_KEY', 'HF_TOKEN', '<your token>', 'xxxxxxxx', '********', 'changeme123', 'some words here', './token.json', 'https://x.y']) assert.ok(!looksLikeSecretValue(v), v);
  assert.equal(keyBeforeLiteral('    password = '), 'password');
  assert.equal(keyBeforeLiteral('client = Client(token='), 'token');
  assert.equal(keyBeforeLiteral('cfg = {"api_key": '), 'api_key');
  assert.equal(keyBeforeLiteral('openai.api_key = '), 'api_key');
  assert.equal(keyBeforeLiteral('secret: str = '), 'secret');
  assert.equal(keyBeforeLiteral('print('), undefined);
  const out = 'config: {"password": "s3cr3tP4ss", "user": "bob"}\ntoken=\'abcdef123456\'';
  assert.deepEqual(findGenericSecretAssignments(out).map((m) => out.slice(m.start, m.end)), ['s3cr3tP4ss', 'abcdef123456']);
  // A megabyte of word characters is scanned in linear time.
  const t0 = performance.now();
  findGenericSecretAssignments('x'.repeat(1_000_000));
  assert.ok(performance.now() - t0 < 2000);
});

test('DVC tracked paths from .dvc files and dvc.yaml outs/metrics/plots', async () => {
  const yaml = `stages:
  prepare:
    cmd: python prep.py
    outs:
    - data/prepared
    - model.pkl:
        cache: false
    metrics:
    - metrics.json
  train:
    foreach: [a, b]
    do:
      cmd: python train.py \${item}
      outs:
      - models/\${item}.pt
  sub:
    wdir: sub
    cmd: x
    plots:
    - plots/loss.csv
`;
  const files = { 'dvc.yaml': yaml, 'data/raw.csv.dvc': 'outs:\n- md5: abc\n  path: raw.csv\n', 'x.dvc': ': not yaml [' };
  const fs = new MemoryFileSystem(files, '/p');
  const tracked = await DvcTracking.load(fs, Object.keys(files).map((f) => `/p/${f}`));
  for (const p of ['/p/data/raw.csv', '/p/data/prepared/train.csv', '/p/model.pkl', '/p/metrics.json', '/p/sub/plots/loss.csv', '/p/models/a.pt']) assert.ok(tracked.isTracked(p), p);
  for (const p of ['/p/data/prepared2.csv', '/p/plots/loss.csv', '/p/models/a/b.pt', '/p/x']) assert.ok(!tracked.isTracked(p), p);
  assert.equal((await DvcTracking.load(fs, ['/p/x.dvc'])).isEmpty, true, 'the broken .dvc file tracks nothing');
});

test('machine-specific paths and cell line counts', () => {
  for (const p of ['/Users/a/x.csv', '/home/bob/d', '/root/.cache', 'C:\\data\\x.csv', 'D:/x', '~/data', '/content/drive/MyDrive/x', '/kaggle/input/x']) assert.ok(MACHINE_PATH.test(p), p);
  for (const p of ['data/x.csv', '/tmp/x', 's3://bucket/x', 'https://x/home/y', 'c://x', '/usr/share/x']) assert.ok(!MACHINE_PATH.test(p), p);
  // The first-character check in front of MACHINE_PATH never turns a match away.
  const alphabet = ['/', '\\', '~', ':', 'C', 'z', 'Users', 'home', 'content', 'drive', 'kaggle', '.', ' ', 'é', '0'];
  let pathSeed = 3;
  let matched = 0;
  for (let i = 0; i < 20000; i++) {
    let p = '';
    for (let n = (i % 6) + 1; n > 0; n--) p += alphabet[(pathSeed = (pathSeed * 48271) % 2147483647) % alphabet.length];
    if (!MACHINE_PATH.test(p)) continue;
    matched++;
    assert.ok(mayBeMachinePath(p), p);
  }
  assert.ok(matched > 100, `${matched} machine paths generated`);
  assert.equal(cellLineCount(''), 0);
  assert.equal(cellLineCount('a\nb\n\n'), 2);
  assert.equal(cellLineCount('a\r\nb\rc'), 3);
  // The same count as trimming /\s+$/ and counting \n, \r\n and lone \r, for any mix.
  const reference = (source: string) => {
    const trimmed = source.replace(/\s+$/, '');
    return trimmed === '' ? 0 : 1 + (trimmed.match(/\r\n|\r|\n/g)?.length ?? 0);
  };
  const pieces = ['a', 'bc ', '\n', '\r', '\r\n', ' ', '\t', '\u00a0', '\u2028', '\ufeff', '\n\n', '# x'];
  let seed = 7;
  for (let i = 0; i < 2000; i++) {
    let source = '';
    for (let n = (i % 9) + 1; n > 0; n--) source += pieces[(seed = (seed * 48271) % 2147483647) % pieces.length];
    assert.equal(cellLineCount(source), reference(source), JSON.stringify(source));
  }
});

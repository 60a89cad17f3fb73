import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { MemoryFileSystem } from '../../../src/core/fs/memoryFileSystem';
import type { FileSystem } from '../../../src/core/fs/fileSystem';
import { DvcHasher, directoryHashFromEntries, isTextBlock, md5Hex, HashAbortedError } from '../../../src/core/dvc/hashing';
import { HashCache } from '../../../src/core/dvc/hashCache';
import { pythonJsonDumps } from '../../../src/core/python/pythonJson';
import { pyFloatRepr } from '../../../src/core/dvc/pyValue';
import { CORPUS_ROOT } from '../../helpers/corpus';

const enc = (s: string) => new TextEncoder().encode(s);

/** Counts reads so tests can prove the cache avoids re-hashing. */
class CountingFs implements FileSystem {
  reads = 0;
  constructor(readonly inner: MemoryFileSystem) {}
  readFile(p: string) {
    this.reads++;
    return this.inner.readFile(p);
  }
  stat(p: string) {
    return this.inner.stat(p);
  }
  lstat(p: string) {
    return this.inner.lstat(p);
  }
  readDirectory(p: string) {
    return this.inner.readDirectory(p);
  }
  realPath(p: string) {
    return this.inner.realPath(p);
  }
}

test('dvc-data vector: files foo and bar containing their names', async () => {
  const fs = new MemoryFileSystem({ 'd/foo': 'foo', 'd/bar': 'bar' }, '/ws');
  const r = await new DvcHasher(fs, { workspaceRoot: '/ws' }).hashPath('/ws/d', 'md5');
  assert.deepEqual(r, { kind: 'directory', md5: '5ea40360f5b4ec688df672a4db9c17d1.dir', size: 6, nfiles: 2 });
});

test('dvc-data vector: entries bar and baz', () => {
  const h = directoryHashFromEntries([
    { relpath: 'baz', md5: '258622b1688250cb619f3c9ccaefb7eb' },
    { relpath: 'bar', md5: 'c157a79031e1c40f85931829bc5fc552' },
  ]);
  assert.equal(h, '1f69c66028c35037e8bf67e5bc4ceb6a.dir');
});

test('unicode, control characters, nested names, code-point order', async () => {
  // Expected value precomputed with python3: sorted({"md5", "relpath"} entries by relpath),
  // json.dumps(sort_keys=True), md5 + ".dir"; file contents are the values below, UTF-8.
  // "x/\uff5e.txt" sorts before "x/😀.txt" by code point but after it by UTF-16 unit.
  const files: Record<string, string> = {
    'café/naïve.txt': 'é',
    'a/b/c.csv': '1,2\n',
    'a-c': 'x',
    'x/😀.txt': 'smile',
    'x/\uff5e.txt': 'w',
    'tab\tname': 't',
    'quote"name': 'q', // (a backslash is a separator for the core's path helpers, so not tested)
    'ctl\x7f': 'd',
  };
  const fs = new MemoryFileSystem({}, '/');
  for (const [k, v] of Object.entries(files)) fs.writeFile('/ws/d/' + k, v);
  const r = await new DvcHasher(fs, { workspaceRoot: '/ws' }).hashPath('/ws/d', 'md5');
  assert.equal(r.kind === 'directory' && r.md5, 'ec646e06ece0f69da5cdd587736884b1.dir');
});

test('python json.dumps escaping and float repr', () => {
  assert.equal(pythonJsonDumps({ b: 'é😀\n"', a: [1, 0.5, true, null] }, { sortKeys: true }), '{"a": [1, 0.5, true, null], "b": "\\u00e9\\ud83d\\ude00\\n\\""}');
  assert.deepEqual([1e-5, 0.0001, 1e16, 123.456, 1e22, 2.5e-7].map(pyFloatRepr), ['1e-05', '0.0001', '1e+16', '123.456', '1e+22', '2.5e-07']);
});

test('legacy md5-dos2unix: text chunks normalised, binary chunks not', async () => {
  const fs = new MemoryFileSystem({}, '/');
  fs.writeFile('/ws/d/t.txt', 'line1\r\nline2\r\n');
  fs.writeFile('/ws/d/b.bin', new Uint8Array([0, 1, 2, 13, 10, 255]));
  const hasher = new DvcHasher(fs, { workspaceRoot: '/ws' });
  // python3: see the comment in the unicode test; t.txt hashed after CRLF->LF, b.bin raw.
  assert.equal(((await hasher.hashPath('/ws/d', 'md5-dos2unix')) as { md5: string }).md5, 'ef7a1bda1d4d2cf28dbcb8e988a282e4.dir');
  assert.equal(((await hasher.hashPath('/ws/d', 'md5')) as { md5: string }).md5, '8116128365e18325d29571f9b120e6f6.dir');
  assert.equal(isTextBlock(new Uint8Array()), true);
  assert.equal(isTextBlock(enc('abc\0')), false);
  assert.equal(isTextBlock(new Uint8Array([200, 200, 200, 65, 65, 65, 65, 65, 65, 65])), true); // 30% exactly
  assert.equal(isTextBlock(new Uint8Array([200, 200, 200, 200, 65, 65, 65, 65, 65, 65])), false);
});

test('legacy dos2unix applies per 1 MiB chunk: a CRLF split across the boundary stays', async () => {
  const big = new Uint8Array((1 << 20) + 4);
  big.fill(97);
  big.set([13, 10, 120, 13], (1 << 20) - 1);
  big[(1 << 20) + 3] = 10;
  const fs = new MemoryFileSystem({}, '/');
  fs.writeFile('/ws/big.txt', big);
  // python3: c1=data[:2**20]; c2=data[2**20:]; md5(c1.replace(CRLF,LF)+c2.replace(CRLF,LF))
  const r = await new DvcHasher(fs, { workspaceRoot: '/ws' }).hashPath('/ws/big.txt', 'md5-dos2unix');
  assert.equal(r.kind === 'file' && r.md5, 'bfe5023aff10e048bd827456a3e3ad9d');
});

test('streaming FileSystem chunks are re-cut to exact 1 MiB pieces', async () => {
  const data = new Uint8Array(3 * (1 << 20) + 17).map((_, i) => (i % 7 === 0 ? 13 : i % 7 === 1 ? 10 : 65));
  const mem = new MemoryFileSystem({}, '/');
  mem.writeFile('/ws/f.txt', data);
  const streaming = Object.assign(new CountingFs(mem), {
    async *readFileChunks(p: string) {
      const all = await mem.readFile(p);
      for (let i = 0; i < all.length; i += 333_333) yield all.subarray(i, i + 333_333);
    },
  });
  const a = await new DvcHasher(mem, { workspaceRoot: '/ws' }).hashPath('/ws/f.txt', 'md5-dos2unix');
  const b = await new DvcHasher(streaming, { workspaceRoot: '/ws' }).hashPath('/ws/f.txt', 'md5-dos2unix');
  assert.deepEqual(a, b);
  assert.equal(streaming.reads, 0);
});

test('.dvcignore is respected and .git/.dvc are never listed', async () => {
  const fs = new MemoryFileSystem({ '.dvcignore': '# comment\n*.tmp\n!keep.tmp\nlogs/\n', 'd/foo': 'foo', 'd/bar': 'bar', 'd/x.tmp': 'junk', 'd/logs/a': 'a', 'd/.git/HEAD': 'h' }, '/ws');
  const r = await new DvcHasher(fs, { workspaceRoot: '/ws' }).hashPath('/ws/d', 'md5');
  assert.equal(r.kind === 'directory' && r.md5, '5ea40360f5b4ec688df672a4db9c17d1.dir');
  fs.writeFile('/ws/d/keep.tmp', 'k');
  const r2 = await new DvcHasher(fs, { workspaceRoot: '/ws' }).hashPath('/ws/d', 'md5');
  assert.equal(r2.kind === 'directory' && r2.nfiles, 3);
});

test('hash cache: unchanged files are never read again; survives JSON round-trip', async () => {
  const mem = new MemoryFileSystem({ 'd/foo': 'foo', 'd/bar': 'bar' }, '/ws');
  const fs = new CountingFs(mem);
  const cache = new HashCache();
  await new DvcHasher(fs, { workspaceRoot: '/ws', cache }).hashPath('/ws/d', 'md5');
  assert.equal(fs.reads, 2);
  const restored = HashCache.fromJSON(JSON.parse(JSON.stringify(cache.toJSON())));
  const again = new DvcHasher(fs, { workspaceRoot: '/ws', cache: restored });
  const r = await again.hashPath('/ws/d', 'md5');
  assert.equal(fs.reads, 2);
  assert.equal(again.stats.cacheHits, 2);
  assert.equal(r.kind === 'directory' && r.md5, '5ea40360f5b4ec688df672a4db9c17d1.dir');
  mem.writeFile('/ws/d/foo', 'FOO'); // new mtime
  await new DvcHasher(fs, { workspaceRoot: '/ws', cache: restored }).hashPath('/ws/d', 'md5');
  assert.equal(fs.reads, 3);
});

test('symlink loops in a dependency directory terminate', async () => {
  const fs = new MemoryFileSystem({ 'd/foo': 'foo', 'd/bar': 'bar' }, '/ws');
  fs.symlink('/ws/d/loop', '/ws/d');
  fs.symlink('/ws/d/self', 'self');
  fs.symlink('/ws/d/dangling', '/ws/nowhere');
  const r = await new DvcHasher(fs, { workspaceRoot: '/ws' }).hashPath('/ws/d', 'md5');
  assert.equal(r.kind === 'directory' && r.md5, '5ea40360f5b4ec688df672a4db9c17d1.dir');
});

test('paths escaping the workspace are never read unless allowed', async () => {
  const mem = new MemoryFileSystem({ '/secret/key': 'k', '/ws/x': 'x' }, '/');
  mem.symlink('/ws/link', '/secret/key');
  const fs = new CountingFs(mem);
  const hasher = new DvcHasher(fs, { workspaceRoot: '/ws' });
  assert.deepEqual(await hasher.hashPath('/secret/key', 'md5'), { kind: 'outside-workspace' });
  assert.deepEqual(await hasher.hashPath('/ws/link', 'md5'), { kind: 'outside-workspace' });
  assert.equal(fs.reads, 0);
  const allowed = await new DvcHasher(fs, { workspaceRoot: '/ws', allowOutsideWorkspace: true }).hashPath('/secret/key', 'md5');
  assert.deepEqual(allowed, { kind: 'file', md5: md5Hex('k'), size: 1 });
});

test('cancellation via AbortSignal and progress callback', async () => {
  const fs = new MemoryFileSystem({ 'big.bin': new Uint8Array(3 << 20) }, '/ws');
  const ac = new AbortController();
  const seen: number[] = [];
  const hasher = new DvcHasher(fs, {
    workspaceRoot: '/ws',
    signal: ac.signal,
    onProgress: (p) => {
      seen.push(p.bytesHashed);
      ac.abort();
    },
  });
  await assert.rejects(hasher.hashPath('/ws/big.bin', 'md5'), HashAbortedError);
  assert.deepEqual(seen, [1 << 20]);
});

const DEMO = `${CORPUS_ROOT}/dvc/iterative+vscode-dvc-demo`;
test('real DVC: vscode-dvc-demo training/metrics.json hashes as dvc.lock records', { skip: !existsSync(DEMO) }, async () => {
  const data = readFileSync(`${DEMO}/training/metrics.json`);
  const fs = new MemoryFileSystem({ 'training/metrics.json': new Uint8Array(data) }, '/ws');
  const r = await new DvcHasher(fs, { workspaceRoot: '/ws' }).hashPath('/ws/training/metrics.json', 'md5');
  assert.deepEqual(r, { kind: 'file', md5: '906f0ea064087ba4db3e201edf1d09c4', size: 178 });
});

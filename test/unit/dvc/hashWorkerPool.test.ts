import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { HashWorkerPool } from '../../../src/adapters/hashWorkerPool';
import { DvcHasher, HashAbortedError, type HashAlgorithm, type HashOutcome } from '../../../src/core/dvc/hashing';
import { DiskFileSystem } from '../../../src/core/fs/diskFileSystem';
import type { FileSystem } from '../../../src/core/fs/fileSystem';
import { normalizePath } from '../../../src/core/fs/paths';

/**
 * The worker pool must give the in-process hashes byte for byte (it only moves the work to other
 * threads), fall back to in-process hashing whenever it cannot serve, and leave the files the
 * server's editor buffers overlay to the core. The worker is bundled here the way esbuild.mjs
 * bundles it into dist/, so the test runs the shipped shape of the code without needing a build.
 */

const MiB = 1 << 20;
let tmp: string;
let ws: string;
let workerScript: string;

/** A text file with CRLF, a binary one, files over 1 MiB (one with a CRLF split across the chunk boundary), an empty one. */
function writeFixture(root: string): void {
  mkdirSync(path.join(root, 'data', 'nested'), { recursive: true });
  writeFileSync(path.join(root, 'data', 'crlf.txt'), 'id,label\r\n1,cat\r\n2,dog\r\n');
  writeFileSync(path.join(root, 'data', 'model.bin'), Buffer.from([0, 1, 2, 13, 10, 255, 0, 13, 10]));
  const big = Buffer.alloc(MiB + 4, 97);
  big.set([13, 10, 120, 13], MiB - 1);
  big[MiB + 3] = 10;
  writeFileSync(path.join(root, 'data', 'nested', 'big.txt'), big);
  // Over two chunks, text in the first chunk and binary (a NUL) in the second: each chunk is probed on its own.
  const mixed = Buffer.alloc(2 * MiB + 100, 65);
  for (let i = 0; i < mixed.length; i += 50) mixed.set([13, 10], i);
  mixed[MiB + 10] = 0;
  writeFileSync(path.join(root, 'data', 'nested', 'mixed.csv'), mixed);
  writeFileSync(path.join(root, 'data', 'empty'), '');
}

before(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'mlh-hashpool-'));
  ws = normalizePath(path.join(tmp, 'ws'));
  writeFixture(ws);
  workerScript = path.join(tmp, 'dist', 'dvcHashWorker.js');
  await esbuild.build({
    entryPoints: [path.join(__dirname, '../../../src/adapters/dvcHashWorker.ts')],
    outfile: workerScript,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'warning',
  });
});

after(() => rmSync(tmp, { recursive: true, force: true }));

const PATHS = ['data', 'data/crlf.txt', 'data/model.bin', 'data/nested/big.txt', 'data/nested/mixed.csv', 'data/empty'];

async function hashAll(fs: FileSystem, pool: HashWorkerPool | undefined, algorithm: HashAlgorithm): Promise<HashOutcome[]> {
  const hasher = new DvcHasher(fs, { workspaceRoot: ws, ...(pool ? { digester: pool } : {}) });
  const out: HashOutcome[] = [];
  for (const p of PATHS) out.push(await hasher.hashPath(`${ws}/${p}`, algorithm));
  return out;
}

for (const algorithm of ['md5', 'md5-dos2unix'] as const) {
  test(`worker pool hashes equal in-process hashes (${algorithm})`, async () => {
    const expected = await hashAll(new DiskFileSystem(), undefined, algorithm);
    for (const size of [1, 2, 3]) {
      const pool = new HashWorkerPool({ size, workerScript });
      try {
        assert.equal(pool.enabled, true);
        assert.deepEqual(await hashAll(new DiskFileSystem(), pool, algorithm), expected, `pool of ${size}`);
        // Every file went through the workers (5 in the directory, then the same 5 asked for one
        // by one), so nothing fell back unnoticed.
        assert.equal(pool.served, 5 + 5);
      } finally {
        await pool.dispose();
      }
    }
  });
}

test('worker pool: the 1 MiB chunk-boundary vector of DVC 2 holds', async () => {
  const pool = new HashWorkerPool({ workerScript });
  try {
    const r = await new DvcHasher(new DiskFileSystem(), { workspaceRoot: ws, digester: pool }).hashPath(`${ws}/data/nested/big.txt`, 'md5-dos2unix');
    // The value of the in-memory vector in hashing.test.ts (python3, per-chunk CRLF->LF).
    assert.equal(r.kind === 'file' && r.md5, 'bfe5023aff10e048bd827456a3e3ad9d');
    assert.equal(pool.served, 1);
  } finally {
    await pool.dispose();
  }
});

test('worker pool: a missing worker script means in-process hashing, same results', async () => {
  const expected = await hashAll(new DiskFileSystem(), undefined, 'md5-dos2unix');
  const pool = new HashWorkerPool({ workerScript: path.join(tmp, 'nowhere', 'dvcHashWorker.js') });
  assert.equal(pool.enabled, false);
  assert.deepEqual(await hashAll(new DiskFileSystem(), pool, 'md5-dos2unix'), expected);
  assert.equal(pool.served, 0);
  assert.equal(pool.liveWorkers, 0);
});

test('worker pool: workers that crash are replaced by in-process hashing, then given up on', async () => {
  const crashing = path.join(tmp, 'crashing-worker.js');
  writeFileSync(crashing, "throw new Error('boom');\n");
  const expected = await hashAll(new DiskFileSystem(), undefined, 'md5');
  const pool = new HashWorkerPool({ size: 2, workerScript: crashing });
  try {
    assert.deepEqual(await hashAll(new DiskFileSystem(), pool, 'md5'), expected);
    assert.equal(pool.served, 0);
    assert.equal(pool.enabled, false, 'the pool should stop starting workers that keep crashing');
  } finally {
    await pool.dispose();
  }
});

test('worker pool: an overlaid path (unsaved editor buffer) is hashed from the overlay, not the disk', async () => {
  const disk = new DiskFileSystem();
  const overlaid = `${ws}/data/crlf.txt`;
  const buffer = new TextEncoder().encode('id,label\r\n1,cat\r\n2,dog\r\n3,eel\r\n');
  // The server's OverlayFileSystem in miniature: the buffer wins for one path.
  const fs: FileSystem = {
    readFile: (p) => (p === overlaid ? Promise.resolve(buffer) : disk.readFile(p)),
    stat: async (p) => {
      const st = await disk.stat(p);
      return p === overlaid && st ? { ...st, size: buffer.length, mtimeMs: st.mtimeMs + 1 } : st;
    },
    lstat: (p) => disk.lstat(p),
    readDirectory: (p) => disk.readDirectory(p),
    realPath: (p) => disk.realPath(p),
  };
  const expected = await new DvcHasher(fs, { workspaceRoot: ws }).hashPath(`${ws}/data`, 'md5');
  const pool = new HashWorkerPool({ workerScript, skip: (p) => p === overlaid });
  try {
    const got = await new DvcHasher(fs, { workspaceRoot: ws, digester: pool }).hashPath(`${ws}/data`, 'md5');
    assert.deepEqual(got, expected);
    const fromDisk = await new DvcHasher(disk, { workspaceRoot: ws }).hashPath(`${ws}/data`, 'md5');
    assert.notDeepEqual(got, fromDisk, 'the fixture must make the overlay matter');
    assert.equal(pool.served, 4, 'every file but the overlaid one went to the workers');
  } finally {
    await pool.dispose();
  }
});

test('worker pool: cancellation rejects with HashAbortedError and workers stop when idle', async () => {
  const pool = new HashWorkerPool({ workerScript, idleMs: 50 });
  const controller = new AbortController();
  const hasher = new DvcHasher(new DiskFileSystem(), { workspaceRoot: ws, digester: pool, signal: controller.signal, onProgress: () => controller.abort() });
  await assert.rejects(hasher.hashPath(`${ws}/data/nested/mixed.csv`, 'md5'), HashAbortedError);
  // The aborted job is still answered by its worker (it stops at the next chunk); then the idle timer ends the thread.
  const deadline = Date.now() + 5000;
  while (pool.liveWorkers > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.equal(pool.liveWorkers, 0, 'idle workers were not terminated');
  // A pool whose workers were stopped starts new ones for the next file.
  const r = await new DvcHasher(new DiskFileSystem(), { workspaceRoot: ws, digester: pool }).hashPath(`${ws}/data/model.bin`, 'md5');
  assert.equal(r.kind === 'file' && r.size, 9);
  assert.equal(pool.served, 1);
  await pool.dispose();
  assert.equal(pool.liveWorkers, 0);
});

/**
 * The worker thread behind HashWorkerPool (bundled on its own as dist/dvcHashWorker.js). It reads
 * files from disk and hashes them with the core's ChunkedDigest, so its results are the in-process
 * ones byte for byte; only where the CPU time is spent changes.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { ChunkedDigest, HASH_CHUNK_SIZE, type HashAlgorithm } from '../core/dvc/hashing';
import type { HashJob, WorkerReply } from './hashWorkerPool';

const port = parentPort;
if (!port) throw new Error('dvcHashWorker must run in a worker thread');

// One chunk buffer for the worker's life: md5 copies what it is given, so reusing it is safe, and a
// fresh buffer per file would put 1 GiB through the allocator for a 1 GiB workspace.
const buffer = Buffer.allocUnsafeSlow(HASH_CHUNK_SIZE);
const queue: HashJob[] = [];
const cancelled = new Set<number>();
let running = false;

/** Fills `buffer` from `fd` until it is full or the file ends; the chunk boundaries are part of a dos2unix hash. */
function fillChunk(fd: number): number {
  let filled = 0;
  while (filled < HASH_CHUNK_SIZE) {
    const n = readSync(fd, buffer, filled, HASH_CHUNK_SIZE - filled, null);
    if (n === 0) break;
    filled += n;
  }
  return filled;
}

/**
 * Synchronous reads: this thread does nothing else, and a page-cache read is cheaper done here than
 * as a round trip through libuv's pool. Between the chunks of a large file it yields, so a cancel
 * message is seen and progress is posted.
 */
async function hashFile(job: HashJob): Promise<WorkerReply> {
  const digest = new ChunkedDigest(job.algorithm as HashAlgorithm);
  const fd = openSync(job.path, 'r');
  let bytes = 0;
  try {
    for (;;) {
      const n = fillChunk(fd);
      if (n > 0) digest.update(buffer.subarray(0, n));
      bytes += n;
      if (n < HASH_CHUNK_SIZE) break;
      port!.postMessage({ id: job.id, progress: bytes } satisfies WorkerReply);
      await new Promise((resolve) => setImmediate(resolve));
      if (cancelled.delete(job.id)) return { id: job.id, cancelled: true };
    }
  } finally {
    closeSync(fd);
  }
  return { id: job.id, md5: digest.digest(), bytes };
}

async function drain(): Promise<void> {
  running = true;
  while (queue.length) {
    const job = queue.shift()!;
    let reply: WorkerReply;
    if (cancelled.delete(job.id)) reply = { id: job.id, cancelled: true };
    else {
      try {
        reply = await hashFile(job);
      } catch (e) {
        reply = { id: job.id, error: String((e as Error)?.message ?? e) };
      }
    }
    port!.postMessage(reply);
  }
  // Every job received so far is answered, so what is left are cancels that lost the race with
  // their job's result (messages arrive in order: a job always before its cancel).
  cancelled.clear();
  running = false;
}

port.on('message', (m: HashJob | { cancel: number }) => {
  if ('cancel' in m) {
    cancelled.add(m.cancel);
    return;
  }
  queue.push(m);
  if (!running) void drain();
});

import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { DigestResult, FileDigester, HashAlgorithm } from '../core/dvc/hashing';

/**
 * DVC hashing on worker threads, injected into the core as its FileDigester where the workspace is
 * the disk (CLI, server). md5 on one thread is as fast as `md5sum` at best, and the main thread also
 * walks, stats and opens every file; spreading the reading and md5 over workers uses every core and,
 * in the server, keeps the main thread free to answer the editor while gigabytes are hashed.
 *
 * The pool never makes a hash wrong or a check fail: when the worker script is missing, a worker
 * crashes or a job errors, `digest` resolves undefined or rejects, and the core hashes that file
 * in-process through its FileSystem, exactly as without a pool. Threads are not processes, so this
 * is allowed in an untrusted workspace.
 */

/** A request to a worker: hash the file at `path` (native form). */
export interface HashJob {
  id: number;
  path: string;
  algorithm: HashAlgorithm;
}

/** A worker's answer to one job; `progress` messages precede the final one for multi-chunk files. */
export type WorkerReply = { id: number; md5: string; bytes: number } | { id: number; progress: number } | { id: number; error: string } | { id: number; cancelled: true };

export interface HashWorkerPoolOptions {
  /** Worker threads at most; started on demand. Default: see defaultPoolSize. */
  size?: number;
  /** The bundled worker; default dvcHashWorker.js next to the running bundle (dist/). */
  workerScript?: string;
  /** Workers are terminated after this long without a job, so an idle server holds no threads. */
  idleMs?: number;
  /**
   * Paths whose content is not the disk's (the server's unsaved editor buffers). They are left to the
   * core, which reads them through its overlay FileSystem so the buffer still wins.
   */
  skip?: (path: string) => boolean;
}

/** Next to the bundle that imports this (dist/server.js, dist/cli.js): esbuild keeps `__dirname` the bundle's folder. */
export const DEFAULT_WORKER_SCRIPT = path.join(__dirname, 'dvcHashWorker.js');

/**
 * One worker per core, at most 4: md5 is CPU-bound and reading from the page cache scales with
 * cores; beyond a few threads the walk and stats on the main thread become the limit.
 */
export function defaultPoolSize(): number {
  return Math.max(1, Math.min(availableParallelism(), 4));
}

const DEFAULT_IDLE_MS = 2000;
/** After this many worker crashes the pool gives up and everything is hashed in-process. */
const MAX_CRASHES = 3;

interface Slot {
  worker: Worker;
  /** Jobs sent and not yet answered (an aborted job counts until the worker says it stopped). */
  outstanding: number;
  /** Terminated by us: its exit is not a crash. */
  closing: boolean;
}

interface Pending {
  slot: Slot;
  resolve: (r: DigestResult) => void;
  reject: (e: Error) => void;
  onBytes: ((n: number) => void) | undefined;
  /** Already resolved or rejected (e.g. aborted); the worker's late answer only settles accounting. */
  settled: boolean;
  unlisten: () => void;
}

function abortError(): Error {
  const e = new Error('hashing was cancelled');
  e.name = 'AbortError';
  return e;
}

/** Our posix form of a Windows path ("/C:/x") back to the native one, as DiskFileSystem does. */
function toNative(p: string): string {
  return /^\/[A-Za-z]:\//.test(p) ? p.slice(1) : p;
}

export class HashWorkerPool implements FileDigester {
  readonly size: number;
  private readonly script: string;
  private readonly idleMs: number;
  private readonly skip: ((path: string) => boolean) | undefined;
  private slots: Slot[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private crashes = 0;
  private disabled: boolean;
  private idleTimer: NodeJS.Timeout | undefined;
  /** Files the workers hashed; the rest went to the core (skipped, no pool, or a failure). */
  served = 0;

  constructor(options: HashWorkerPoolOptions = {}) {
    this.size = Math.max(1, Math.floor(options.size ?? defaultPoolSize()));
    this.script = options.workerScript ?? DEFAULT_WORKER_SCRIPT;
    this.idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
    this.skip = options.skip;
    // Run from sources (tests through tsx) or a build without the worker: hash in-process.
    this.disabled = !existsSync(this.script);
  }

  /** False once the pool has given up (no worker script, or workers kept crashing). */
  get enabled(): boolean {
    return !this.disabled;
  }

  /** Threads currently alive (for tests and diagnostics). */
  get liveWorkers(): number {
    return this.slots.length;
  }

  digest(filePath: string, algorithm: HashAlgorithm, options: { signal?: AbortSignal; onBytes?: (bytesHashed: number) => void } = {}): Promise<DigestResult | undefined> {
    if (this.disabled || this.skip?.(filePath)) return Promise.resolve(undefined);
    const { signal, onBytes } = options;
    if (signal?.aborted) return Promise.reject(abortError());
    const slot = this.pickSlot();
    if (!slot) return Promise.resolve(undefined);
    const id = this.nextId++;
    return new Promise<DigestResult>((resolve, reject) => {
      const onAbort = () => {
        const p = this.pending.get(id);
        if (!p || p.settled) return;
        p.settled = true;
        p.unlisten();
        // Answer the caller now; the worker drops the job at its next chunk and then reports it.
        slot.worker.postMessage({ cancel: id });
        reject(abortError());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, { slot, resolve, reject, onBytes, settled: false, unlisten: () => signal?.removeEventListener('abort', onAbort) });
      this.clearIdleTimer();
      if (slot.outstanding++ === 0) slot.worker.ref(); // an unanswered job must keep the process alive
      slot.worker.postMessage({ id, path: toNative(filePath), algorithm } satisfies HashJob);
    });
  }

  /** Terminates every worker now (CLI end, server shutdown); a later digest starts new ones. */
  async dispose(): Promise<void> {
    this.clearIdleTimer();
    const slots = this.slots;
    this.slots = [];
    for (const s of slots) {
      s.closing = true;
      this.failJobsOf(s, new Error('hash worker pool disposed'));
    }
    await Promise.all(slots.map((s) => s.worker.terminate().catch(() => undefined)));
  }

  /** The least busy worker; a new one while every live worker has work and the pool has room. */
  private pickSlot(): Slot | undefined {
    let best: Slot | undefined;
    for (const s of this.slots) if (!best || s.outstanding < best.outstanding) best = s;
    if (best && (best.outstanding === 0 || this.slots.length >= this.size)) return best;
    return this.spawn() ?? best;
  }

  private spawn(): Slot | undefined {
    let worker: Worker;
    try {
      worker = new Worker(this.script);
    } catch {
      this.disabled = true;
      return undefined;
    }
    const slot: Slot = { worker, outstanding: 0, closing: false };
    worker.on('message', (m: WorkerReply) => this.onReply(slot, m));
    worker.on('error', (e) => this.onCrash(slot, e));
    worker.on('exit', (code) => this.onCrash(slot, new Error(`hash worker exited with code ${code}`)));
    worker.unref();
    this.slots.push(slot);
    return slot;
  }

  private onReply(slot: Slot, m: WorkerReply): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    if ('progress' in m) {
      if (!p.settled) p.onBytes?.(m.progress);
      return;
    }
    this.pending.delete(m.id);
    this.jobDone(slot);
    if (p.settled) return;
    p.settled = true;
    p.unlisten();
    if ('md5' in m) {
      this.served++;
      p.resolve({ md5: m.md5, bytes: m.bytes });
    }
    else if ('error' in m) p.reject(new Error(m.error));
    else p.reject(abortError());
  }

  private jobDone(slot: Slot): void {
    if (--slot.outstanding === 0) slot.worker.unref();
    if (this.pending.size === 0) this.armIdleTimer();
  }

  /** A worker died (an uncaught error, or killed): its jobs go back to the core, which hashes them in-process. */
  private onCrash(slot: Slot, error: Error): void {
    if (slot.closing) return;
    slot.closing = true;
    this.slots = this.slots.filter((s) => s !== slot);
    if (++this.crashes >= MAX_CRASHES) this.disabled = true;
    this.failJobsOf(slot, error);
    void slot.worker.terminate().catch(() => undefined);
    if (this.pending.size === 0) this.armIdleTimer();
  }

  private failJobsOf(slot: Slot, error: Error): void {
    for (const [id, p] of this.pending) {
      if (p.slot !== slot) continue;
      this.pending.delete(id);
      if (p.settled) continue;
      p.settled = true;
      p.unlisten();
      p.reject(error);
    }
    slot.outstanding = 0;
  }

  private armIdleTimer(): void {
    if (this.idleTimer || !this.slots.length) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      if (this.pending.size === 0) void this.dispose();
    }, this.idleMs);
    // The timer must not keep a finished CLI alive; idle workers are unref'd for the same reason.
    this.idleTimer.unref();
  }

  private clearIdleTimer(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }
}

/**
 * Worker threads that analyse notebook cells for the engine (the core's CellAnalyzerPool). A cold
 * check of a big notebook, or of every notebook in a workspace, spends most of its time in
 * tree-sitter's parse and the walk over its tree, one cell at a time and each independent of the
 * others, so the cells are shared out over the machine's cores.
 *
 * Threads, not processes: nothing is executed that the workspace provides, so the pool is allowed in
 * an untrusted workspace too. Workers start on first use, and stop after a while without work so an
 * idle language server does not keep their memory; while none is busy they do not keep the process
 * alive, so the CLI exits as soon as its check is done.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { CellAnalyzerPool } from '../core/analysis/analyzerPool';
import type { CellAnalysis } from '../core/analysis/cellAnalysis';

export interface AnalysisJob {
  id: number;
  sources: string[];
}

export type AnalysisReply = { id: number; results: CellAnalysis[] } | { id: number; error: string };

export interface CellAnalysisPoolOptions {
  /** The bundled worker; default: `cellAnalysisWorker.js` beside the running bundle. */
  workerScript?: string;
  /** Worker threads; default: one per core the process may use, less the caller's own thread. */
  size?: number;
  /** Workers stop after this long without work (ms). */
  idleMs?: number;
}

/**
 * Cells go out in batches of about this much source: big enough that a message's overhead is small
 * next to parsing it, small enough that the workers finish close together.
 */
const BATCH_CHARS = 32 * 1024;
const DEFAULT_IDLE_MS = 30_000;

interface PendingJob {
  job: AnalysisJob;
  resolve(results: CellAnalysis[]): void;
  reject(error: Error): void;
}

interface PoolWorker {
  worker: Worker;
  current: PendingJob | undefined;
}

export class CellAnalysisWorkerPool implements CellAnalyzerPool {
  private readonly workers: PoolWorker[] = [];
  private readonly queue: PendingJob[] = [];
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | undefined;
  /** Set when a worker could not start or died: from then on the engine analyses in process. */
  private broken: Error | undefined;

  private constructor(
    private readonly workerScript: string,
    readonly threads: number,
    private readonly idleMs: number,
  ) {}

  /**
   * A pool for this machine, or undefined where it cannot help: a single core (a worker would only
   * take turns with this thread) or no worker bundle next to this one (a development build). The
   * caller analyses a share itself, so a pool of N-1 workers keeps N cores busy.
   */
  static forThisMachine(options: CellAnalysisPoolOptions = {}): CellAnalysisWorkerPool | undefined {
    const size = options.size ?? availableParallelism() - 1;
    const workerScript = options.workerScript ?? path.join(__dirname, 'cellAnalysisWorker.js');
    if (size < 1 || !existsSync(workerScript)) return undefined;
    return new CellAnalysisWorkerPool(workerScript, size, options.idleMs ?? DEFAULT_IDLE_MS);
  }

  analyzeMany(sources: readonly string[]): Promise<CellAnalysis[]> {
    if (this.broken) return Promise.reject(this.broken);
    if (!sources.length) return Promise.resolve([]);
    const batches: string[][] = [];
    let batch: string[] = [];
    let chars = 0;
    for (const source of sources) {
      batch.push(source);
      chars += source.length;
      if (chars >= BATCH_CHARS) {
        batches.push(batch);
        batch = [];
        chars = 0;
      }
    }
    if (batch.length) batches.push(batch);
    return Promise.all(batches.map((b) => this.submit(b))).then((parts) => parts.flat());
  }

  /**
   * Starts the workers ahead of need (each loads the parser, ~80 ms), so the first big notebook a
   * user opens does not wait for them. They stop again after the idle time if no work comes.
   */
  warmUp(): void {
    while (!this.broken && this.workers.length < this.threads) {
      const entry = this.startWorker();
      entry?.worker.unref();
    }
    this.armIdleTimer();
  }

  /** Stops every worker; pending work is rejected (and so falls back to in-process analysis). */
  async dispose(): Promise<void> {
    this.clearIdleTimer();
    this.failPending(new Error('the cell analysis pool was disposed'));
    await Promise.all(this.workers.splice(0).map((w) => w.worker.terminate()));
  }

  private submit(sources: string[]): Promise<CellAnalysis[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ job: { id: this.nextId++, sources }, resolve, reject });
      this.clearIdleTimer();
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.queue.length && !this.broken) {
      const idle = this.workers.find((w) => !w.current) ?? (this.workers.length < this.threads ? this.startWorker() : undefined);
      if (!idle) return;
      const pending = this.queue.shift()!;
      idle.current = pending;
      // A busy worker keeps the process alive: the caller is awaiting its answer.
      idle.worker.ref();
      idle.worker.postMessage(pending.job);
    }
  }

  private startWorker(): PoolWorker | undefined {
    let worker: Worker;
    try {
      worker = new Worker(this.workerScript);
    } catch (e) {
      this.markBroken(e as Error);
      return undefined;
    }
    const entry: PoolWorker = { worker, current: undefined };
    worker.on('message', (reply: AnalysisReply) => {
      const pending = entry.current;
      if (!pending || pending.job.id !== reply.id) return;
      entry.current = undefined;
      worker.unref();
      if ('error' in reply) pending.reject(new Error(reply.error));
      else pending.resolve(reply.results);
      this.dispatch();
      this.armIdleTimer();
    });
    const fail = (error: Error) => {
      const index = this.workers.indexOf(entry);
      if (index >= 0) this.workers.splice(index, 1);
      entry.current?.reject(error);
      entry.current = undefined;
      this.markBroken(error);
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (this.workers.includes(entry)) fail(new Error(`a cell analysis worker exited (code ${code})`));
    });
    this.workers.push(entry);
    return entry;
  }

  private markBroken(error: Error): void {
    this.broken = error;
    this.failPending(error);
  }

  private failPending(error: Error): void {
    for (const pending of this.queue.splice(0)) pending.reject(error);
  }

  private armIdleTimer(): void {
    if (this.queue.length || this.workers.some((w) => w.current)) return;
    this.clearIdleTimer();
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      if (this.queue.length || this.workers.some((w) => w.current)) return;
      for (const w of this.workers.splice(0)) void w.worker.terminate();
    }, this.idleMs);
    this.idleTimer.unref();
  }

  private clearIdleTimer(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }
}

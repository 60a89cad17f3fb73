/**
 * Worker threads that analyse notebook cells for the engine (the core's CellAnalyzerPool). A cold
 * check of a big notebook, or of every notebook in a workspace, spends most of its time parsing cells
 * and walking their trees, one cell at a time and each independent of the others, so the cells are
 * shared out over the machine's cores.
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
import type { CellAnalysisStore } from './cellAnalysisStore';

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
  /**
   * Analyses kept between runs: answers found there skip the parse, new ones are added. Made for
   * this pool's worker bundle (see CellAnalysisStore); the in-memory engine cache comes first.
   */
  store?: (workerScript: string) => CellAnalysisStore | undefined;
}

/**
 * Cells go out in batches of at most this much source: big enough that a message's overhead is small
 * next to parsing it, small enough that the threads finish close together.
 */
const MAX_BATCH_CHARS = 32 * 1024;
const MIN_BATCH_CHARS = 4 * 1024;
/**
 * Jobs posted to a worker ahead of its answers. The caller's thread hands out the next job, and it
 * cannot while it is analysing a batch itself; with one more queued the worker never waits for it.
 */
const JOBS_AHEAD = 2;
/** Queued jobs per worker the caller's thread does not take (see helpWith). */
const RESERVED_PER_WORKER = 1;
const DEFAULT_IDLE_MS = 30_000;

interface PendingJob {
  job: AnalysisJob;
  resolve(results: CellAnalysis[]): void;
  reject(error: Error): void;
}

interface PoolWorker {
  worker: Worker;
  /** Posted and not answered yet, oldest first (a worker answers in order). */
  posted: PendingJob[];
}

export class CellAnalysisWorkerPool implements CellAnalyzerPool {
  private readonly workers: PoolWorker[] = [];
  /** Jobs no thread has taken: workers take from the front, the caller's thread from the back. */
  private readonly queue: PendingJob[] = [];
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | undefined;
  /** Set when a worker could not start or died: from then on the engine analyses in process. */
  private broken: Error | undefined;

  private constructor(
    private readonly workerScript: string,
    readonly threads: number,
    private readonly idleMs: number,
    readonly store: CellAnalysisStore | undefined,
  ) {}

  /**
   * A pool for this machine, or undefined where it cannot help: a single core (a worker would only
   * take turns with this thread) or no worker bundle next to this one (a development build). The
   * caller analyses too, so a pool of N-1 workers keeps N cores busy.
   */
  static forThisMachine(options: CellAnalysisPoolOptions = {}): CellAnalysisWorkerPool | undefined {
    const size = options.size ?? availableParallelism() - 1;
    const workerScript = options.workerScript ?? path.join(__dirname, 'cellAnalysisWorker.js');
    if (size < 1 || !existsSync(workerScript)) return undefined;
    return new CellAnalysisWorkerPool(workerScript, size, options.idleMs ?? DEFAULT_IDLE_MS, options.store?.(workerScript));
  }

  async analyzeMany(sources: readonly string[], analyzeHere?: (source: string) => CellAnalysis): Promise<CellAnalysis[]> {
    const results: Array<CellAnalysis | undefined> = sources.map((s) => this.store?.get(s));
    const missing = sources.filter((_, i) => !results[i]);
    if (missing.length) {
      const fresh = await this.analyzeOnThreads(missing, analyzeHere);
      let next = 0;
      results.forEach((known, i) => {
        if (known) return;
        const analysis = fresh[next++]!;
        results[i] = analysis;
        this.store?.put(sources[i]!, analysis);
      });
    }
    return results as CellAnalysis[];
  }

  private async analyzeOnThreads(sources: readonly string[], analyzeHere?: (source: string) => CellAnalysis): Promise<CellAnalysis[]> {
    if (this.broken) throw this.broken;
    let total = 0;
    for (const source of sources) total += source.length;
    // About two batches per thread (the caller's included), so the last ones to finish are short.
    const batchChars = Math.min(MAX_BATCH_CHARS, Math.max(MIN_BATCH_CHARS, total / ((this.threads + 1) * 2)));
    const answers: Array<Promise<CellAnalysis[]>> = [];
    let batch: string[] = [];
    let chars = 0;
    for (const source of sources) {
      batch.push(source);
      chars += source.length;
      if (chars >= batchChars) {
        answers.push(this.enqueue(batch));
        batch = [];
        chars = 0;
      }
    }
    if (batch.length) answers.push(this.enqueue(batch));
    this.clearIdleTimer();
    this.dispatch();
    if (analyzeHere) await this.helpWith(analyzeHere);
    return (await Promise.all(answers)).flat();
  }

  /** Stops every worker; pending work is rejected (and so falls back to in-process analysis). */
  async dispose(): Promise<void> {
    this.store?.save();
    this.clearIdleTimer();
    this.failPending(new Error('the cell analysis pool was disposed'));
    await Promise.all(this.workers.splice(0).map((w) => w.worker.terminate()));
  }

  private enqueue(sources: string[]): Promise<CellAnalysis[]> {
    return new Promise((resolve, reject) => this.queue.push({ job: { id: this.nextId++, sources }, resolve, reject }));
  }

  /**
   * The caller's thread analyses jobs from the back of the queue, but leaves the workers a job each
   * beyond the ones they hold: the caller has other work (reading the next notebook, running rules
   * on the last) that it can do while they finish, and a worker that runs dry stays idle until the
   * caller's thread hands it more.
   */
  private async helpWith(analyzeHere: (source: string) => CellAnalysis): Promise<void> {
    for (let pending = this.takeForCaller(); pending; pending = this.takeForCaller()) {
      try {
        pending.resolve(pending.job.sources.map(analyzeHere));
      } catch (e) {
        pending.reject(e as Error);
      }
      // Let the workers' answers in, so each is handed its next job before this thread takes another.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private takeForCaller(): PendingJob | undefined {
    return this.queue.length > this.workers.length * RESERVED_PER_WORKER ? this.queue.pop() : undefined;
  }

  private dispatch(): void {
    while (this.queue.length && !this.broken) {
      const target =
        this.workers.find((w) => !w.posted.length) ??
        (this.workers.length < this.threads ? this.startWorker() : undefined) ??
        this.workers.find((w) => w.posted.length < JOBS_AHEAD);
      if (!target) return;
      const pending = this.queue.shift()!;
      target.posted.push(pending);
      // A busy worker keeps the process alive: the caller is awaiting its answer.
      target.worker.ref();
      target.worker.postMessage(pending.job);
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
    const entry: PoolWorker = { worker, posted: [] };
    worker.on('message', (reply: AnalysisReply) => {
      const index = entry.posted.findIndex((p) => p.job.id === reply.id);
      if (index < 0) return;
      const [pending] = entry.posted.splice(index, 1);
      if (!entry.posted.length) worker.unref();
      if ('error' in reply) pending!.reject(new Error(reply.error));
      else pending!.resolve(reply.results);
      this.dispatch();
      this.armIdleTimer();
    });
    const fail = (error: Error) => {
      const index = this.workers.indexOf(entry);
      if (index >= 0) this.workers.splice(index, 1);
      for (const pending of entry.posted.splice(0)) pending.reject(error);
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

  private get busy(): boolean {
    return this.queue.length > 0 || this.workers.some((w) => w.posted.length > 0);
  }

  private armIdleTimer(): void {
    if (this.busy) return;
    this.clearIdleTimer();
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      if (this.busy) return;
      for (const w of this.workers.splice(0)) void w.worker.terminate();
    }, this.idleMs);
    this.idleTimer.unref();
  }

  private clearIdleTimer(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }
}

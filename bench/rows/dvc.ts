import { spawnSync } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { defaultPoolSize, HashWorkerPool } from '../../src/adapters/hashWorkerPool';
import { createDvcContext, type DvcContext } from '../../src/core/dvc/context';
import { HashCache } from '../../src/core/dvc/hashCache';
import { DiskFileSystem } from '../../src/core/fs/diskFileSystem';
import { dvcProject, repoRoot, type GeneratedDvcProject } from '../lib/generate';
import { median, note, sample, type BenchRow } from '../lib/measure';

const COLD_RUNS = 3;
const WARM_RUNS = 5;
const MB = 1024 * 1024;

function assertUpToDate(ctx: DvcContext): void {
  const notUpToDate = ctx.status.stages.filter((s) => s.status !== 'up-to-date');
  if (notUpToDate.length) throw new Error(`generated pipeline is not up to date: ${notUpToDate.map((s) => `${s.name}=${s.status}`).join(', ')}`);
}

/**
 * The worker the CLI and the server load: this bench is bundled into bench/.generated/, so the
 * pool's default (next to the running bundle) would miss it and silently measure in-process hashing.
 */
const WORKER_SCRIPT = path.join(repoRoot(), 'dist', 'dvcHashWorker.js');

/**
 * One status as `ml-hygiene status` computes it: a fresh worker pool each time (a CLI run starts its
 * workers cold, so their start-up is measured too), stopped at the end as the CLI does.
 */
async function status(project: GeneratedDvcProject, hashCache?: HashCache): Promise<DvcContext> {
  const pool = new HashWorkerPool({ workerScript: WORKER_SCRIPT });
  if (!pool.enabled) throw new Error(`${WORKER_SCRIPT} is missing: run \`npm run build\` first`);
  try {
    const ctx = await createDvcContext(new DiskFileSystem(), project.dvcYamlPath, { workspaceRoot: project.dir, digester: pool, ...(hashCache ? { hashCache } : {}) });
    // A pool that fell back to in-process hashing would still give right answers, just not the product's speed.
    if (pool.served !== ctx.hasher.stats.filesRead) throw new Error(`the worker pool hashed ${pool.served} of ${ctx.hasher.stats.filesRead} files`);
    return ctx;
  } finally {
    await pool.dispose();
  }
}

function md5sumAll(project: GeneratedDvcProject): number {
  const start = performance.now();
  // One md5sum process over every file (xargs batches the argument list), output discarded.
  const r = spawnSync('sh', ['-c', 'find data -type f -print0 | xargs -0 md5sum > /dev/null'], { cwd: project.dir, stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`md5sum failed: ${String(r.stderr)}`);
  return performance.now() - start;
}

let sharedCache: HashCache | undefined;

/**
 * dvc-cold: status of ten stages whose deps are 1 GiB in 10k files, with no hash cache, vs coreutils
 * md5sum over the same files. Both run with the files in the OS page cache (the first, unmeasured
 * pass loads them), so the comparison is hashing and I/O-call cost, not disk speed.
 */
export async function dvcCold(log: (m: string) => void): Promise<BenchRow> {
  const project = await dvcProject(log);
  md5sumAll(project); // warms the page cache for both sides
  const ours: number[] = [];
  const theirs: number[] = [];
  let last: DvcContext | undefined;
  for (let i = 0; i < COLD_RUNS; i++) {
    // Interleaved, so background load on the shared machine hits both sides alike.
    const start = performance.now();
    last = await status(project);
    ours.push(performance.now() - start);
    theirs.push(md5sumAll(project));
  }
  assertUpToDate(last!);
  const stats = last!.hasher.stats;
  if (stats.bytesRead < project.totalBytes) throw new Error(`cold status read ${stats.bytesRead} bytes, expected ≥ ${project.totalBytes}`);
  note(`dvc-cold: ours ${ours.map((t) => t.toFixed(0)).join('/')} ms, md5sum ${theirs.map((t) => t.toFixed(0)).join('/')} ms; ${stats.filesRead} files, ${(stats.bytesRead / MB).toFixed(0)} MiB read (core createDvcContext with the CLI's worker pool of ${defaultPoolSize()}; status is not served through the Engine yet)`);
  sharedCache = new HashCache();
  await status(project, sharedCache); // fills the cache dvc-warm starts from
  const throughput = (ms: number) => project.totalBytes / MB / (ms / 1000);
  return { name: 'dvc-cold', value: throughput(median(ours)), unit: 'MB/s', baseline: throughput(median(theirs)) };
}

async function statWalk(dir: string): Promise<number> {
  let files = 0;
  const walk = async (d: string): Promise<void> => {
    for (const e of await fsp.readdir(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) await walk(full);
      else {
        await fsp.stat(full);
        files++;
      }
    }
  };
  await walk(dir);
  return files;
}

/** dvc-warm: the same status again with the hash cache and nothing changed, vs a bare stat walk in node. */
export async function dvcWarm(log: (m: string) => void): Promise<BenchRow> {
  const project = await dvcProject(log);
  if (!sharedCache) {
    sharedCache = new HashCache();
    await status(project, sharedCache);
  }
  const cache = sharedCache;
  let last: DvcContext | undefined;
  const ours = await sample(WARM_RUNS, async () => {
    last = await status(project, cache);
  });
  assertUpToDate(last!);
  if (last!.hasher.stats.bytesRead > 64 * 1024) throw new Error(`warm status read ${last!.hasher.stats.bytesRead} bytes: the cache did not hold`);
  const walks = await sample(WARM_RUNS, () => statWalk(path.join(project.dir, 'data')));
  note(`dvc-warm: ${last!.hasher.stats.cacheHits} cache hits, ${last!.hasher.stats.bytesRead} bytes read; ours ${ours.map((t) => t.toFixed(0)).join('/')} ms, stat walk ${walks.map((t) => t.toFixed(0)).join('/')} ms`);
  return { name: 'dvc-warm', value: median(ours), unit: 'ms', baseline: median(walks) };
}

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { generatedDir, monorepo, repoRoot } from '../lib/generate';
import { median, note, type BenchRow } from '../lib/measure';

const RUNS = 3;

/**
 * A preload that reports the process's peak RSS when it exits: VmHWM from /proc (KB). Not getrusage's
 * maxrss, which Linux carries over from the forking parent, so a child of a big bench process would
 * report the parent's size.
 */
function rssPreload(): string {
  const file = generatedDir('rss-preload.cjs');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(
    file,
    "process.on('exit', () => { const fs = require('fs'); const m = /VmHWM:\\s+(\\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8')); fs.writeFileSync(process.env.MLH_BENCH_RSS_OUT, m ? m[1] : 'NaN'); });\n",
  );
  return file;
}

interface ChildRun {
  ms: number;
  peakRssMb: number;
  status: number | null;
  stdout: string;
}

function runNode(args: string[], cwd: string): ChildRun {
  const rssOut = generatedDir(`rss-${process.pid}.txt`);
  rmSync(rssOut, { force: true });
  const start = performance.now();
  // A fresh cache folder per run: the CLI keeps DVC hashes and cell analyses there between runs, and
  // this row measures a first check.
  const cacheHome = mkdtempSync(path.join(os.tmpdir(), 'mlh-bench-cache-'));
  const r = spawnSync(process.execPath, ['--require', rssPreload(), ...args], { cwd, env: { ...process.env, MLH_BENCH_RSS_OUT: rssOut, XDG_CACHE_HOME: cacheHome }, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  rmSync(cacheHome, { recursive: true, force: true });
  const ms = performance.now() - start;
  const peakRssMb = existsSync(rssOut) ? Number(readFileSync(rssOut, 'utf8')) / 1024 : Number.NaN;
  return { ms, peakRssMb, status: r.status, stdout: r.stdout };
}

/** The I/O floor of a first check: node walks the tree and reads every file once, nothing else. */
const WALK_AND_READ = `
const fs = require('fs'), path = require('path');
let bytes = 0;
(function walk(d) {
  for (const e of fs.readdirSync(d, { withFileTypes: true })) {
    const p = path.join(d, e.name);
    if (e.isDirectory()) walk(p); else bytes += fs.readFileSync(p).length;
  }
})(process.argv[1]);
`;

/** How much Python the monorepo's notebooks hold: what the check parses. */
function notebookCode(dir: string): { notebooks: number; cells: number; chars: number } {
  const totals = { notebooks: 0, cells: 0, chars: 0 };
  (function walk(d: string): void {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ipynb')) {
        totals.notebooks++;
        const nb = JSON.parse(readFileSync(p, 'utf8')) as { cells: Array<{ cell_type: string; source: string[] }> };
        for (const c of nb.cells.filter((c) => c.cell_type === 'code')) {
          totals.cells++;
          totals.chars += c.source.join('').length;
        }
      }
    }
  })(dir);
  return totals;
}

export interface WorkspaceScanRows {
  time: BenchRow;
  rss: BenchRow;
}

/**
 * workspace-scan: the first full check of a generated monorepo (40 projects, 500 notebooks,
 * 60 dvc.yaml) by the shipped CLI, `node dist/cli.js check --format json`, in a fresh process.
 * Baselines: a node process that only walks the tree and reads every file (time), and the CLI's
 * own peak RSS for `--help` (memory floor of the loaded bundle).
 */
export async function workspaceScan(log: (m: string) => void): Promise<WorkspaceScanRows> {
  const cli = path.join(repoRoot(), 'dist', 'cli.js');
  if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run `npm run build` first');
  const repo = monorepo(log);
  const checks: ChildRun[] = [];
  const walks: ChildRun[] = [];
  for (let i = 0; i < RUNS; i++) {
    checks.push(runNode([cli, 'check', '--format', 'json', '--fail-on', 'never', '.'], repo.dir));
    walks.push(runNode(['-e', WALK_AND_READ, repo.dir], repo.dir));
  }
  const last = checks[checks.length - 1]!;
  if (last.status !== 0) throw new Error(`ml-hygiene check exited ${last.status} on the monorepo`);
  const findings = (JSON.parse(last.stdout) as { diagnostics: { file: string; code: string }[] }).diagnostics;
  const byKind = { notebooks: findings.filter((f) => f.file.endsWith('.ipynb')).length, dvc: findings.filter((f) => /dvc\.(yaml|lock)$/.test(f.file)).length, manifests: findings.filter((f) => /pyproject\.toml$|requirements.*\.txt$/.test(f.file)).length };
  note(`workspace-scan: ${findings.length} findings (manifests ${byKind.manifests}, notebooks ${byKind.notebooks}, dvc ${byKind.dvc}); runs ${checks.map((c) => c.ms.toFixed(0)).join('/')} ms, peak RSS ${checks.map((c) => c.peakRssMb.toFixed(0)).join('/')} MB`);
  const code = notebookCode(repo.dir);
  note(`workspace-scan: ${code.notebooks} notebooks, ${code.cells} code cells, ${(code.chars / 1e6).toFixed(1)} MB of code (${(code.chars / code.notebooks / 1024).toFixed(1)} KB a notebook)`);
  if (!byKind.notebooks) note('workspace-scan: the CLI reports no notebook findings yet, so notebooks are only walked, not checked');
  if (!byKind.dvc) note('workspace-scan: the CLI reports no dvc.yaml findings yet, so pipelines are only walked, not checked');
  const idle = runNode([cli, '--help'], repo.dir);
  return {
    time: { name: 'workspace-scan', value: median(checks.map((c) => c.ms)), unit: 'ms', baseline: median(walks.map((w) => w.ms)) },
    rss: { name: 'workspace-scan-rss', value: Math.max(...checks.map((c) => c.peakRssMb)), unit: 'MB', baseline: idle.peakRssMb },
  };
}

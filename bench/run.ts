/**
 * `npm run bench`: every benchmark of issue 7, one `BENCH` line each on stdout (plus `SIZE` lines for
 * the bundles); notes and profiles on stderr. `node scripts/bench.mjs notebook-1000 dvc-warm` runs
 * only the named rows.
 */
import { activation } from './rows/activation';
import { dvcCold, dvcWarm } from './rows/dvc';
import { keystroke } from './rows/keystroke';
import { notebook1000, notebookRuff } from './rows/notebook';
import { pyprojectRow } from './rows/pyproject';
import { workspaceScan } from './rows/workspace';
import path from 'node:path';
import { repoRoot } from './lib/generate';
import { formatBenchLine, note, type BenchRow } from './lib/measure';

type Row = { name: string; run: () => Promise<BenchRow[]> };

const progress = (m: string): void => note(m);

/**
 * `--cpu-prof`: the keystroke rows start the server with Node's --cpu-prof, writing a .cpuprofile
 * per row into bench/.generated/profiles/ (open it in Chrome DevTools or VS Code), to see where a
 * keystroke's time goes. Profiling slows the server: the row's figures are not comparable then.
 */
const profileDir = path.join(repoRoot(), 'bench', '.generated', 'profiles');
const serverNodeArgs = process.argv.includes('--cpu-prof') ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : undefined;
/**
 * `--server=OTHER/dist/server.js`: the keystroke rows also measure another build's server (a copy of
 * dist/ from before a change), alternating with this one, so before/after come from one machine state.
 */
const otherServer = process.argv.find((a) => a.startsWith('--server='))?.slice('--server='.length);

async function keystrokeRows(busyCore: boolean): Promise<BenchRow[]> {
  const options = { busyCore, ...(serverNodeArgs ? { serverNodeArgs } : {}) };
  if (!otherServer) return [await keystroke(options)];
  const rows: BenchRow[] = [];
  for (let round = 1; round <= 2; round++) {
    const other = await keystroke({ ...options, server: otherServer });
    rows.push({ ...other, name: `${other.name}-other-${round}` });
    rows.push({ ...(await keystroke(options)), name: `${other.name}-this-${round}` });
  }
  return rows;
}

const rows: Row[] = [
  { name: 'notebook-1000', run: async () => [await notebook1000()] },
  { name: 'notebook-ruff', run: async () => [await notebookRuff()] },
  { name: 'keystroke', run: () => keystrokeRows(false) },
  { name: 'keystroke-busy', run: () => keystrokeRows(true) },
  { name: 'pyproject-300', run: async () => [await pyprojectRow()] },
  { name: 'dvc-cold', run: async () => [await dvcCold(progress)] },
  { name: 'dvc-warm', run: async () => [await dvcWarm(progress)] },
  {
    name: 'workspace-scan',
    run: async () => {
      const r = await workspaceScan(progress);
      return [r.time, r.rss];
    },
  },
  {
    name: 'activation',
    run: async () => {
      const r = await activation();
      for (const s of r.sizes) process.stdout.write(`SIZE ${s.file} bytes=${s.bytes} MB=${(s.bytes / 1024 / 1024).toFixed(2)}\n`);
      return [r.row];
    },
  },
];

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const unknown = wanted.filter((w) => !rows.some((r) => r.name === w));
  if (unknown.length) {
    process.stderr.write(`unknown benchmark(s): ${unknown.join(', ')}; known: ${rows.map((r) => r.name).join(', ')}\n`);
    process.exit(2);
  }
  let failed = 0;
  for (const row of rows) {
    if (wanted.length && !wanted.includes(row.name)) continue;
    process.stderr.write(`# ${row.name}\n`);
    try {
      for (const result of await row.run()) process.stdout.write(formatBenchLine(result) + '\n');
    } catch (e) {
      failed++;
      process.stderr.write(`  ${row.name} failed: ${(e as Error)?.stack ?? e}\n`);
    }
  }
  process.exit(failed ? 1 : 0);
}

void main();

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
import { formatBenchLine, note, type BenchRow } from './lib/measure';

type Row = { name: string; run: () => Promise<BenchRow[]> };

const progress = (m: string): void => note(m);

const rows: Row[] = [
  { name: 'notebook-1000', run: async () => [await notebook1000()] },
  { name: 'notebook-ruff', run: async () => [await notebookRuff()] },
  { name: 'keystroke', run: async () => [await keystroke()] },
  { name: 'keystroke-busy', run: async () => [await keystroke({ busyCore: true })] },
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

/**
 * Micro-benchmark of the cell analysis alone, on the code cells of notebook-1000's generated notebook:
 * magic masking, tree-sitter parsing, and the full `analyzeCell` (mask + parse + scope walk), each the
 * best of several interleaved rounds so one GC pause or a busy neighbour does not decide the figure. The walk's cost is full minus parse.
 *
 *   npx tsx bench/analysis-walk.ts [--rounds N] [--fingerprint]
 *
 * `--fingerprint` also prints a SHA-256 over every cell's result, so a speed change can be checked to
 * leave each analysis byte-for-byte identical (compare the hash before and after the change).
 */
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { notebookText } from './lib/generate';
import { analyzeCell } from '../src/core/analysis/cellAnalysis';
import { maskMagics } from '../src/core/analysis/magics';
import { initPythonParser, parsePython } from '../src/core/analysis/parser';

/** Best time of each workload over the rounds, the workloads interleaved so drift in machine load hits all alike. */
function bestOfInterleaved(rounds: number, workloads: Array<() => void>): number[] {
  const best = workloads.map(() => Number.POSITIVE_INFINITY);
  for (let round = 0; round < rounds; round++) {
    workloads.forEach((work, index) => {
      const started = performance.now();
      work();
      best[index] = Math.min(best[index]!, performance.now() - started);
    });
  }
  return best;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const roundsAt = args.indexOf('--rounds');
  const rounds = roundsAt >= 0 ? Number(args[roundsAt + 1]) : 15;
  await initPythonParser();
  // The same cells as bigNotebook() (seed 1000, 1,000 cells of 20 lines), without writing the .ipynb.
  const sources = notebookText(1000, 1000, 20).codeSources;
  const lines = sources.reduce((total, source) => total + source.split('\n').length, 0);

  const [maskMs, parseMs, fullMs] = bestOfInterleaved(rounds, [
    () => {
      for (const source of sources) maskMagics(source);
    },
    () => {
      for (const source of sources) parsePython(maskMagics(source).masked).delete();
    },
    () => {
      for (const source of sources) analyzeCell(source);
    },
  ]) as [number, number, number];
  const walkMs = fullMs - parseMs;
  const out = (label: string, ms: number): void => {
    process.stdout.write(`${label.padEnd(26)} ${ms.toFixed(1).padStart(7)} ms  ${((ms * 1000) / lines).toFixed(2).padStart(6)} µs/line\n`);
  };
  process.stdout.write(`${sources.length} cells, ${lines} lines, best of ${rounds}\n`);
  out('mask magics', maskMs);
  out('mask + parse (baseline)', parseMs);
  out('analyzeCell (full)', fullMs);
  out('walk (full - parse)', walkMs);

  if (args.includes('--fingerprint')) {
    const hash = createHash('sha256');
    for (const source of sources) hash.update(JSON.stringify(analyzeCell(source))).update('\n');
    process.stdout.write(`fingerprint ${hash.digest('hex')}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});

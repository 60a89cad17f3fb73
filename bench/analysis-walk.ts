/**
 * Micro-benchmark of the cell analysis alone, on the code cells of notebook-1000's generated notebook
 * (1,000 cells, 20,000 lines): magic masking, parsing (python/parser.ts), and the full `analyzeCell`
 * (mask + parse + scope walk), each the best of several interleaved rounds so one GC pause or a busy
 * neighbour does not decide the figure. The walk's cost is full minus parse.
 *
 *   npx tsx bench/analysis-walk.ts [--rounds N] [--fingerprint] [--corpus DIR]
 *
 * `--fingerprint` prints a SHA-256 over every generated cell's result; `--corpus DIR` one over every code
 * cell of the .ipynb files in DIR, each also cut at 30/50/77% of its length so broken syntax is covered
 * too. A speed change must leave both hashes unchanged.
 *
 * Figures on the 2-core development machine (best of 15, ms; µs per line in brackets), tree-sitter rows
 * before the switch to the hand-written front end (src/core/python/parser.ts):
 *
 * | | mask | mask + parse | analyzeCell | walk |
 * |---|---|---|---|---|
 * | tree-sitter, before (9e66b2a) | 31.8 (1.59) | 283.5 (14.2) | 553.5 (27.7) | 270.0 (13.5) |
 * | tree-sitter, after | 12.6 (0.63) | 257 (12.9) | 430 (21.5) | 172 (8.6) |
 * | python/parser.ts (best of 9, machine shared by other builds) | 1.9 (0.10) | 110 (5.5) | 265 (13.3) | 155 (7.7) |
 *
 * tree-sitter's walk was bounded by web-tree-sitter's JavaScript side (each `namedChildren`,
 * `childForFieldName` or `type` crossed into wasm and built a `Node`); the new tree is plain objects, so
 * the walk is the scoping rules themselves (a profile of the walk alone, warm: ~50 ms, led by flow-set
 * copies at branches and callee texts).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { notebookText } from './lib/generate';
import { codeCells } from '../src/core/notebook/model';
import { parseIpynb } from '../src/core/notebook/ipynb';
import { analyzeCell } from '../src/core/analysis/cellAnalysis';
import { maskMagics } from '../src/core/analysis/magics';
import { parseModule } from '../src/core/python/parser';

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
  // The same cells as bigNotebook() (seed 1000, 1,000 cells of 20 lines), without writing the .ipynb.
  const sources = notebookText(1000, 1000, 20).codeSources;
  const lines = sources.reduce((total, source) => total + source.split('\n').length, 0);

  const [maskMs, parseMs, fullMs] = bestOfInterleaved(rounds, [
    () => {
      for (const source of sources) maskMagics(source);
    },
    () => {
      for (const source of sources) parseModule(maskMagics(source).masked);
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

  if (args.includes('--fingerprint')) process.stdout.write(`fingerprint ${fingerprint(sources)}\n`);
  const corpusAt = args.indexOf('--corpus');
  if (corpusAt >= 0) {
    const cells = corpusCells(args[corpusAt + 1] ?? '');
    const withPrefixes = cells.flatMap((cell) => [cell, ...[0.3, 0.5, 0.77].map((share) => cell.slice(0, Math.floor(cell.length * share)))]);
    process.stdout.write(`corpus fingerprint ${fingerprint(withPrefixes)} (${withPrefixes.length} cells)\n`);
  }
}

function fingerprint(sources: string[]): string {
  const hash = createHash('sha256');
  for (const source of sources) hash.update(JSON.stringify(analyzeCell(source))).update('\n');
  return hash.digest('hex');
}

function corpusCells(dir: string): string[] {
  const cells: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (!name.endsWith('.ipynb')) continue;
    const file = path.join(dir, name);
    const parsed = parseIpynb(file, readFileSync(file, 'utf8'));
    if (parsed.ok) for (const ref of codeCells(parsed.notebook)) cells.push(ref.cell.source);
  }
  return cells;
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});

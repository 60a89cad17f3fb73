import { performance } from 'node:perf_hooks';

export type BenchUnit = 'ms' | 'MB/s' | 'MB';

export interface BenchRow {
  name: string;
  value: number;
  unit: BenchUnit;
  baseline: number;
}

/** The one line per benchmark that issue 7 specifies; nothing else goes to stdout. */
export function formatBenchLine(row: BenchRow): string {
  const ratio = row.baseline > 0 ? row.value / row.baseline : Number.NaN;
  return `BENCH ${row.name} value=${round(row.value)} unit=${row.unit} baseline=${round(row.baseline)} ratio=${round(ratio)}`;
}

export function round(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const digits = Math.abs(x) >= 100 ? 1 : Math.abs(x) >= 1 ? 2 : 3;
  return x.toFixed(digits);
}

/** Notes, profiles and progress go to stderr so stdout stays machine-readable. */
export function note(message: string): void {
  process.stderr.write(`  ${message}\n`);
}

export function median(values: number[]): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Nearest-rank percentile, p in (0, 100]. */
export function percentile(values: number[], p: number): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

export async function timeAsync(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

export function timeSync(fn: () => unknown): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

/** Runs `fn` `warmup` times unmeasured, then `runs` times, and returns every measured duration. */
export async function sample(runs: number, fn: () => Promise<unknown> | unknown, warmup = 1): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    out.push(performance.now() - start);
  }
  return out;
}

export function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

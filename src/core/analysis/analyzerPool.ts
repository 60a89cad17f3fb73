import type { CellAnalysis } from './cellAnalysis';

/**
 * Analyses many cells at once, on more threads than the caller's. Parsing dominates a cold check
 * (tree-sitter's wasm parse and the walk over its tree are CPU-bound and per cell independent), so a
 * machine with more than one core can share it out. The core never starts threads itself: it stays
 * pure and runs the same in tests and in memory; the CLI and the language server pass a pool of
 * worker threads in (src/adapters/cellAnalysisPool.ts).
 */
export interface CellAnalyzerPool {
  /** How many threads analyse besides the caller's. */
  readonly threads: number;
  /**
   * Results in the order of `sources`. With `analyzeHere`, the calling thread takes work the pool's
   * threads have not started yet instead of only waiting. A rejected promise means "analyse them
   * yourself".
   */
  analyzeMany(sources: readonly string[], analyzeHere?: (source: string) => CellAnalysis): Promise<CellAnalysis[]>;
}

/**
 * Below this much uncached source a round trip to a worker costs more than it saves: a keystroke
 * re-analyses one cell in well under a millisecond, in process.
 */
export const OFF_THREAD_MIN_CHARS = 8 * 1024;

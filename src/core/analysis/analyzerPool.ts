import type { CellAnalysis } from './cellAnalysis';

/**
 * Analyses many cells at once, on more threads than the caller's. Parsing dominates a cold check
 * (the parse and the walk over its tree are CPU-bound and per cell independent), so a machine with
 * more than one core can share it out. The core never starts threads itself: it stays
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
 * Less than this goes no further than the calling thread: an edited cell (a keystroke re-analyses
 * the one cell whose text changed) is analysed in well under a millisecond in process, and a round
 * trip to a worker would only add to it. A notebook being opened, or a workspace of small notebooks
 * checked one after another, still goes out.
 */
export const OFF_THREAD_MIN_CELLS = 2;
export const OFF_THREAD_MIN_CHARS = 2 * 1024;

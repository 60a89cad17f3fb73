/**
 * Fuzz run size. `npm test` runs the short default; `npm run fuzz` (scripts/fuzz.mjs) passes a longer
 * run through the environment. Every run is seeded and prints its seed, so a failure replays.
 */
export interface FuzzConfig {
  seed: number;
  runs: number;
  /** Wall-clock budget for the whole property; fast-check stops early (and says so) when reached. */
  seconds: number;
  /** A single input must be fully analysed within this (generous: the machine may be shared). */
  perInputMs: number;
}

function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  const n = raw === undefined || raw === '' ? Number.NaN : Number(raw);
  return Number.isFinite(n) ? n : fallback;
}

export function fuzzConfig(defaults: { runs: number; seconds: number }): FuzzConfig {
  return {
    seed: envNumber('MLH_FUZZ_SEED', 20240607),
    runs: envNumber('MLH_FUZZ_RUNS', defaults.runs),
    seconds: envNumber('MLH_FUZZ_SECONDS', defaults.seconds),
    perInputMs: envNumber('MLH_FUZZ_PER_INPUT_MS', 5000),
  };
}

/** Score bands shared by the badge's background and the report's colors. */
export interface ReadinessThresholds {
  /** Below this the badge turns to the warning color. */
  warningBelow: number;
  /** Below this the badge turns to the error color. */
  errorBelow: number;
}

export const DEFAULT_THRESHOLDS: ReadinessThresholds = { warningBelow: 80, errorBelow: 50 };

export type ScoreTone = 'good' | 'warning' | 'error';

export function scoreTone(score: number, thresholds: ReadinessThresholds): ScoreTone {
  if (score < thresholds.errorBelow) return 'error';
  if (score < thresholds.warningBelow) return 'warning';
  return 'good';
}

/** Reads `mlHygiene.readiness.*` values; anything that is not a number in 0–100 falls back to the default. */
export function thresholdsFrom(get: (key: keyof ReadinessThresholds) => unknown): ReadinessThresholds {
  const valid = (v: unknown, fallback: number) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 100 ? v : fallback);
  return { warningBelow: valid(get('warningBelow'), DEFAULT_THRESHOLDS.warningBelow), errorBelow: valid(get('errorBelow'), DEFAULT_THRESHOLDS.errorBelow) };
}

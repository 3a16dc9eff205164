/** @module bench/lib/stats — small summary statistics over samples (ms unless named otherwise). */

export interface Summary {
  n: number;
  median: number;
  p90: number;
  min: number;
  max: number;
}

/** Nearest-rank percentile of an unsorted sample (`p` in 0..100). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export function summarize(values: readonly number[]): Summary {
  return {
    n: values.length,
    median: round(percentile(values, 50)),
    p90: round(percentile(values, 90)),
    min: round(Math.min(...values)),
    max: round(Math.max(...values)),
  };
}

export function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

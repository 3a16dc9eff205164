/**
 * @module test/helpers/fuzz — the fixed budget of the property tests in test/fuzz/ (issue 12).
 *
 * `npm test` runs each property with its small default so the suite stays fast; a longer run is the
 * same tests with `CLAWGATE_FUZZ_RUNS=<n>` (a multiplier of every default) and, to explore new inputs,
 * `CLAWGATE_FUZZ_SEED=<n>` (fast-check prints the seed and path of any failure to replay it).
 */

/** Runs for a property: `defaultRuns` times CLAWGATE_FUZZ_RUNS (default 1). */
export function fuzzRuns(defaultRuns: number): number {
  const factor = Number(process.env['CLAWGATE_FUZZ_RUNS'] ?? 1);
  return Math.max(1, Math.round(defaultRuns * (Number.isFinite(factor) && factor > 0 ? factor : 1)));
}

/** The seed: fixed per property in CI (reproducible), or CLAWGATE_FUZZ_SEED. */
export function fuzzSeed(fixed: number): number {
  const seed = Number(process.env['CLAWGATE_FUZZ_SEED']);
  return Number.isSafeInteger(seed) ? seed : fixed;
}

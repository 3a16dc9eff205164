/**
 * @module daemon/startup-timing — `CLAWGATE_STARTUP_TIMING=1` prints how long each start-up phase of
 * the gateway took, one stderr line per phase, for profiling start-up (BENCHMARKS.md). Off (the
 * default) it is a single `undefined` check per phase.
 */

/** Marks the end of one start-up phase. */
export type StartupMark = (phase: string) => void;

/** A mark function when the environment asks for timings, else undefined. */
export function createStartupTiming(env: NodeJS.ProcessEnv, write: (line: string) => void = (line) => void process.stderr.write(line)): StartupMark | undefined {
  if (env['CLAWGATE_STARTUP_TIMING'] !== '1') return undefined;
  let last = performance.now();
  write(`startup-timing: ${last.toFixed(1)} ms since process start: gateway start begins\n`);
  return (phase) => {
    const now = performance.now();
    write(`startup-timing: ${phase} ${(now - last).toFixed(1)} ms (at ${now.toFixed(1)} ms)\n`);
    last = now;
  };
}

/** @module client/core/backoff — reconnect delays: exponential with jitter, capped. */

export interface BackoffOptions {
  /** First delay, in ms (default 1000, as OpenClaw's node host). */
  initialMs?: number;
  /** Largest delay, in ms (default 30 000). */
  maxMs?: number;
  /** Uniform [0, 1) source, injected so tests are deterministic. */
  random?: () => number;
}

/**
 * Delay before reconnect attempt `attempt` (0-based): `initialMs · 2^attempt`, capped at `maxMs`, then
 * scaled by a random factor in [0.75, 1.25) and capped again, so many nodes dropped by one gateway
 * restart do not all come back in the same millisecond.
 */
export function backoffDelayMs(attempt: number, options: BackoffOptions = {}): number {
  const { initialMs = 1000, maxMs = 30_000, random = Math.random } = options;
  const base = Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(Math.min(maxMs, base * (0.75 + 0.5 * random())));
}

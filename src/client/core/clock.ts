/**
 * @module client/core/clock — the timers the client core runs on, injected so tests never wait.
 *
 * Structurally a subset of the gateway-wide `Clock` (now, setTimeout, clearTimeout), so the same
 * FakeClock drives both. The default uses the global timers, which exist in browsers and Node alike.
 */

export interface ClientClock {
  /** Wall-clock milliseconds since the epoch. */
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The global timers (browser-safe; the Node client passes unref'd ones so a timer never holds the process). */
export const globalClock: ClientClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as Parameters<typeof globalThis.clearTimeout>[0]),
};

/** Interval timers, injected so keepalive tests run without waiting. */
export interface IntervalTimers {
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

/** The global interval timers. */
export const globalIntervalTimers: IntervalTimers = {
  setInterval: (callback, ms) => globalThis.setInterval(callback, ms),
  clearInterval: (handle) => globalThis.clearInterval(handle as Parameters<typeof globalThis.clearInterval>[0]),
};

/**
 * @module time/clock — the one way code under src/ reads the time and sets timers.
 *
 * Everything that waits (tick, handshake and close timeouts, presence coalescing, node invokes, the
 * auth limiter, idempotency TTLs) takes a `Clock`, so tests drive time with test/helpers/fake-clock.ts
 * instead of sleeping. A leaf module: it imports nothing from src/.
 */

/** An opaque timer handle; pass it back to the clock that made it. */
export type TimerHandle = unknown;

export interface Clock {
  /** Wall-clock milliseconds since the epoch. */
  now(): number;
  /** Runs `callback` once after `ms`; the system clock's timers never keep the process alive. */
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  /** Runs `callback` every `ms` until cleared. */
  setInterval(callback: () => void, ms: number): TimerHandle;
  clearInterval(handle: TimerHandle): void;
  /** Resolves after `ms` (a fake clock may resolve at once and move its time forward). */
  sleep(ms: number): Promise<void>;
}

/** Real time. Timers are unref'd: a pending timeout never holds the daemon open on its own. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => {
    const handle = setTimeout(callback, ms);
    handle.unref();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout> | undefined),
  setInterval: (callback, ms) => {
    const handle = setInterval(callback, ms);
    handle.unref();
    return handle;
  },
  clearInterval: (handle) => clearInterval(handle as ReturnType<typeof setInterval> | undefined),
  sleep: (ms) =>
    new Promise((resolve) => {
      setTimeout(resolve, ms).unref();
    }),
};

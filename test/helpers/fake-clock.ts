/**
 * @module test/helpers/fake-clock — a Clock whose time moves only when told.
 *
 * `advance(ms)` moves time forward and runs every timer that falls due, in due order (intervals
 * re-arm). `sleep(ms)` is recorded in `sleeps` and advances time at once, so rate-limit penalties
 * never wait.
 */
import type { Clock, TimerHandle } from '../../src/time/index.js';

export interface FakeClock extends Clock {
  /** Every `sleep` asked for, in ms, in order. */
  readonly sleeps: number[];
  /** Moves time forward by `ms`, running each timer that falls due. */
  advance(ms: number): void;
  /** Timers (timeouts and intervals) still armed. */
  readonly pendingTimers: number;
  /** How far away the next armed timer is (ms), or undefined when none is armed. */
  nextDueInMs(): number | undefined;
}

interface FakeTimer {
  id: number;
  dueMs: number;
  callback: () => void;
  intervalMs: number | undefined;
}

export function createFakeClock(startMs = 1_700_000_000_000): FakeClock {
  let nowMs = startMs;
  let nextId = 1;
  const timers = new Map<number, FakeTimer>();
  const sleeps: number[] = [];
  const arm = (callback: () => void, ms: number, intervalMs: number | undefined): TimerHandle => {
    const id = nextId++;
    timers.set(id, { id, dueMs: nowMs + Math.max(0, ms), callback, intervalMs });
    return id;
  };
  const clear = (handle: TimerHandle): void => {
    if (typeof handle === 'number') timers.delete(handle);
  };
  const advance = (ms: number): void => {
    const targetMs = nowMs + ms;
    for (;;) {
      let next: FakeTimer | undefined;
      for (const timer of timers.values()) if (timer.dueMs <= targetMs && (next === undefined || timer.dueMs < next.dueMs)) next = timer;
      if (next === undefined) break;
      nowMs = Math.max(nowMs, next.dueMs);
      if (next.intervalMs === undefined) timers.delete(next.id);
      else next.dueMs += Math.max(1, next.intervalMs);
      next.callback();
    }
    nowMs = targetMs;
  };
  return {
    sleeps,
    now: () => nowMs,
    setTimeout: (callback, ms) => arm(callback, ms, undefined),
    clearTimeout: clear,
    setInterval: (callback, ms) => arm(callback, ms, ms),
    clearInterval: clear,
    sleep: async (ms) => {
      sleeps.push(ms);
      advance(ms);
    },
    advance,
    get pendingTimers() {
      return timers.size;
    },
    nextDueInMs: () => {
      let due: number | undefined;
      for (const timer of timers.values()) if (due === undefined || timer.dueMs < due) due = timer.dueMs;
      return due === undefined ? undefined : due - nowMs;
    },
  };
}

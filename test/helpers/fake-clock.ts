/** @module test/helpers/fake-clock — a clock whose time moves only when told; `sleep` advances it at once. */
import type { Clock } from '../../src/gateway/index.js';

export interface FakeClock extends Clock {
  /** Every `sleep` asked for, in ms, in order. */
  readonly sleeps: number[];
  advance(ms: number): void;
}

export function createFakeClock(startMs = 1_700_000_000_000): FakeClock {
  let nowMs = startMs;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => nowMs,
    sleep: async (ms) => {
      sleeps.push(ms);
      nowMs += ms;
    },
    advance: (ms) => {
      nowMs += ms;
    },
  };
}

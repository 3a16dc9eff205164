/** Reconnect delays: exponential, jittered, capped. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelayMs } from '../../../src/client/index.js';

describe('backoffDelayMs', () => {
  it('doubles from 1 s and caps at 30 s when jitter is neutral', () => {
    const delays = [0, 1, 2, 3, 4, 5, 6, 40].map((attempt) => backoffDelayMs(attempt, { random: () => 0.5 }));
    assert.deepEqual(delays, [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });

  it('spreads delays by ±25% and never exceeds the cap', () => {
    assert.equal(backoffDelayMs(0, { random: () => 0 }), 750);
    assert.equal(backoffDelayMs(0, { random: () => 0.999 }), 1250);
    assert.equal(backoffDelayMs(10, { random: () => 0.999 }), 30000);
    assert.equal(backoffDelayMs(2, { initialMs: 10, maxMs: 100, random: () => 0.5 }), 40);
  });
});

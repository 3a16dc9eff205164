/** Reconnect scheduling on the FakeClock: growing delays, reset after success, one attempt at a time. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Reconnector } from '../../../src/client/index.js';
import { createFakeClock } from '../../helpers/fake-clock.js';

describe('Reconnector', () => {
  it('waits 1 s, 2 s, 4 s … (capped) between attempts and starts over after a success', () => {
    const clock = createFakeClock();
    const reconnector = new Reconnector(clock, { random: () => 0.5, maxMs: 4000 });
    let attempts = 0;
    const delays = [0, 1, 2, 3].map(() => reconnector.schedule(() => attempts++));
    // Each schedule replaces the previous one: only the last is armed.
    assert.deepEqual(delays, [1000, 2000, 4000, 4000]);
    assert.equal(clock.pendingTimers, 1);
    clock.advance(3999);
    assert.equal(attempts, 0);
    clock.advance(1);
    assert.equal(attempts, 1);
    reconnector.reset();
    assert.equal(reconnector.attempt, 0);
    assert.equal(reconnector.schedule(() => attempts++), 1000);
  });

  it('drops a scheduled attempt on cancel', () => {
    const clock = createFakeClock();
    const reconnector = new Reconnector(clock, { random: () => 0.5 });
    let attempts = 0;
    reconnector.schedule(() => attempts++);
    reconnector.cancel();
    clock.advance(60_000);
    assert.equal(attempts, 0);
    assert.equal(clock.pendingTimers, 0);
  });

  it('waits about the Retry-After of a busy refusal, with jitter, without growing the backoff', () => {
    const clock = createFakeClock();
    let random = 0;
    const reconnector = new Reconnector(clock, { random: () => random });
    assert.equal(reconnector.schedule(() => undefined), 750);
    assert.equal(reconnector.attempt, 1);
    const busy = [0, 0.5, 0.999].map((r) => ((random = r), reconnector.schedule(() => undefined, { retryAfterMs: 1000 })));
    assert.deepEqual(busy, [500, 1000, 1499]);
    assert.equal(reconnector.attempt, 1, 'busy refusals do not count as failures');
    random = 0.5;
    assert.equal(reconnector.schedule(() => undefined), 2000);
  });
});

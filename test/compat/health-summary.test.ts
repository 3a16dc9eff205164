/**
 * The `health` summary as the real OpenClaw CLI reads it. `openclaw health` prints
 * "Gateway event loop: degraded for <formatDuration(degradedSinceMs)>", so the field is a duration
 * (OpenClaw: `now - firstDegradedAtMs`), and a health call right after connect must not look degraded
 * just because the sampling window is a few milliseconds of pure activity.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { HealthMonitor } from '../../src/gateway/health-monitor.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { openAuthenticatedSocket } from '../helpers/raw-socket.js';

describe('HealthMonitor eventLoop fields, as OpenClaw clients interpret them', () => {
  it('reports degradedSinceMs as how long the loop has been degraded, not an epoch timestamp', async () => {
    let nowMs = 1_000_000;
    // A 0 ms delay threshold makes any real scheduling delay count as degraded; no window caching.
    const monitor = new HealthMonitor({ now: () => nowMs, sessionsPath: '/sessions', minSampleWindowMs: 0, degradedDelayP99Ms: 0 });
    try {
      await sleep(60);
      const first = monitor.snapshot().eventLoop;
      assert.equal(first.degraded, true);
      // With a 0 ms window the utilisation is judged too; on a loaded CI box it may also be high.
      assert.ok(first.reasons.includes('event_loop_delay'), JSON.stringify(first.reasons));
      assert.equal(first.degradedSinceMs, 0, 'degraded spell just began');
      nowMs += 4000;
      await sleep(60);
      const later = monitor.snapshot().eventLoop;
      assert.equal(later.degradedSinceMs, 4000, 'four seconds into the degraded spell');
    } finally {
      monitor.stop();
    }
  });

  it('reuses the last sample inside the minimum window instead of measuring a few busy milliseconds', () => {
    let nowMs = 5_000;
    const monitor = new HealthMonitor({ now: () => nowMs, sessionsPath: '/sessions', minSampleWindowMs: 60_000 });
    try {
      const first = monitor.snapshot();
      nowMs += 10;
      const second = monitor.snapshot();
      assert.equal(second.ts, 5_010, 'ts is always fresh');
      assert.deepEqual(second.eventLoop, first.eventLoop, 'the event-loop sample is reused');
      assert.ok(!first.eventLoop.reasons.includes('event_loop_utilization'), 'a window shorter than the minimum never judges utilisation');
    } finally {
      monitor.stop();
    }
  });
});

describe('health right after connect (what `openclaw health` does)', () => {
  let gateway: TestGateway;
  before(async () => {
    gateway = await startTestGateway();
  });
  after(async () => {
    await gateway.stop();
  });

  it('does not report event_loop_utilization degradation from the hello-ok to health gap', async () => {
    const raw = await openAuthenticatedSocket(gateway.url, gateway.token!);
    raw.send({ type: 'req', id: 'h1', method: 'health' });
    const res = await raw.waitFor((f) => f['id'] === 'h1');
    const eventLoop = (res['payload'] as { eventLoop: { reasons: string[]; degradedSinceMs: number | null } }).eventLoop;
    assert.ok(!eventLoop.reasons.includes('event_loop_utilization'), JSON.stringify(eventLoop));
    assert.ok(eventLoop.degradedSinceMs === null || eventLoop.degradedSinceMs < 60_000, 'a duration, never an epoch timestamp');
    raw.socket.close();
  });
});

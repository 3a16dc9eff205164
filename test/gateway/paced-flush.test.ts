/**
 * Paced presence: changes coalesce behind a dirty flag, the window grows with the fan-out cost, and
 * large events go out as shared bytes in two fragments that clients read as one message.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createFakeClock } from '../helpers/fake-clock.js';
import { startTestGateway } from '../helpers/gateway.js';
import { openAuthenticatedSocket } from '../helpers/raw-socket.js';
import { FANOUT_BYTES_PER_S, PACED_MAX_WINDOW_MS, PACED_MIN_WINDOW_MS, PacedFlush, pacedSpacingMs } from '../../src/gateway/paced-flush.js';
import { SHARED_HEAD_MIN_CHARS } from '../../src/gateway/event-bus.js';
import { presenceEvent } from '../../src/protocol/index.js';

function broadcasterWith(flushedBytes: number) {
  const clock = createFakeClock();
  const flushedAt: number[] = [];
  const broadcaster = new PacedFlush({
    clock,
    flush: () => {
      flushedAt.push(clock.now());
      return flushedBytes;
    },
  });
  return { clock, flushedAt, broadcaster };
}

describe('PacedFlush', () => {
  it('sends one flush for a burst of changes, PACED_MIN_WINDOW_MS after the first', () => {
    const { clock, flushedAt, broadcaster } = broadcasterWith(21 * 3 * 256);
    const start = clock.now();
    for (let i = 0; i < 50; i++) broadcaster.markChanged();
    clock.advance(PACED_MIN_WINDOW_MS - 1);
    assert.equal(flushedAt.length, 0);
    clock.advance(1);
    assert.deepEqual(flushedAt, [start + PACED_MIN_WINDOW_MS]);
    clock.advance(60_000);
    assert.equal(flushedAt.length, 1, 'nothing is sent while nothing changed');
  });

  it('waits longer after an expensive flush, in proportion to the bytes it sent', () => {
    const bytes = 700 * 900 * 256;
    const { clock, flushedAt, broadcaster } = broadcasterWith(bytes);
    const spacing = pacedSpacingMs(bytes);
    assert.equal(spacing, Math.round((bytes / FANOUT_BYTES_PER_S) * 1000));
    assert.ok(spacing > PACED_MIN_WINDOW_MS && spacing < PACED_MAX_WINDOW_MS, `spacing ${spacing}`);
    broadcaster.markChanged();
    clock.advance(PACED_MIN_WINDOW_MS);
    const first = flushedAt[0]!;
    broadcaster.markChanged();
    clock.advance(spacing - 1);
    assert.equal(flushedAt.length, 1);
    clock.advance(1);
    assert.deepEqual(flushedAt, [first, first + spacing]);
  });

  it('never waits longer than PACED_MAX_WINDOW_MS, and cancel drops a pending flush', () => {
    assert.equal(pacedSpacingMs(50_000 * 50_000 * 256), PACED_MAX_WINDOW_MS);
    const { clock, flushedAt, broadcaster } = broadcasterWith(256);
    broadcaster.markChanged();
    broadcaster.cancel();
    clock.advance(PACED_MAX_WINDOW_MS);
    assert.equal(flushedAt.length, 0);
  });
});

describe('large events (shared head bytes)', () => {
  it('arrive as one message with the right seq, identical to JSON.stringify of the frame', async () => {
    const gateway = await startTestGateway();
    try {
      const reader = await openAuthenticatedSocket(gateway.url, gateway.token!);
      const host = 'h'.repeat(200);
      const presence = Array.from({ length: Math.ceil(SHARED_HEAD_MIN_CHARS / 200) + 10 }, (_, i) => ({ host, mode: 'ui', reason: 'connect', ts: i }));
      for (let round = 0; round < 2; round++) gateway.server.events.emit(presenceEvent, { presence }, {}, { stateVersion: { presence: 7, health: 1 } });
      const frames = await Promise.all([1, 2].map((seq) => reader.waitFor((f) => f['event'] === 'presence' && f['seq'] === seq)));
      for (const [index, frame] of frames.entries()) {
        assert.deepEqual(frame, { type: 'event', event: 'presence', payload: { presence }, seq: index + 1, stateVersion: { presence: 7, health: 1 } });
      }
      reader.socket.close();
    } finally {
      await gateway.stop();
    }
  });
});

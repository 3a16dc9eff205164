/**
 * `events.resumable` / `events.resume` (docs/events-resume.md) through a real gateway over real sockets:
 * a reconnecting client gets exactly what it missed, in order, once; a gap older than the window and
 * a foreign principal get typed errors. The clock is fake so no tick or timer adds stray events.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createFakeClock } from '../helpers/fake-clock.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { createDeviceIdentity, connectDevice } from '../helpers/device.js';
import { call } from '../helpers/node-socket.js';
import { openAuthenticatedSocket, type RawSocket } from '../helpers/raw-socket.js';
import { EVENTS_RESUME_MAX_EVENTS, EVENTS_RESUME_WINDOW_MS, nodePairResolvedEvent, tickEvent } from '../../src/protocol/index.js';

const ticks = (gateway: TestGateway, from: number, to: number): void => {
  for (let ts = from; ts <= to; ts++) gateway.server.events.emit(tickEvent, { ts });
};

/** Closes from the client side and waits until the gateway let the connection go. */
async function drop(raw: RawSocket): Promise<void> {
  raw.socket.close();
  await raw.closed;
}

async function resumable(raw: RawSocket): Promise<string> {
  const res = await call(raw, 'events.resumable', {});
  assert.equal(res['ok'], true, JSON.stringify(res['error']));
  return res['payload'].token as string;
}

describe('events.resume', () => {
  it('replays exactly the events missed after lastSeq, in order, without those the new connection got live', async () => {
    const clock = createFakeClock(Date.now());
    const gateway = await startTestGateway({ clock });
    try {
      const first = await openAuthenticatedSocket(gateway.url, gateway.token!);
      const token = await resumable(first);
      ticks(gateway, 1, 3);
      const seen = await first.waitFor((f) => f['event'] === 'tick' && (f['payload'] as any).ts === 3);
      await drop(first);
      ticks(gateway, 4, 6); // missed while disconnected

      const second = await openAuthenticatedSocket(gateway.url, gateway.token!);
      ticks(gateway, 7, 7); // after the new connection was ready: it arrives live, not in the replay
      const live = await second.waitFor((f) => f['event'] === 'tick' && (f['payload'] as any).ts === 7);
      const res = await call(second, 'events.resume', { token, lastSeq: seen['seq'] });
      assert.equal(res['ok'], true, JSON.stringify(res['error']));
      const lastSeq = seen['seq'] as number;
      assert.deepEqual(
        res['payload'].events,
        [4, 5, 6].map((ts, i) => ({ type: 'event', event: 'tick', payload: { ts }, seq: lastSeq + 1 + i })),
      );
      assert.equal(live['seq'], 1, 'the new connection numbers its own events from 1');
      assert.notEqual(res['payload'].token, token, 'the new connection gets its own token');

      const again = await call(second, 'events.resume', { token, lastSeq });
      assert.equal(again['error'].details.code, 'EVENTS_RESUME_TOKEN_UNKNOWN', 'a token resumes once');
      second.socket.close();
    } finally {
      await gateway.stop();
    }
  });

  it('leaves out events the new connection may not see (its scopes, not the old ones)', async () => {
    const clock = createFakeClock(Date.now());
    const gateway = await startTestGateway({ clock });
    try {
      const first = await openAuthenticatedSocket(gateway.url, gateway.token!, ['operator.read', 'operator.pairing']);
      const token = await resumable(first);
      await drop(first);
      gateway.server.events.emit(nodePairResolvedEvent, { requestId: 'r1', nodeId: 'n1', decision: 'approved' as never, ts: clock.now() });
      ticks(gateway, 1, 1);
      const second = await openAuthenticatedSocket(gateway.url, gateway.token!, ['operator.read']);
      const res = await call(second, 'events.resume', { token, lastSeq: 0 });
      assert.deepEqual(res['payload'].events.map((f: any) => [f.event, f.seq]), [['tick', 2]]);
      second.socket.close();
    } finally {
      await gateway.stop();
    }
  });

  it('refuses a gap older than the window (count) with EVENTS_RESUME_GAP_TOO_OLD, and an expired one as unknown', async () => {
    const clock = createFakeClock(Date.now());
    const gateway = await startTestGateway({ clock });
    try {
      const first = await openAuthenticatedSocket(gateway.url, gateway.token!);
      const token = await resumable(first);
      await drop(first);
      ticks(gateway, 1, EVENTS_RESUME_MAX_EVENTS + 5);
      const second = await openAuthenticatedSocket(gateway.url, gateway.token!);
      const res = await call(second, 'events.resume', { token, lastSeq: 0 });
      assert.equal(res['ok'], false);
      assert.equal(res['error'].code, 'INVALID_REQUEST');
      assert.equal(res['error'].details.code, 'EVENTS_RESUME_GAP_TOO_OLD');
      assert.match(res['error'].message, /starts at seq 6; re-read state from snapshots/);

      const token2 = (await call(second, 'events.resumable', {}))['payload'].token as string;
      await drop(second);
      clock.advance(EVENTS_RESUME_WINDOW_MS);
      const third = await openAuthenticatedSocket(gateway.url, gateway.token!);
      const expired = await call(third, 'events.resume', { token: token2, lastSeq: 0 });
      assert.equal(expired['error'].details.code, 'EVENTS_RESUME_TOKEN_UNKNOWN');
      const secondConnId = (second.frames.find((f) => f['id'] === 'c1')!['payload'] as any).server.connId as string;
      assert.equal(gateway.server.events.isAttached(secondConnId), false, 'the dropped connection left the bus when its window ended');
      third.socket.close();
    } finally {
      await gateway.stop();
    }
  });

  it('never replays one principal\'s events to another, even with the token', async () => {
    const clock = createFakeClock(Date.now());
    const gateway = await startTestGateway({ clock });
    try {
      const identity = createDeviceIdentity();
      const device = await connectDevice(gateway.url, { identity, scopes: ['operator.read'], auth: { token: gateway.token! } });
      assert.equal(device.ok, true, JSON.stringify(device.error));
      const token = await resumable(device.raw);
      ticks(gateway, 1, 2);
      await drop(device.raw);
      const other = await connectDevice(gateway.url, { identity: createDeviceIdentity(), scopes: ['operator.read'], auth: { token: gateway.token! } });
      const stolen = await call(other.raw, 'events.resume', { token, lastSeq: 0 });
      assert.equal(stolen['error'].details.code, 'EVENTS_RESUME_TOKEN_UNKNOWN');
      const shared = await openAuthenticatedSocket(gateway.url, gateway.token!);
      const alsoStolen = await call(shared, 'events.resume', { token, lastSeq: 0 });
      assert.equal(alsoStolen['error'].details.code, 'EVENTS_RESUME_TOKEN_UNKNOWN');
      const back = await connectDevice(gateway.url, { identity, scopes: ['operator.read'], auth: { token: gateway.token! } });
      const mine = await call(back.raw, 'events.resume', { token, lastSeq: 0 });
      assert.deepEqual(mine['payload'].events.map((f: any) => f.payload.ts), [1, 2], 'failed attempts by others do not spend the token');
      back.raw.socket.close();
      other.raw.socket.close();
      shared.socket.close();
    } finally {
      await gateway.stop();
    }
  });
});

/**
 * The Node client with `resumeEvents` against a real gateway: after a drop, `connect()` again delivers
 * the missed events first, then live ones, each exactly once and in order; a gateway that cannot
 * resume (window passed) makes it resync. Plus the core's fallbacks with an injected request function.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayClient, GatewayRequestError, EventResume } from '../../src/client/index.js';
import { EVENTS_RESUME_WINDOW_MS, tickEvent, type EventFrame } from '../../src/protocol/index.js';
import { createFakeClock } from '../helpers/fake-clock.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const ticks = (gateway: TestGateway, from: number, to: number): void => {
  for (let ts = from; ts <= to; ts++) gateway.server.events.emit(tickEvent, { ts });
};

/** Resolves once `events` holds a tick with `ts`. */
async function waitForTick(events: EventFrame[], ts: number): Promise<void> {
  for (let i = 0; i < 500 && !events.some((e) => e.event === 'tick' && (e.payload as any).ts === ts); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(events.some((e) => e.event === 'tick' && (e.payload as any).ts === ts), `tick ${ts} never arrived`);
}

const tickTimes = (events: EventFrame[]): number[] => events.filter((e) => e.event === 'tick').map((e) => (e.payload as any).ts as number);

describe('GatewayClient resumeEvents', () => {
  it('delivers missed events before live ones after a reconnect, each once, in order', async () => {
    const clock = createFakeClock(Date.now());
    const gateway = await startTestGateway({ clock });
    const events: EventFrame[] = [];
    let closes = 0;
    const client = new GatewayClient({ url: gateway.url, token: gateway.token!, scopes: ['operator.read'], resumeEvents: true, onEvent: (e) => events.push(e), onClose: () => closes++ });
    try {
      await client.connect();
      ticks(gateway, 1, 3);
      await waitForTick(events, 3);
      client.close();
      while (closes === 0) await new Promise((r) => setTimeout(r, 5));
      ticks(gateway, 4, 8);
      await client.connect();
      ticks(gateway, 9, 10);
      await waitForTick(events, 10);
      assert.deepEqual(tickTimes(events), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    } finally {
      client.close();
      await gateway.stop();
    }
  });

  it('resyncs when the window passed, then resumes again next time', async () => {
    const clock = createFakeClock(Date.now());
    const gateway = await startTestGateway({ clock });
    const events: EventFrame[] = [];
    const resyncs: string[] = [];
    let closes = 0;
    const client = new GatewayClient({
      url: gateway.url,
      token: gateway.token!,
      scopes: ['operator.read'],
      resumeEvents: true,
      onEvent: (e) => events.push(e),
      onClose: () => closes++,
      onResync: (error) => resyncs.push(error.detailCode),
    });
    try {
      await client.connect();
      client.close();
      while (closes === 0) await new Promise((r) => setTimeout(r, 5));
      clock.advance(EVENTS_RESUME_WINDOW_MS);
      await client.connect();
      assert.deepEqual(resyncs, ['EVENTS_RESUME_TOKEN_UNKNOWN']);
      client.close();
      while (closes === 1) await new Promise((r) => setTimeout(r, 5));
      ticks(gateway, 1, 2);
      await client.connect();
      await waitForTick(events, 2);
      assert.deepEqual(tickTimes(events), [1, 2]);
      assert.equal(resyncs.length, 1);
    } finally {
      client.close();
      await gateway.stop();
    }
  });
});

describe('EventResume', () => {
  const unknownMethod = (method: string): GatewayRequestError => new GatewayRequestError(method, { code: 'INVALID_REQUEST', message: `unknown method: ${method}` });

  it('carries on without resume against a gateway that lacks it (OpenClaw), releasing held events', async () => {
    const delivered: number[] = [];
    const resume = new EventResume({ deliver: (e) => delivered.push(e.seq ?? -1) });
    resume.prepare();
    resume.onEvent({ type: 'event', event: 'tick', seq: 1 });
    let calls = 0;
    await resume.start(async (method) => {
      calls++;
      throw unknownMethod(method);
    });
    resume.onEvent({ type: 'event', event: 'tick', seq: 2 });
    resume.prepare();
    await resume.start(async () => {
      calls++;
      return {};
    });
    assert.deepEqual(delivered, [1, 2]);
    assert.equal(calls, 1, 'not asked again once the gateway said it does not know the method');
  });

  it('keeps the resume point across a failed reconnect attempt', async () => {
    const asked: unknown[] = [];
    const resume = new EventResume({ deliver: () => undefined });
    resume.prepare();
    await resume.start(async () => ({ token: 'token-aaaaaaaaaaaaaaaa', windowMs: 1, maxEvents: 1 }));
    resume.onEvent({ type: 'event', event: 'tick', seq: 7 });
    resume.prepare(); // this attempt never reached hello-ok
    resume.prepare();
    await resume.start(async (method, params) => {
      asked.push([method, params]);
      return { events: [], token: 'token-bbbbbbbbbbbbbbbb', windowMs: 1, maxEvents: 1 };
    });
    assert.deepEqual(asked, [['events.resume', { token: 'token-aaaaaaaaaaaaaaaa', lastSeq: 7 }]]);
  });
});

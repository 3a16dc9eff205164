/**
 * The browser-safe client core over an in-memory transport (a fake: the test plays the gateway) and
 * the FakeClock: correlation, two-phase answers, the tick watchdog, seq-gap reports, contract calls.
 * No test here waits on the wall clock.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayRequestError, GatewaySession, GatewayTransportError, type GatewaySessionOptions, type SeqGap } from '../../../src/client/index.js';
import { agent, health, GatewayError, type EventFrame } from '../../../src/protocol/index.js';
import { createFakeClock, type FakeClock } from '../../helpers/fake-clock.js';
import { createFakeTransport, type FakeTransport } from '../../helpers/fake-transport.js';

const TICK_MS = 1000;

const HELLO = {
  type: 'hello-ok',
  protocol: 4,
  server: { version: 'test', connId: 'c1' },
  features: { methods: ['health'], events: ['tick'] },
  snapshot: { presence: [], health: {}, stateVersion: { presence: 0, health: 0 }, uptimeMs: 0 },
  auth: { role: 'operator', scopes: ['operator.read'] },
  policy: { maxPayload: 1, maxBufferedBytes: 1, tickIntervalMs: TICK_MS },
};

const HEALTH = {
  ok: true,
  ts: 1,
  durationMs: 0,
  eventLoop: { degraded: false, degradedSinceMs: null, reasons: [], intervalMs: 0, delayP99Ms: 0, delayMaxMs: 0, utilization: 0, cpuCoreRatio: 0 },
  channels: {},
  channelOrder: [],
  channelLabels: {},
  heartbeatSeconds: 0,
  defaultAgentId: 'main',
  agents: [],
  sessions: { path: '', count: 0, recent: [] },
};

interface Harness {
  session: GatewaySession;
  transport: FakeTransport;
  clock: FakeClock;
  events: EventFrame[];
  gaps: SeqGap[];
  closes: { code: number; reason: string }[];
}

/** A session connected through the fake transport: open, challenge, connect, hello-ok. */
async function connected(options: Partial<GatewaySessionOptions> = {}): Promise<Harness> {
  const clock = createFakeClock();
  const transport = createFakeTransport();
  const events: EventFrame[] = [];
  const gaps: SeqGap[] = [];
  const closes: { code: number; reason: string }[] = [];
  let ids = 0;
  const session = new GatewaySession(transport, {
    buildConnect: (challenge) => ({ minProtocol: 4, maxProtocol: 4, client: { id: 'cli', version: 't', platform: 'test', mode: 'cli' }, role: 'operator', scopes: [challenge.nonce] }),
    clock,
    createId: () => `id${++ids}`,
    onEvent: (event) => events.push(event),
    onGap: (gap) => gaps.push(gap),
    onClose: (code, reason) => closes.push({ code, reason }),
    ...options,
  });
  const hello = session.connect();
  transport.open();
  transport.deliver({ type: 'event', event: 'connect.challenge', payload: { nonce: 'n-1', ts: 5 } });
  const connect = transport.sent[0]!;
  assert.equal(connect['method'], 'connect');
  assert.deepEqual(connect['params'].scopes, ['n-1'], 'connect params are built from the challenge');
  transport.deliver({ type: 'res', id: connect['id'], ok: true, payload: HELLO });
  assert.equal((await hello).server.connId, 'c1');
  assert.equal(session.stage, 'ready');
  return { session, transport, clock, events, gaps, closes };
}

describe('client core session', () => {
  it('correlates answers by id, whatever order they arrive in', async () => {
    const { session, transport } = await connected();
    const first = session.request('status', {});
    const second = session.request('health', {});
    const [a, b] = transport.sent.slice(1);
    transport.deliver({ type: 'res', id: b!['id'], ok: true, payload: { which: 'second' } });
    transport.deliver({ type: 'res', id: 'unknown-id', ok: true, payload: {} });
    transport.deliver({ type: 'res', id: a!['id'], ok: false, error: { code: 'INVALID_REQUEST', message: 'nope', details: { code: 'INVALID_PARAMS' } } });
    assert.deepEqual(await second, { which: 'second' });
    const error = await first.then(() => undefined, (caught: unknown) => caught);
    assert.ok(error instanceof GatewayRequestError);
    assert.equal(error.detailCode, 'INVALID_PARAMS');
    assert.equal(error.method, 'status');
  });

  it('fails a request that gets no answer within timeoutMs, on the injected clock', async () => {
    const { session, clock } = await connected();
    const pending = session.request('health', {}, { timeoutMs: 500 });
    clock.advance(499);
    clock.advance(1);
    const error = await pending.then(() => undefined, (caught: unknown) => caught);
    assert.ok(error instanceof GatewayTransportError);
    assert.equal(error.kind, 'TIMEOUT');
    assert.equal(error.message, 'gateway timeout after 500ms waiting for health');
  });

  it('hands a two-phase contract its accepted ack, then resolves with the final answer on the same id', async () => {
    const { session, transport } = await connected({ validateResults: true });
    const acks: unknown[] = [];
    const run = session.call(agent, { message: 'hi', idempotencyKey: 'run-1' }, { onAck: (ack) => acks.push(ack) });
    const request = transport.sent[1]!;
    assert.equal(request['method'], 'agent');
    transport.deliver({ type: 'res', id: request['id'], ok: true, payload: { runId: 'run-1', status: 'accepted', acceptedAt: 7 } });
    assert.deepEqual(acks, [{ runId: 'run-1', status: 'accepted', acceptedAt: 7 }]);
    transport.deliver({ type: 'res', id: request['id'], ok: true, payload: { runId: 'run-1', status: 'ok', summary: 'completed' } });
    const result = await run;
    assert.equal(result.status, 'ok');
    assert.equal(result.summary, 'completed');
  });

  it('treats an accepted payload as the answer of a one-phase request', async () => {
    const { session, transport } = await connected();
    const answer = session.request('node.pair.approve', {});
    transport.deliver({ type: 'res', id: transport.sent[1]!['id'], ok: true, payload: { status: 'accepted' } });
    assert.deepEqual(await answer, { status: 'accepted' });
  });

  it('with validation on, rejects a result that breaks its contract with RESULT_SCHEMA_MISMATCH', async () => {
    const { session, transport } = await connected({ validateResults: true });
    const good = session.call(health, {});
    transport.deliver({ type: 'res', id: transport.sent[1]!['id'], ok: true, payload: HEALTH });
    assert.equal((await good).defaultAgentId, 'main');
    const bad = session.call(health, {});
    transport.deliver({ type: 'res', id: transport.sent[2]!['id'], ok: true, payload: { ...HEALTH, extra: 1 } });
    const error = await bad.then(() => undefined, (caught: unknown) => caught);
    assert.ok(error instanceof GatewayError);
    assert.equal(error.code, 'RESULT_SCHEMA_MISMATCH');
    assert.equal(error.message, "the gateway answered health with a result that breaks its contract: at root: unexpected property 'extra'");
  });

  it('with validation off, passes a result through as the gateway sent it', async () => {
    const { session, transport } = await connected({ validateResults: false });
    const answer = session.call(health, {});
    transport.deliver({ type: 'res', id: transport.sent[1]!['id'], ok: true, payload: { ...HEALTH, extra: 1 } });
    assert.equal(((await answer) as Record<string, unknown>)['extra'], 1);
  });

  it('closes with 4000 "tick timeout" after 2 × tickIntervalMs of silence, failing what is pending', async () => {
    const { session, transport, clock, closes } = await connected();
    clock.advance(TICK_MS * 2 - 1);
    transport.deliver({ type: 'event', event: 'tick', seq: 1, payload: { ts: 1 } });
    clock.advance(TICK_MS * 2 - 1);
    assert.deepEqual(transport.closes, [], 'any frame restarts the silence window');
    const pending = session.request('health', {});
    clock.advance(1);
    assert.deepEqual(transport.closes, [{ code: 4000, reason: 'tick timeout' }]);
    assert.deepEqual(closes, [{ code: 4000, reason: 'tick timeout' }]);
    const error = await pending.then(() => undefined, (caught: unknown) => caught);
    assert.ok(error instanceof GatewayTransportError);
    assert.equal(error.closeCode, 4000);
    assert.equal(error.kind, 'CLOSED');
  });

  it('reports a jump in the event seq as a gap, and ignores repeats', async () => {
    const { transport, events, gaps } = await connected();
    for (const seq of [1, 2, 5, 5, 3, 6]) transport.deliver({ type: 'event', event: 'tick', seq, payload: { ts: seq } });
    assert.deepEqual(gaps, [{ expected: 3, received: 5 }]);
    assert.equal(events.length, 6, 'every event is still delivered');
  });

  it('fails connect with the transport error when the socket cannot open', async () => {
    const transport = createFakeTransport();
    const session = new GatewaySession(transport, { buildConnect: () => ({ minProtocol: 4, maxProtocol: 4, client: { id: 'cli', version: 't', platform: 't', mode: 'cli' } }), clock: createFakeClock() });
    const hello = session.connect();
    transport.fail(new GatewayTransportError('cannot reach gateway', { stage: 'socket', kind: 'ECONNREFUSED' }));
    const error = await hello.then(() => undefined, (caught: unknown) => caught);
    assert.ok(error instanceof GatewayTransportError);
    assert.equal(error.kind, 'ECONNREFUSED');
  });

  it('fails connect with a handshake timeout naming the stage it reached', async () => {
    const clock = createFakeClock();
    const transport = createFakeTransport();
    const session = new GatewaySession(transport, { buildConnect: () => ({ minProtocol: 4, maxProtocol: 4, client: { id: 'cli', version: 't', platform: 't', mode: 'cli' } }), clock, connectTimeoutMs: 300 });
    const hello = session.connect();
    transport.open();
    clock.advance(300);
    const error = await hello.then(() => undefined, (caught: unknown) => caught);
    assert.ok(error instanceof GatewayTransportError);
    assert.equal(error.message, 'gateway timeout after 300ms (stage: challenge)');
    assert.deepEqual(transport.closes, [{ code: 1000, reason: 'client closing' }]);
  });

  it('refuses a request before hello-ok with NOT_CONNECTED', async () => {
    const session = new GatewaySession(createFakeTransport(), { buildConnect: () => ({ minProtocol: 4, maxProtocol: 4, client: { id: 'cli', version: 't', platform: 't', mode: 'cli' } }), clock: createFakeClock() });
    const error = await session.request('health').then(() => undefined, (caught: unknown) => caught);
    assert.ok(error instanceof GatewayTransportError);
    assert.equal(error.kind, 'NOT_CONNECTED');
  });
});

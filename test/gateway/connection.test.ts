/**
 * GatewayConnection's state table against a fake socket and the fake clock: which frames each state
 * accepts, the handshake and close timeouts, seq, backpressure, and the abort signal handlers see.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger, SecretRegistry } from '../../src/logging/index.js';
import { GatewayConnection, type ConnectionHandler } from '../../src/gateway/connection.js';
import { prepareEvent } from '../../src/gateway/event-bus.js';
import type { CallerInfo } from '../../src/gateway/method-context.js';
import type { RequestFrame } from '../../src/protocol/index.js';
import { createFakeClock, type FakeClock } from '../helpers/fake-clock.js';
import { FakeSocket } from '../helpers/fake-socket.js';

const caller: CallerInfo = { connId: 'conn', role: 'operator', scopes: ['operator.read'], client: { id: 'cli', version: 't', platform: 'linux', mode: 'cli' } as CallerInfo['client'], remoteAddress: '127.0.0.1' };

interface Harness {
  socket: FakeSocket;
  clock: FakeClock;
  connection: GatewayConnection;
  calls: string[];
}

function createHarness(options: { maxBufferedBytes?: number } = {}): Harness {
  const socket = new FakeSocket();
  const clock = createFakeClock();
  const calls: string[] = [];
  const handler: ConnectionHandler = {
    handleConnect: async (_c: GatewayConnection, frame: RequestFrame) => void calls.push(`connect ${frame.id}`),
    handleRequest: async (_c: GatewayConnection, frame: RequestFrame) => void calls.push(`request ${frame.method}`),
    handleClose: () => void calls.push('close'),
  };
  const connection = new GatewayConnection({
    socket: socket.asWebSocket(),
    connId: 'conn',
    remoteAddress: '127.0.0.1',
    origin: undefined,
    challengeNonce: 'nonce',
    handshakeTimeoutMs: 10_000,
    maxBufferedBytes: options.maxBufferedBytes ?? 1024,
    closeTimeoutMs: 2000,
    handler,
    logger: createLogger({ level: 'silent', secrets: new SecretRegistry() }),
    clock,
  });
  return { socket, clock, connection, calls };
}

const req = (method: string, id = 'r1'): RequestFrame => ({ type: 'req', id, method, params: {} });

describe('GatewayConnection', () => {
  describe('awaitingConnect', () => {
    it('accepts connect and moves to authenticating', () => {
      const { socket, connection, calls } = createHarness();
      socket.receive(req('connect', 'c1'));
      assert.equal(connection.state, 'authenticating');
      assert.deepEqual(calls, ['connect c1']);
    });

    it('fails any other first frame with FIRST_FRAME_NOT_CONNECT and closes 1008', () => {
      const { socket, connection } = createHarness();
      socket.receive(req('health'));
      assert.equal(connection.state, 'closing');
      assert.equal((socket.frames()[0]!['error'] as { details: { code: string } }).details.code, 'FIRST_FRAME_NOT_CONNECT');
      assert.equal(socket.closeCalls[0]?.code, 1008);
    });

    it('closes 1003 on a binary frame', () => {
      const { socket } = createHarness();
      socket.receive('{}', true);
      assert.equal(socket.closeCalls[0]?.code, 1003);
    });

    it('times out with HANDSHAKE_TIMEOUT after handshakeTimeoutMs on the clock', () => {
      const { socket, clock, connection } = createHarness();
      clock.advance(9_999);
      assert.equal(connection.state, 'awaitingConnect');
      clock.advance(1);
      assert.equal(connection.state, 'closing');
      assert.match(socket.closeCalls[0]?.reason ?? '', /handshake timeout/);
    });
  });

  describe('authenticating', () => {
    it('fails a frame sent before hello-ok as INVALID_FRAME', () => {
      const { socket, connection, calls } = createHarness();
      socket.receive(req('connect', 'c1'));
      socket.receive(req('health', 'early'));
      assert.equal(connection.state, 'closing');
      assert.deepEqual(calls, ['connect c1']);
      assert.equal((socket.frames()[0]!['error'] as { details: { code: string } }).details.code, 'INVALID_FRAME');
    });
  });

  describe('ready', () => {
    function ready(): Harness {
      const harness = createHarness();
      harness.socket.receive(req('connect', 'c1'));
      harness.connection.markReady(caller);
      return harness;
    }

    it('hands requests to the handler and answers a second connect with ALREADY_CONNECTED', () => {
      const { socket, calls } = ready();
      socket.receive(req('health'));
      socket.receive(req('connect', 'c2'));
      assert.deepEqual(calls, ['connect c1', 'request health']);
      assert.equal((socket.frames()[0]!['error'] as { details: { code: string } }).details.code, 'ALREADY_CONNECTED');
    });

    it('clears the handshake timer once ready', () => {
      const { clock, connection } = ready();
      clock.advance(60_000);
      assert.equal(connection.state, 'ready');
    });

    it('numbers events per connection and leaves connect.challenge without seq', () => {
      const { socket, connection } = ready();
      connection.sendEvent('connect.challenge', { nonce: 'n', ts: 1 });
      connection.sendEvent('tick', { ts: 1 });
      connection.sendPreparedEvent(prepareEvent('tick', { ts: 2 }, { presence: 1, health: 2 }, true));
      assert.deepEqual(socket.frames(), [
        { type: 'event', event: 'connect.challenge', payload: { nonce: 'n', ts: 1 } },
        { type: 'event', event: 'tick', payload: { ts: 1 }, seq: 1 },
        { type: 'event', event: 'tick', payload: { ts: 2 }, seq: 2, stateVersion: { presence: 1, health: 2 } },
      ]);
    });

    it('drops a droppable event for a slow consumer, and closes it (SLOW_CONSUMER, 1008) for a response', () => {
      const { socket, connection } = ready();
      socket.bufferedAmount = 4096;
      connection.sendPreparedEvent(prepareEvent('tick', { ts: 1 }, undefined, true));
      assert.equal(socket.sent.length, 0);
      assert.equal(connection.state, 'ready');
      connection.sendResponse({ type: 'res', id: 'r1', ok: true });
      assert.equal(connection.state, 'closing');
      assert.deepEqual(socket.closeCalls, [{ code: 1008, reason: 'slow consumer' }]);
    });
  });

  describe('closing and closed', () => {
    it('terminates a peer that does not answer the close frame within closeTimeoutMs', async () => {
      const { socket, clock, connection, calls } = createHarness();
      connection.close(1001, 'bye');
      clock.advance(1999);
      assert.equal(socket.isTerminated, false);
      clock.advance(1);
      assert.equal(socket.isTerminated, true);
      await connection.closed;
      assert.equal(connection.state, 'closed');
      assert.deepEqual(calls, ['close']);
    });

    it('clears the close timer when the peer answers, and aborts the signal handlers hold', async () => {
      const { socket, clock, connection } = createHarness();
      const signal = connection.signal;
      connection.close(1000, 'done');
      socket.finishClose();
      await connection.closed;
      assert.equal(signal.aborted, true);
      assert.equal(clock.pendingTimers, 0);
    });

    it('ignores frames and sends nothing once closing', () => {
      const { socket, connection, calls } = createHarness();
      connection.close(1000, 'done');
      socket.receive(req('connect'));
      connection.sendEvent('tick', { ts: 1 });
      assert.deepEqual(calls, []);
      assert.equal(socket.sent.length, 0);
    });

    it('cuts a close reason to the 123 bytes RFC 6455 allows', () => {
      const { socket, connection } = createHarness();
      connection.close(1000, 'é'.repeat(100));
      assert.ok(Buffer.byteLength(socket.closeCalls[0]!.reason) <= 123);
    });
  });
});

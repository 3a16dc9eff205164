/** EventBus: declared events only, scope and node filters, subscribers, direct delivery, one serialization per emit. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Type from 'typebox';
import { defineEvent, GatewayError, presenceEvent, tickEvent, nodeInvokeRequestEvent, devicePairResolvedEvent } from '../../src/protocol/index.js';
import { createLogger, SecretRegistry } from '../../src/logging/index.js';
import { EventBus, type EventRecipient, type PreparedEvent } from '../../src/gateway/event-bus.js';
import type { CallerInfo } from '../../src/gateway/method-context.js';

const chatEvent = defineEvent({
  name: 'test.chat',
  scope: 'operator.read',
  payload: Type.Object({ text: Type.String() }, { additionalProperties: false }),
  delivery: 'subscribers',
});

interface Recorder extends EventRecipient {
  received: PreparedEvent[];
}

function recipient(connId: string, role: 'operator' | 'node' | undefined, scopes: string[] = []): Recorder {
  const received: PreparedEvent[] = [];
  const caller = role === undefined ? undefined : ({ connId, role, scopes, client: {}, remoteAddress: '127.0.0.1' } as unknown as CallerInfo);
  return { connId, caller, received, sendPreparedEvent: (event) => void received.push(event) };
}

function createBus(shouldValidatePayloads = true): EventBus {
  return new EventBus({
    events: [tickEvent, presenceEvent, devicePairResolvedEvent, nodeInvokeRequestEvent, chatEvent],
    logger: createLogger({ level: 'silent', secrets: new SecretRegistry() }),
    shouldValidatePayloads,
  });
}

const names = (r: Recorder): string[] => r.received.map((e) => e.event);

describe('EventBus', () => {
  it('lists declared names in order and refuses a name declared twice', () => {
    assert.deepEqual(createBus().names(), ['tick', 'presence', 'device.pair.resolved', 'node.invoke.request', 'test.chat']);
    assert.throws(
      () => new EventBus({ events: [tickEvent, tickEvent], logger: createLogger({ level: 'silent', secrets: new SecretRegistry() }) }),
      (e: unknown) => e instanceof GatewayError && e.code === 'DUPLICATE_EVENT',
    );
  });

  it('broadcasts to ready operators allowed by scope, to nodes only when declared, never before the handshake', () => {
    const bus = createBus();
    const reader = recipient('a', 'operator', ['operator.read']);
    const pairing = recipient('b', 'operator', ['operator.pairing']);
    const node = recipient('n', 'node');
    const handshaking = recipient('h', undefined);
    for (const r of [reader, pairing, node, handshaking]) bus.attach(r);
    bus.emit(tickEvent, { ts: 1 });
    bus.emit(presenceEvent, { presence: [] });
    bus.emit(devicePairResolvedEvent, { requestId: 'r', deviceId: 'd', decision: 'approved', ts: 1 });
    assert.deepEqual(names(reader), ['tick', 'presence']);
    // Presence needs operator.read (other clients' addresses and ids; issue 12 hole 6).
    assert.deepEqual(names(pairing), ['tick', 'device.pair.resolved']);
    assert.deepEqual(names(node), ['tick']);
    assert.deepEqual(names(handshaking), []);
  });

  it('delivers subscriber events only to subscribers of the key, and stops after unsubscribe or detach', () => {
    const bus = createBus();
    const [a, b, c] = [recipient('a', 'operator', ['operator.read']), recipient('b', 'operator', ['operator.read']), recipient('c', 'operator', ['operator.read'])];
    for (const r of [a, b, c]) bus.attach(r);
    const unsubscribeA = bus.subscribe('a', 'session-1');
    bus.subscribe('b', 'session-1');
    bus.subscribe('c', 'session-2');
    assert.equal(bus.emit(chatEvent, { text: 'hi' }, { key: 'session-1' }), 2);
    unsubscribeA();
    bus.detach('b');
    assert.equal(bus.subscriberCount('session-1'), 0);
    assert.equal(bus.emit(chatEvent, { text: 'again' }, { key: 'session-1' }), 0);
    assert.deepEqual([names(a), names(b), names(c)], [['test.chat'], ['test.chat'], []]);
    bus.subscribe('b', 'session-1'); // b closed while its subscribe request ran
    assert.equal(bus.subscriberCount('session-1'), 0);
  });

  it('still applies the scope to subscribers', () => {
    const bus = createBus();
    const noRead = recipient('x', 'operator', ['operator.approvals']);
    bus.attach(noRead);
    bus.subscribe('x', 'k');
    assert.equal(bus.emit(chatEvent, { text: 'secret' }, { key: 'k' }), 0);
  });

  it('sends a direct event to the one named connection', () => {
    const bus = createBus();
    const node = recipient('n1', 'node');
    const other = recipient('n2', 'node');
    bus.attach(node);
    bus.attach(other);
    bus.emit(nodeInvokeRequestEvent, { id: 'i', nodeId: 'n1', command: 'device.info' }, { connId: 'n1' });
    assert.deepEqual([names(node), names(other)], [['node.invoke.request'], []]);
  });

  it('narrows a broadcast event to one connection when given connId, still checking its scope', () => {
    const bus = createBus();
    const requester = recipient('a', 'operator', ['operator.read']);
    const watcher = recipient('b', 'operator', ['operator.read']);
    const pairingOnly = recipient('c', 'operator', ['operator.pairing']);
    for (const r of [requester, watcher, pairingOnly]) bus.attach(r);
    assert.equal(bus.emit(presenceEvent, { presence: [] }, { connId: 'a' }), 1);
    assert.deepEqual([names(requester), names(watcher)], [['presence'], []]);
    assert.equal(bus.emit(devicePairResolvedEvent, { requestId: 'r', deviceId: 'd', decision: 'approved', ts: 1 }, { connId: 'a' }), 0, 'no scope, no event');
    assert.equal(bus.emit(presenceEvent, { presence: [] }, { connId: 'gone' }), 0);
  });

  it('serializes the payload once per emit: every recipient gets the same prepared frame', () => {
    const bus = createBus(false);
    const recipients = Array.from({ length: 16 }, (_, i) => recipient(`c${i}`, 'operator', ['operator.read']));
    for (const r of recipients) bus.attach(r);
    let stringified = 0;
    const payload = { presence: [], toJSON: undefined as unknown };
    payload.toJSON = () => {
      stringified++;
      return { presence: [] };
    };
    bus.emitByName('presence', payload);
    assert.equal(stringified, 1);
    const prepared = new Set(recipients.map((r) => r.received[0]));
    assert.equal(prepared.size, 1);
    const [only] = prepared;
    assert.equal(`${only!.head},"seq":7${only!.tail}`, JSON.stringify({ type: 'event', event: 'presence', payload: { presence: [] }, seq: 7 }));
  });

  it('refuses an undeclared event, a missing target, and (when validating) a payload that breaks its schema', () => {
    const bus = createBus();
    assert.throws(() => bus.emitByName('nope', {}), (e: unknown) => e instanceof GatewayError && e.code === 'EVENT_NOT_DECLARED');
    assert.throws(() => bus.emit(chatEvent, { text: 'x' }), (e: unknown) => e instanceof GatewayError && e.code === 'EVENT_TARGET_MISSING' && e.message.includes('key'));
    assert.throws(() => bus.emit(nodeInvokeRequestEvent, { id: 'i', nodeId: 'n', command: 'c' }), (e: unknown) => e instanceof GatewayError && e.code === 'EVENT_TARGET_MISSING');
    assert.throws(() => bus.emitByName('tick', { ts: 'soon' }), /does not match its schema/);
  });

  it('hands a sliced emit to about sliceBytes of recipients per deferred step; a newer one stops it', () => {
    const bus = createBus();
    const readers = Array.from({ length: 10 }, (_, i) => recipient(`r${i}`, 'operator', ['operator.read']));
    for (const r of readers) bus.attach(r);
    const deferred: (() => void)[] = [];
    const defer = (next: () => void): void => void deferred.push(next);
    const frameBytes = JSON.stringify({ type: 'event', event: 'presence', payload: { presence: [] } }).length;
    assert.equal(bus.emitSliced(presenceEvent, { presence: [] }, { sliceBytes: frameBytes * 4, defer }), 10);
    assert.deepEqual(readers.map((r) => r.received.length), [1, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
    deferred.shift()!();
    assert.deepEqual(readers.map((r) => r.received.length), [1, 1, 1, 1, 1, 1, 1, 1, 0, 0]);
    bus.emitSliced(presenceEvent, { presence: [] }, { sliceBytes: frameBytes * 100, defer });
    for (let next = deferred.shift(); next !== undefined; next = deferred.shift()) next();
    assert.deepEqual(readers.map((r) => r.received.length), [2, 2, 2, 2, 2, 2, 2, 2, 1, 1], 'the older one stopped; everyone has the newest');
  });
});


/** NodeInvoker on the fake clock: the request it sends, results, timeout, abort, and failConnection. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayError } from '../../../src/protocol/index.js';
import { NodeInvoker } from '../../../src/gateway/nodes/invoker.js';
import type { NodeSession } from '../../../src/gateway/nodes/registry.js';
import { createFakeClock } from '../../helpers/fake-clock.js';

function session(sent: { event: string; payload: any }[], nodeId = 'node-1', connId = 'conn-1'): NodeSession {
  return {
    nodeId,
    connId,
    client: { id: 'node-host', version: 't', platform: 'linux', mode: 'node' } as NodeSession['client'],
    remoteIp: '127.0.0.1',
    caps: [],
    commands: ['device.info'],
    permissions: undefined,
    pathEnv: undefined,
    connectedAtMs: 0,
    lastSeenAtMs: 0,
    lastSeenReason: 'connect',
    hostStats: undefined,
    send: (event, payload) => void sent.push({ event, payload }),
    close: () => undefined,
  };
}

function setup(): { invoker: NodeInvoker; clock: ReturnType<typeof createFakeClock>; sent: { event: string; payload: any }[] } {
  const clock = createFakeClock();
  let n = 0;
  return { invoker: new NodeInvoker({ createId: () => `inv-${++n}`, clock }), clock, sent: [] };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof GatewayError);
    return error.code;
  }
  assert.fail('expected a rejection');
}

describe('NodeInvoker', () => {
  it('sends node.invoke.request with params as JSON and resolves with the parsed result', async () => {
    const { invoker, sent } = setup();
    const outcome = invoker.invoke({ session: session(sent), command: 'device.info', params: { a: 1 }, timeoutMs: 1000, idempotencyKey: 'k1' });
    assert.deepEqual(sent, [{ event: 'node.invoke.request', payload: { id: 'inv-1', nodeId: 'node-1', command: 'device.info', timeoutMs: 1000, idempotencyKey: 'k1', paramsJSON: '{"a":1}' } }]);
    assert.deepEqual(invoker.deliverResult('node-1', { id: 'inv-1', nodeId: 'node-1', ok: true, payloadJSON: '{"b":2}' }), { ok: true });
    assert.deepEqual(await outcome, { payload: { b: 2 }, payloadJSON: '{"b":2}' });
    assert.equal(invoker.pendingCount, 0);
  });

  it('sends every call to the node: dedupe is the dispatcher\'s job now, not the invoker\'s', () => {
    const { invoker, sent } = setup();
    const node = session(sent);
    void invoker.invoke({ session: node, command: 'device.info', params: undefined, timeoutMs: 1000, idempotencyKey: 'same' }).catch(() => undefined);
    void invoker.invoke({ session: node, command: 'device.info', params: undefined, timeoutMs: 1000, idempotencyKey: 'same' }).catch(() => undefined);
    assert.equal(sent.length, 2);
    invoker.failConnection('conn-1');
  });

  it('times out after timeoutMs on the clock with NODE_INVOKE_TIMEOUT, and ignores a late result', async () => {
    const { invoker, clock, sent } = setup();
    const outcome = invoker.invoke({ session: session(sent), command: 'device.info', params: undefined, timeoutMs: 500, idempotencyKey: 'k' });
    clock.advance(499);
    assert.equal(invoker.pendingCount, 1);
    clock.advance(1);
    assert.equal(await codeOf(outcome), 'NODE_INVOKE_TIMEOUT');
    assert.deepEqual(invoker.deliverResult('node-1', { id: 'inv-1', nodeId: 'node-1', ok: true }), { ok: true, ignored: true });
    assert.equal(clock.pendingTimers, 0);
  });

  it('fails with REQUEST_ABORTED when the caller aborts, clearing the timer', async () => {
    const { invoker, clock, sent } = setup();
    const controller = new AbortController();
    const outcome = invoker.invoke({ session: session(sent), command: 'system.run', params: undefined, timeoutMs: 60_000, idempotencyKey: 'k', signal: controller.signal });
    controller.abort(new Error('run cancelled'));
    assert.equal(await codeOf(outcome), 'REQUEST_ABORTED');
    assert.equal(invoker.pendingCount, 0);
    assert.equal(clock.pendingTimers, 0);
  });

  it('refuses at once, without asking the node, when the signal is already aborted', async () => {
    const { invoker, sent } = setup();
    const outcome = invoker.invoke({ session: session(sent), command: 'system.run', params: undefined, timeoutMs: 1000, idempotencyKey: 'k', signal: AbortSignal.abort() });
    assert.equal(await codeOf(outcome), 'REQUEST_ABORTED');
    assert.equal(sent.length, 0);
  });

  it('fails only the invokes of a closed connection with NOT_CONNECTED', async () => {
    const { invoker, sent } = setup();
    const gone = invoker.invoke({ session: session(sent, 'node-1', 'conn-1'), command: 'device.info', params: undefined, timeoutMs: 1000, idempotencyKey: 'a' });
    const staying = invoker.invoke({ session: session(sent, 'node-2', 'conn-2'), command: 'device.info', params: undefined, timeoutMs: 1000, idempotencyKey: 'b' });
    assert.equal(invoker.failConnection('conn-1'), 1);
    assert.equal(await codeOf(gone), 'NOT_CONNECTED');
    assert.equal(invoker.pendingCount, 1);
    invoker.deliverResult('node-2', { id: 'inv-2', nodeId: 'node-2', ok: true, payload: { ok: 1 } });
    assert.deepEqual(await staying, { payload: { ok: 1 }, payloadJSON: '{"ok":1}' });
  });

  it('refuses a result for another node with NODE_ID_MISMATCH', () => {
    const { invoker, sent } = setup();
    void invoker.invoke({ session: session(sent), command: 'device.info', params: undefined, timeoutMs: 1000, idempotencyKey: 'k' }).catch(() => undefined);
    assert.throws(() => invoker.deliverResult('node-2', { id: 'inv-1', nodeId: 'node-1', ok: true }), (e: unknown) => e instanceof GatewayError && e.code === 'NODE_ID_MISMATCH');
    assert.throws(() => invoker.deliverResult('node-2', { id: 'inv-1', nodeId: 'node-2', ok: true }), (e: unknown) => e instanceof GatewayError && e.code === 'NODE_ID_MISMATCH');
    invoker.failConnection('conn-1');
  });
});

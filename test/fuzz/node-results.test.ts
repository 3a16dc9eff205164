/**
 * Property: whatever a connected, approved node sends as `node.invoke.result` — random shapes, wrong
 * ids, another node's id, huge or deeply nested payloads, payloadJSON that is not JSON — the node gets
 * a response (ok, or a coded error), the operator's `node.invoke` ends with the node's answer or a
 * coded error (never a hang past its timeout, never an uncoded failure), and the gateway keeps
 * serving. Real gateway, real sockets.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { fuzzRuns, fuzzSeed } from '../helpers/fuzz.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { approveNode, call, openNodeSocket, type TestNode } from '../helpers/node-socket.js';
import { openAuthenticatedSocket, type RawSocket } from '../helpers/raw-socket.js';

const CODED = /^[A-Z][A-Z_]+$/;

function nested(depth: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i += 1) value = { a: value };
  return value;
}

describe('fuzz: node results', () => {
  let gateway: TestGateway;
  let admin: RawSocket;
  let node: TestNode;
  before(async () => {
    gateway = await startTestGateway();
    admin = await openAuthenticatedSocket(gateway.url, gateway.token!, ['operator.admin', 'operator.write', 'operator.read', 'operator.pairing']);
    node = await openNodeSocket(gateway.url, gateway.token!, { commands: ['device.info'] });
    await approveNode(admin, node.nodeId);
  });
  after(async () => {
    node.socket.close();
    admin.socket.close();
    await gateway.stop();
  });

  it('answers every node.invoke.result shape with ok or a coded error and ends every invoke', async () => {
    const payload = fc.oneof(fc.jsonValue({ maxDepth: 5 }), fc.constant(nested(2000)), fc.string({ maxLength: 2000 }).map((s) => s.repeat(50)));
    const result = fc.record(
      {
        id: fc.oneof({ arbitrary: fc.constant('__REAL__'), weight: 4 }, fc.string({ maxLength: 20 }), fc.jsonValue()),
        nodeId: fc.oneof({ arbitrary: fc.constant('__NODE__'), weight: 4 }, fc.string({ maxLength: 20 }), fc.jsonValue()),
        ok: fc.oneof(fc.boolean(), fc.jsonValue()),
        payload,
        payloadJSON: fc.oneof(payload.map((p) => JSON.stringify(p)), fc.string(), fc.jsonValue()),
        error: fc.oneof(fc.record({ code: fc.string({ maxLength: 30 }), message: fc.string({ maxLength: 200 }) }, { requiredKeys: [] }), fc.jsonValue()),
        extra: fc.jsonValue({ maxDepth: 2 }),
      },
      { requiredKeys: [] },
    );
    let round = 0;
    await fc.assert(
      fc.asyncProperty(result, async (raw) => {
        round += 1;
        const invoke = call(admin, 'node.invoke', { nodeId: node.nodeId, command: 'device.info', params: {}, timeoutMs: 150, idempotencyKey: `fuzz-${round}` }, 5000);
        const request = await node.nextInvoke();
        const params: Record<string, unknown> = { ...raw };
        if (params['id'] === '__REAL__') params['id'] = request['id'];
        if (params['nodeId'] === '__NODE__') params['nodeId'] = node.nodeId;
        const ack = await call(node, 'node.invoke.result', params, 5000);
        if (ack['ok'] !== true) assert.match(String(ack['error']?.details?.code ?? ack['error']?.code), CODED, JSON.stringify(ack).slice(0, 300));
        const res = await invoke;
        if (res['ok'] !== true) assert.match(String(res['error']?.details?.code ?? res['error']?.code), CODED, JSON.stringify(res).slice(0, 300));
      }),
      { numRuns: fuzzRuns(30), seed: fuzzSeed(1221) },
    );
    // Still serving everyone, including node.list / node.describe over whatever was stored.
    assert.equal((await call(admin, 'health', {}))['ok'], true);
    assert.equal((await call(admin, 'node.list', {}))['ok'], true);
    assert.equal((await call(admin, 'node.describe', { nodeId: node.nodeId }))['ok'], true);
  });
});

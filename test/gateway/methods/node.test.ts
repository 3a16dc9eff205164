/** node.* over real sockets: surface approval, listing, and node.invoke routing with every failure path. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { openAuthenticatedSocket, type RawSocket } from '../../helpers/raw-socket.js';
import { approveNode, call, openNodeSocket, type TestNode } from '../../helpers/node-socket.js';

const ADMIN = ['operator.admin', 'operator.pairing', 'operator.write', 'operator.read'];

/** The payload of an event or response frame, for reading fields. */
function payloadOf(frame: Record<string, unknown>): Record<string, any> {
  return frame['payload'] as Record<string, any>;
}

function errorOf(res: Record<string, any>): { code: string; detail: string; message: string; details: Record<string, any> } {
  assert.equal(res['ok'], false, `expected an error, got ${JSON.stringify(res)}`);
  return { code: res['error'].code, detail: res['error'].details?.code, message: res['error'].message, details: res['error'].details };
}

describe('node.* methods', () => {
  let gateway: TestGateway;
  let admin: RawSocket;
  const sockets: RawSocket[] = [];
  const track = <T extends RawSocket>(socket: T): T => {
    sockets.push(socket);
    return socket;
  };

  before(async () => {
    gateway = await startTestGateway({ config: { gateway: { nodes: { commands: { deny: ['secret.read'], allow: ['camera.snap'] } } } } });
    admin = track(await openAuthenticatedSocket(gateway.url, gateway.token!, ADMIN));
  });
  after(async () => {
    for (const socket of sockets) socket.socket.terminate();
    await gateway.stop();
  });

  describe('surface approval (node.pair.*)', () => {
    it('files a pending request for a new node and broadcasts node.pair.requested to pairing operators', async () => {
      const pairing = track(await openAuthenticatedSocket(gateway.url, gateway.token!, ['operator.pairing']));
      const reader = track(await openAuthenticatedSocket(gateway.url, gateway.token!, ['operator.read']));
      const node = track(await openNodeSocket(gateway.url, gateway.token!, { commands: ['system.which', 'system.run'] }));
      const event = await pairing.waitFor((f) => f['event'] === 'node.pair.requested' && payloadOf(f).nodeId === node.nodeId);
      assert.deepEqual(payloadOf(event).commands, ['system.which', 'system.run']);
      assert.deepEqual(payloadOf(event).requiredApproveScopes, ['operator.pairing', 'operator.admin']);
      assert.equal(payloadOf(event).clientId, 'node-host');
      const list = await call(pairing, 'node.pair.list');
      assert.ok(list['payload'].pending.some((p: any) => p.nodeId === node.nodeId && p.requestId === payloadOf(event).requestId));
      assert.equal(reader.frames.some((f) => f['event'] === 'node.pair.requested'), false, 'operator.read does not see pairing events');
    });

    it('refuses to approve system.run/system.which without operator.admin (MISSING_SCOPE)', async () => {
      const pairing = track(await openAuthenticatedSocket(gateway.url, gateway.token!, ['operator.pairing', 'operator.write']));
      const node = track(await openNodeSocket(gateway.url, gateway.token!, { commands: ['system.which'] }));
      const list = await call(pairing, 'node.pair.list');
      const pending = list['payload'].pending.find((p: any) => p.nodeId === node.nodeId);
      const error = errorOf(await call(pairing, 'node.pair.approve', { requestId: pending.requestId }));
      assert.equal(error.code, 'FORBIDDEN');
      assert.equal(error.detail, 'MISSING_SCOPE');
      assert.equal(error.message, 'missing scope: operator.admin');
      assert.deepEqual(error.details['requiredScopes'], ['operator.pairing', 'operator.admin']);
    });

    it('needs operator.write on top of pairing for ordinary commands, and pairing alone for none', async () => {
      const pairingOnly = track(await openAuthenticatedSocket(gateway.url, gateway.token!, ['operator.pairing']));
      const ordinary = track(await openNodeSocket(gateway.url, gateway.token!, { commands: ['device.info'] }));
      const commandless = track(await openNodeSocket(gateway.url, gateway.token!, { commands: [], caps: [] }));
      const { pending } = (await call(pairingOnly, 'node.pair.list'))['payload'];
      const ordinaryRequest = pending.find((p: any) => p.nodeId === ordinary.nodeId);
      const commandlessRequest = pending.find((p: any) => p.nodeId === commandless.nodeId);
      assert.deepEqual(ordinaryRequest.requiredApproveScopes, ['operator.pairing', 'operator.write']);
      assert.equal(errorOf(await call(pairingOnly, 'node.pair.approve', { requestId: ordinaryRequest.requestId })).details['missingScope'], 'operator.write');
      const approved = await call(pairingOnly, 'node.pair.approve', { requestId: commandlessRequest.requestId });
      assert.equal(approved['ok'], true);
      assert.equal(approved['payload'].node.nodeId, commandless.nodeId);
    });

    it('rejects a request with node.pair.reject and answers an unknown request id with NODE_PAIR_REQUEST_NOT_FOUND', async () => {
      const node = track(await openNodeSocket(gateway.url, gateway.token!, { commands: ['device.info'] }));
      const { pending } = (await call(admin, 'node.pair.list'))['payload'];
      const request = pending.find((p: any) => p.nodeId === node.nodeId);
      const res = await call(admin, 'node.pair.reject', { requestId: request.requestId });
      assert.deepEqual(res['payload'], { requestId: request.requestId, nodeId: node.nodeId });
      await admin.waitFor((f) => f['event'] === 'node.pair.resolved' && payloadOf(f).requestId === request.requestId && payloadOf(f).decision === 'rejected');
      const error = errorOf(await call(admin, 'node.pair.reject', { requestId: request.requestId }));
      assert.equal(error.detail, 'NODE_PAIR_REQUEST_NOT_FOUND');
      assert.equal(error.code, 'INVALID_REQUEST');
    });
  });

  describe('node.list, node.describe, node.rename, node.event', () => {
    it('lists a connected approved node with its declared surface, renames it, and records host stats', async () => {
      const node = track(await openNodeSocket(gateway.url, gateway.token!, { commands: ['system.which'], displayName: 'box' }));
      await approveNode(admin, node.nodeId);
      const event = await call(node, 'node.event', { event: 'node.host.stats', payloadJSON: '{"cpuCount":2}' });
      assert.deepEqual(event['payload'], { ok: true, event: 'node.host.stats', handled: true, reason: 'updated' });
      const renamed = await call(admin, 'node.rename', { nodeId: node.nodeId, displayName: ' kitchen ' });
      assert.deepEqual(renamed['payload'], { nodeId: node.nodeId, displayName: 'kitchen' });
      const { nodes } = (await call(admin, 'node.list'))['payload'];
      const entry = nodes.find((n: any) => n.nodeId === node.nodeId);
      assert.equal(entry.displayName, 'kitchen');
      assert.equal(entry.approvalState, 'approved');
      assert.equal(entry.connected, true);
      assert.equal(entry.paired, true);
      assert.deepEqual(entry.commands, ['system.which']);
      assert.deepEqual(entry.hostStats, { cpuCount: 2 });
      const described = await call(admin, 'node.describe', { nodeId: node.nodeId });
      assert.equal(described['payload'].node.nodeId, node.nodeId);
      assert.equal(errorOf(await call(admin, 'node.describe', { nodeId: 'nope' })).detail, 'NODE_NOT_FOUND');
    });

    it('keeps node-only methods for nodes and operator methods for operators (ROLE_NOT_ALLOWED)', async () => {
      const node = track(await openNodeSocket(gateway.url, gateway.token!));
      assert.equal(errorOf(await call(node, 'node.list')).detail, 'ROLE_NOT_ALLOWED');
      const error = errorOf(await call(admin, 'node.invoke.result', { id: 'x', nodeId: 'y', ok: true }));
      assert.equal(error.detail, 'ROLE_NOT_ALLOWED');
      assert.equal(error.code, 'FORBIDDEN');
    });

    it('does not send other clients\' presence or pairing events to nodes', async () => {
      const watcher = track(await openNodeSocket(gateway.url, gateway.token!));
      const other = track(await openNodeSocket(gateway.url, gateway.token!));
      await admin.waitFor((f) => f['event'] === 'node.pair.requested' && payloadOf(f).nodeId === other.nodeId);
      const seen = watcher.frames.filter((f) => f['type'] === 'event').map((f) => f['event']);
      assert.deepEqual(seen.filter((event) => !['connect.challenge', 'tick', 'health'].includes(String(event))), []);
    });

    it('answers the OpenClaw node host housekeeping calls with the node id', async () => {
      const node = track(await openNodeSocket(gateway.url, gateway.token!));
      assert.deepEqual((await call(node, 'node.skills.update', { skills: [] }))['payload'], { nodeId: node.nodeId, skills: [] });
      assert.deepEqual((await call(node, 'node.runnerInventory.update', { protocolFeatures: ['x'] }))['payload'], { nodeId: node.nodeId });
    });
  });

  describe('node.invoke', () => {
    let node: TestNode;
    before(async () => {
      node = track(await openNodeSocket(gateway.url, gateway.token!, { commands: ['system.which', 'device.info', 'secret.read', 'camera.snap', 'camera.clip'] }));
      await approveNode(admin, node.nodeId);
    });

    it('relays node.invoke.request with paramsJSON as a string and answers with the node payload', async () => {
      const invoke = call(admin, 'node.invoke', { nodeId: node.nodeId, command: 'system.which', params: { bins: ['uname'] }, timeoutMs: 15000, idempotencyKey: 'k-happy' });
      const request = await node.nextInvoke();
      assert.deepEqual(Object.keys(request).sort(), ['command', 'id', 'idempotencyKey', 'nodeId', 'paramsJSON', 'timeoutMs']);
      assert.equal(request['nodeId'], node.nodeId);
      assert.equal(request['command'], 'system.which');
      assert.equal(request['paramsJSON'], '{"bins":["uname"]}');
      assert.equal(request['timeoutMs'], 15000);
      assert.equal(request['idempotencyKey'], 'k-happy');
      const ack = await call(node, 'node.invoke.result', { id: request['id'], nodeId: node.nodeId, ok: true, payloadJSON: '{"bins":{"uname":"/usr/bin/uname"}}' });
      assert.deepEqual(ack['payload'], { ok: true });
      const res = await invoke;
      assert.deepEqual(res['payload'], {
        ok: true,
        nodeId: node.nodeId,
        command: 'system.which',
        payload: { bins: { uname: '/usr/bin/uname' } },
        payloadJSON: '{"bins":{"uname":"/usr/bin/uname"}}',
      });
    });

    it('strips caller-supplied approval fields from params before they reach the node (GHSA-gv46)', async () => {
      const invoke = call(admin, 'node.invoke', { nodeId: node.nodeId, command: 'device.info', params: { approved: true, approvalDecision: 'allow-always', keep: 1 }, idempotencyKey: 'k-strip' });
      const request = await node.nextInvoke();
      assert.equal(request['paramsJSON'], '{"keep":1}');
      assert.equal(request['timeoutMs'], 30000, 'default timeout is 30 s');
      await call(node, 'node.invoke.result', { id: request['id'], nodeId: node.nodeId, ok: true, payload: { model: 'x' } });
      assert.deepEqual((await invoke)['payload'].payload, { model: 'x' });
    });

    it('refuses an undeclared command with NODE_COMMAND_NOT_DECLARED', async () => {
      const error = errorOf(await call(admin, 'node.invoke', { nodeId: node.nodeId, command: 'system.run', params: {}, idempotencyKey: 'k-undeclared' }));
      assert.equal(error.code, 'INVALID_REQUEST');
      assert.equal(error.detail, 'NODE_COMMAND_NOT_DECLARED');
      assert.equal(error.message, `node command not allowed: system.run is not declared by node ${node.nodeId}`);
    });

    it('refuses a command denied by gateway.nodes.commands.deny, and a dangerous one not in allow', async () => {
      const denied = errorOf(await call(admin, 'node.invoke', { nodeId: node.nodeId, command: 'secret.read', idempotencyKey: 'k-deny' }));
      assert.equal(denied.detail, 'NODE_COMMAND_DENIED');
      assert.equal(denied.message, 'node command not allowed: secret.read is blocked by gateway policy (gateway.nodes.commands.deny)');
      const dangerous = errorOf(await call(admin, 'node.invoke', { nodeId: node.nodeId, command: 'camera.clip', idempotencyKey: 'k-danger' }));
      assert.equal(dangerous.detail, 'NODE_COMMAND_DENIED');
      assert.match(dangerous.message, /add it to gateway\.nodes\.commands\.allow/);
    });

    it('refuses a command of a surface not yet approved with NODE_COMMAND_NOT_APPROVED', async () => {
      const fresh = track(await openNodeSocket(gateway.url, gateway.token!, { commands: ['device.info'] }));
      const error = errorOf(await call(admin, 'node.invoke', { nodeId: fresh.nodeId, command: 'device.info', idempotencyKey: 'k-unapproved' }));
      assert.equal(error.detail, 'NODE_COMMAND_NOT_APPROVED');
      assert.equal(error.code, 'INVALID_REQUEST');
    });

    it('needs operator.write to invoke (MISSING_SCOPE for a read-only operator)', async () => {
      const reader = track(await openAuthenticatedSocket(gateway.url, gateway.token!, ['operator.read']));
      const error = errorOf(await call(reader, 'node.invoke', { nodeId: node.nodeId, command: 'device.info', idempotencyKey: 'k-read' }));
      assert.equal(error.detail, 'MISSING_SCOPE');
      assert.equal(error.message, 'missing scope: operator.write');
    });

    it('answers NODE_INVOKE_TIMEOUT when the node does not answer within timeoutMs', async () => {
      const invoke = call(admin, 'node.invoke', { nodeId: node.nodeId, command: 'device.info', timeoutMs: 30, idempotencyKey: 'k-timeout' });
      const request = await node.nextInvoke();
      const error = errorOf(await invoke);
      assert.equal(error.code, 'UNAVAILABLE');
      assert.equal(error.detail, 'NODE_INVOKE_TIMEOUT');
      assert.equal(error.message, `node ${node.nodeId} did not answer device.info within 30 ms`);
      const late = await call(node, 'node.invoke.result', { id: request['id'], nodeId: node.nodeId, ok: true });
      assert.deepEqual(late['payload'], { ok: true, ignored: true }, 'a late result is acknowledged and ignored');
    });

    it('runs a repeated idempotencyKey once: the repeat joins the first call and gets the same answer', async () => {
      const params = { nodeId: node.nodeId, command: 'device.info', idempotencyKey: 'k-once' };
      const first = call(admin, 'node.invoke', params);
      const request = await node.nextInvoke();
      const second = call(admin, 'node.invoke', params);
      await call(node, 'node.invoke.result', { id: request['id'], nodeId: node.nodeId, ok: true, payloadJSON: '{"n":1}' });
      const [a, b] = await Promise.all([first, second]);
      assert.deepEqual(a['payload'], b['payload']);
      const third = await call(admin, 'node.invoke', params);
      assert.deepEqual(third['payload'].payload, { n: 1 });
      assert.equal(node.frames.filter((f) => f['event'] === 'node.invoke.request' && payloadOf(f).idempotencyKey === 'k-once').length, 1);
      const conflict = errorOf(await call(admin, 'node.invoke', { ...params, command: 'system.which' }));
      assert.equal(conflict.detail, 'IDEMPOTENCY_KEY_CONFLICT');
    });

    it('relays a node error as NODE_INVOKE_FAILED with the node error in details', async () => {
      const invoke = call(admin, 'node.invoke', { nodeId: node.nodeId, command: 'device.info', idempotencyKey: 'k-fail' });
      const request = await node.nextInvoke();
      await call(node, 'node.invoke.result', { id: request['id'], nodeId: node.nodeId, ok: false, error: { code: 'BROKEN', message: 'sensor offline' } });
      const error = errorOf(await invoke);
      assert.equal(error.code, 'UNAVAILABLE');
      assert.equal(error.detail, 'NODE_INVOKE_FAILED');
      assert.equal(error.message, 'node device.info failed: sensor offline');
      assert.deepEqual(error.details['nodeError'], { code: 'BROKEN', message: 'sensor offline' });
    });

    it('rejects a result from the wrong node with NODE_ID_MISMATCH and still accepts the right one', async () => {
      const other = track(await openNodeSocket(gateway.url, gateway.token!, { commands: [] }));
      const invoke = call(admin, 'node.invoke', { nodeId: node.nodeId, command: 'device.info', idempotencyKey: 'k-wrong' });
      const request = await node.nextInvoke();
      const spoofed = errorOf(await call(other, 'node.invoke.result', { id: request['id'], nodeId: node.nodeId, ok: true }));
      assert.equal(spoofed.detail, 'NODE_ID_MISMATCH');
      const ownId = errorOf(await call(other, 'node.invoke.result', { id: request['id'], nodeId: other.nodeId, ok: true }));
      assert.equal(ownId.detail, 'NODE_ID_MISMATCH');
      assert.deepEqual((await call(node, 'node.invoke.result', { id: 'unknown-id', nodeId: node.nodeId, ok: true }))['payload'], { ok: true, ignored: true });
      await call(node, 'node.invoke.result', { id: request['id'], nodeId: node.nodeId, ok: true, payloadJSON: '{}' });
      assert.equal((await invoke)['ok'], true);
    });

    it('fails an in-flight invoke with NOT_CONNECTED when the node disconnects, and refuses offline nodes', async () => {
      const leaving = track(await openNodeSocket(gateway.url, gateway.token!, { commands: ['device.info'] }));
      await approveNode(admin, leaving.nodeId);
      const invoke = call(admin, 'node.invoke', { nodeId: leaving.nodeId, command: 'device.info', idempotencyKey: 'k-drop' });
      await leaving.nextInvoke();
      leaving.socket.close();
      const error = errorOf(await invoke);
      assert.equal(error.code, 'UNAVAILABLE');
      assert.equal(error.detail, 'NOT_CONNECTED');
      assert.equal(error.message, 'node not connected');
      assert.equal(error.details['nodeCommandDispatched'], true);
      const offline = errorOf(await call(admin, 'node.invoke', { nodeId: leaving.nodeId, command: 'device.info', idempotencyKey: 'k-offline' }));
      assert.equal(offline.detail, 'NOT_CONNECTED');
      assert.equal(offline.details['nodeCommandDispatched'], false);
      const { nodes } = (await call(admin, 'node.list'))['payload'];
      const entry = nodes.find((n: any) => n.nodeId === leaving.nodeId);
      assert.equal(entry.connected, false, 'an approved node stays listed while offline');
      assert.equal(entry.lastSeenReason, 'disconnect');
    });
  });
});

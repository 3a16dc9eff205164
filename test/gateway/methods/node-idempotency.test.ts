/**
 * node.invoke's idempotency now lives on its method definition and runs in the dispatcher; these pin
 * the behaviour the invoker used to give: refusals before the node was asked are not remembered, and a
 * repeat can never join an outcome its caller may not see (the admin check runs first).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createDeviceIdentity } from '../../../src/client/index.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { openAuthenticatedSocket, type RawSocket } from '../../helpers/raw-socket.js';
import { approveNode, call, openNodeSocket } from '../../helpers/node-socket.js';

const ADMIN = ['operator.admin', 'operator.pairing', 'operator.write', 'operator.read'];

describe('node.invoke idempotency (declared on the method, run by the dispatcher)', () => {
  let gateway: TestGateway;
  let admin: RawSocket;
  const sockets: RawSocket[] = [];
  before(async () => {
    gateway = await startTestGateway();
    admin = await openAuthenticatedSocket(gateway.url, gateway.token!, ADMIN);
    sockets.push(admin);
  });
  after(async () => {
    for (const socket of sockets) socket.socket.terminate();
    await gateway.stop();
  });

  it('does not remember NOT_CONNECTED: once the node is back, the same key runs', async () => {
    const identity = createDeviceIdentity();
    const first = await openNodeSocket(gateway.url, gateway.token!, { identity, commands: ['device.info'] });
    await approveNode(admin, first.nodeId);
    first.socket.close();
    await first.closed;
    const params = { nodeId: first.nodeId, command: 'device.info', idempotencyKey: 'k-offline' };
    const offline = await call(admin, 'node.invoke', params);
    assert.equal(offline['error']?.details?.code, 'NOT_CONNECTED');
    const back = await openNodeSocket(gateway.url, gateway.token!, { identity, commands: ['device.info'] });
    sockets.push(back);
    const invoke = call(admin, 'node.invoke', params);
    const request = await back.nextInvoke();
    await call(back, 'node.invoke.result', { id: request['id'], nodeId: back.nodeId, ok: true, payload: { up: true } });
    assert.deepEqual((await invoke)['payload'].payload, { up: true });
  });

  it('checks the admin-only commands before dedupe: a writer cannot join an admin invoke by its key', async () => {
    const node = await openNodeSocket(gateway.url, gateway.token!, { commands: ['fs.listDir'] });
    sockets.push(node);
    await approveNode(admin, node.nodeId);
    const params = { nodeId: node.nodeId, command: 'fs.listDir', idempotencyKey: 'k-admin-only' };
    const invoke = call(admin, 'node.invoke', params);
    const request = await node.nextInvoke();
    await call(node, 'node.invoke.result', { id: request['id'], nodeId: node.nodeId, ok: true, payload: { entries: ['secret'] } });
    assert.deepEqual((await invoke)['payload'].payload, { entries: ['secret'] });
    const writer = await openAuthenticatedSocket(gateway.url, gateway.token!, ['operator.write']);
    sockets.push(writer);
    const replay = await call(writer, 'node.invoke', params);
    assert.equal(replay['ok'], false);
    assert.equal(replay['error'].details.code, 'MISSING_SCOPE');
  });
});

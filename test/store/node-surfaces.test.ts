/** Node command surfaces in SQLite: the NodeSurfaceStore contract, and approvals that survive a restart. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { resolveStatePaths } from '../../src/config/index.js';
import { startGateway } from '../../src/daemon/index.js';
import { StateStore } from '../../src/store/index.js';
import { createTempStateDir } from '../helpers/gateway.js';
import { approveNode, call, openNodeSocket } from '../helpers/node-socket.js';
import { openAuthenticatedSocket } from '../helpers/raw-socket.js';

const meta = { nodeId: 'n1', displayName: 'box', platform: 'linux', caps: ['system'], commands: ['system.which'] };

describe('NodeSurfaceRepository', () => {
  it('keeps one pending request per node, replacing the older one', () => {
    const store = new StateStore({ path: ':memory:' });
    try {
      const base = { ...meta, requiredApproveScopes: ['operator.pairing'], silent: false, ts: 1 };
      store.nodeSurfaces.putPending({ ...base, requestId: 'r1' } as never);
      store.nodeSurfaces.putPending({ ...base, requestId: 'r2' } as never);
      assert.deepEqual(store.nodeSurfaces.listPending().map((p) => p.requestId), ['r2']);
      assert.equal(store.nodeSurfaces.getPending('r1'), undefined);
      assert.equal(store.nodeSurfaces.getPendingForNode('n1')?.requestId, 'r2');
      assert.equal(store.nodeSurfaces.deletePending('r2'), true);
      assert.equal(store.nodeSurfaces.deletePending('r2'), false);
    } finally {
      store.close();
    }
  });

  it('upserts and deletes approved surfaces, returning copies', () => {
    const store = new StateStore({ path: ':memory:' });
    try {
      store.nodeSurfaces.putApproved({ ...meta, createdAtMs: 1, approvedAtMs: 2 } as never);
      store.nodeSurfaces.putApproved({ ...meta, displayName: 'renamed', createdAtMs: 1, approvedAtMs: 3 } as never);
      const approved = store.nodeSurfaces.getApproved('n1');
      assert.equal(approved?.displayName, 'renamed');
      (approved as { displayName: string }).displayName = 'mutated';
      assert.equal(store.nodeSurfaces.getApproved('n1')?.displayName, 'renamed');
      assert.equal(store.nodeSurfaces.listApproved().length, 1);
      assert.equal(store.nodeSurfaces.deleteApproved('n1'), true);
      assert.equal(store.nodeSurfaces.getApproved('n1'), undefined);
    } finally {
      store.close();
    }
  });
});

describe('node surface approval across a gateway restart', () => {
  it('keeps an approved node command surface: after a restart the node invokes without re-approval', async () => {
    const paths = resolveStatePaths({ env: { CLAWGATE_STATE_DIR: createTempStateDir() } });
    const token = 'restart-test-token-0123456789';
    const first = await startGateway({ paths, flags: { port: 0, token } });
    const url1 = `ws://127.0.0.1:${first.server.port}`;
    const admin1 = await openAuthenticatedSocket(url1, token, ['operator.admin']);
    const node1 = await openNodeSocket(url1, token, { commands: ['system.which'] });
    await approveNode(admin1, node1.nodeId);
    const identity = node1.identity;
    node1.socket.close();
    admin1.socket.close();
    await first.close('restart');

    const second = await startGateway({ paths, flags: { port: 0, token } });
    try {
      const url2 = `ws://127.0.0.1:${second.server.port}`;
      const node2 = await openNodeSocket(url2, token, { commands: ['system.which'], identity });
      const admin2 = await openAuthenticatedSocket(url2, token, ['operator.admin']);
      const pending = await call(admin2, 'node.pair.list');
      assert.equal((pending['payload'].pending as unknown[]).length, 0, 'no new approval request after restart');
      const invoke = call(admin2, 'node.invoke', { nodeId: node2.nodeId, command: 'system.which', params: { bins: ['sh'] }, idempotencyKey: 'k-restart' });
      const request = await node2.nextInvoke();
      node2.send({ type: 'req', id: 'r1', method: 'node.invoke.result', params: { id: request['id'], nodeId: node2.nodeId, ok: true, payloadJSON: '{"bins":{"sh":"/bin/sh"}}' } });
      const result = await invoke;
      assert.equal(result['ok'], true, JSON.stringify(result['error']));
      assert.deepEqual(result['payload'].payload, { bins: { sh: '/bin/sh' } });
      node2.socket.close();
      admin2.socket.close();
    } finally {
      await second.close('done');
    }
  });
});

/** `node.presence` over a real socket with a fake clock: sent on real changes only, paced, to readers who were there, never for keepalives. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createFakeClock } from '../../helpers/fake-clock.js';
import { startTestGateway } from '../../helpers/gateway.js';
import { call, openNodeSocket } from '../../helpers/node-socket.js';
import { openAuthenticatedSocket, type RawSocket } from '../../helpers/raw-socket.js';
import { PACED_MIN_WINDOW_MS } from '../../../src/gateway/paced-flush.js';

const nodePresence = (reader: RawSocket): Record<string, any>[] =>
  reader.frames.filter((f) => f['event'] === 'node.presence').map((f) => f['payload'] as Record<string, any>);

/** Lets frames already sent reach the reader (a round trip on its own socket). */
async function settle(reader: RawSocket): Promise<void> {
  await call(reader, 'health');
}

describe('node.presence pacing', () => {
  it('announces a connect and a disconnect once each, and nothing for keepalives or a quick reconnect', async () => {
    const clock = createFakeClock(Date.now());
    const gateway = await startTestGateway({ clock });
    try {
      const reader = await openAuthenticatedSocket(gateway.url, gateway.token!);
      const node = await openNodeSocket(gateway.url, gateway.token!, { displayName: 'kitchen' });
      await settle(reader);
      assert.deepEqual(nodePresence(reader), [], 'nothing before the window ends');
      clock.advance(1);
      const latecomer = await openAuthenticatedSocket(gateway.url, gateway.token!);
      clock.advance(PACED_MIN_WINDOW_MS);
      const connected = await reader.waitFor((f) => f['event'] === 'node.presence');
      assert.deepEqual({ ...(connected['payload'] as object), ts: 0 }, { nodeId: node.nodeId, displayName: 'kitchen', connected: true, reason: 'connect', ts: 0 });
      await settle(latecomer);
      assert.deepEqual(nodePresence(latecomer), [], 'a reader that connected after the change sees the node in node.list, not as news');

      for (let i = 0; i < 3; i++) assert.equal((await call(node, 'node.event', { event: 'node.presence.alive', payload: { trigger: 'background' } }))['payload'].handled, true);
      node.socket.close();
      await node.closed;
      const again = await openNodeSocket(gateway.url, gateway.token!, { displayName: 'kitchen', identity: node.identity });
      clock.advance(60_000);
      await settle(reader);
      assert.equal(nodePresence(reader).length, 1, 'keepalives and a reconnect within the window change nothing readers know');

      again.socket.close();
      await again.closed;
      clock.advance(60_000);
      const gone = await reader.waitFor((f) => f['event'] === 'node.presence' && (f['payload'] as any).connected === false);
      assert.equal((gone['payload'] as any).reason, 'disconnect');
      assert.equal(nodePresence(reader).length, 2);
      reader.socket.close();
      latecomer.socket.close();
    } finally {
      await gateway.stop();
    }
  });
});

/** A client that stops reading is closed with 1008 "slow consumer" instead of growing memory without bound. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestGateway } from '../helpers/gateway.js';
import { openAuthenticatedSocket } from '../helpers/raw-socket.js';

describe('slow consumer', () => {
  it('closes a socket whose send buffer passes maxBufferedBytes with 1008', async () => {
    const gateway = await startTestGateway({ config: { gateway: { maxBufferedBytes: 65_536 } } });
    try {
      const line = 'x'.repeat(180);
      for (let i = 0; i < 5000; i++) gateway.logger.info({ i }, line);
      gateway.logger.flush();
      await new Promise((resolve) => setTimeout(resolve, 200));
      const raw = await openAuthenticatedSocket(gateway.url, gateway.token!);
      // Stop reading at the TCP level: the kernel buffers fill, then ws's bufferedAmount grows.
      (raw.socket as unknown as { _socket: { pause(): void } })._socket.pause();
      for (let i = 0; i < 60; i++) raw.send({ type: 'req', id: `t${i}`, method: 'logs.tail', params: { limit: 5000, maxBytes: 1_000_000 } });
      const deadline = Date.now() + 10_000;
      while (!gateway.logLines.some((l) => l.includes('closing slow consumer')) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.ok(gateway.logLines.some((l) => l.includes('closing slow consumer')), 'gateway logged the slow consumer');
      (raw.socket as unknown as { _socket: { resume(): void } })._socket.resume();
      const closed = await raw.closed;
      assert.equal(closed.code, 1008);
      assert.equal(closed.reason, 'slow consumer');
    } finally {
      await gateway.stop();
    }
  });
});

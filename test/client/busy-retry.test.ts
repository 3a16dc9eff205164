/**
 * A gateway whose handshake table is full answers the upgrade with 503 and `Retry-After: 1`; the Node
 * client reports it as a GatewayTransportError with retryAfterMs, which the Reconnector honours
 * (reconnect storms, bench/storm.ts).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayClient, GatewayTransportError } from '../../src/client/index.js';
import { DEFAULT_ADMISSION_LIMITS } from '../../src/gateway/http/admission.js';
import { startTestGateway } from '../helpers/gateway.js';
import { openRawSocket, type RawSocket } from '../helpers/raw-socket.js';

describe('busy gateway', () => {
  it('refuses an upgrade past the per-source handshake cap with 503 + Retry-After, seen as retryAfterMs', async () => {
    const gateway = await startTestGateway();
    const held: RawSocket[] = [];
    try {
      // Sockets that never send connect hold their handshake slot (all of loopback is one source).
      for (let i = 0; i < DEFAULT_ADMISSION_LIMITS.maxPendingPerSource; i++) held.push(await openRawSocket(gateway.url));
      const client = new GatewayClient({ url: gateway.url, token: gateway.token! });
      const error = await client.connect().then(
        () => assert.fail('connected past the handshake cap'),
        (e: unknown) => e,
      );
      assert.ok(error instanceof GatewayTransportError, String(error));
      assert.equal(error.kind, 'HTTP_503');
      assert.equal(error.retryAfterMs, 1000);
    } finally {
      for (const raw of held) raw.socket.terminate();
      await gateway.stop();
    }
  });
});

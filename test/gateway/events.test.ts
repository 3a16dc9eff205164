/** Events: tick with per-connection seq (fake clock), health on change, presence on connect/disconnect, shutdown before close. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestGateway } from '../helpers/gateway.js';
import { connectFrame, openAuthenticatedSocket, openRawSocket } from '../helpers/raw-socket.js';
import { createFakeClock } from '../helpers/fake-clock.js';
import type { GatewayFeature } from '../../src/gateway/index.js';

describe('gateway events', () => {
  it('sends tick events with increasing per-connection seq every tickIntervalMs of the clock', async () => {
    const clock = createFakeClock();
    const gateway = await startTestGateway({ clock, config: { gateway: { tickIntervalMs: 1000 } } });
    try {
      const raw = await openAuthenticatedSocket(gateway.url, gateway.token!);
      clock.advance(999);
      clock.advance(1);
      const first = await raw.waitFor((f) => f['event'] === 'tick');
      assert.deepEqual(first['payload'], { ts: clock.now() });
      assert.equal(first['seq'], 1);
      clock.advance(1000);
      const second = await raw.waitFor((f) => f['event'] === 'tick' && f['seq'] === 2);
      assert.deepEqual(second['payload'], { ts: clock.now() });
      raw.socket.close();
    } finally {
      await gateway.stop();
    }
  });

  it('broadcasts health with a bumped stateVersion at the tick after its summary changed, not every tick', async () => {
    const clock = createFakeClock();
    let isRunning = true;
    const channel: GatewayFeature = {
      name: 'flaky-channel',
      contributeHealth: (snapshot) => {
        snapshot.channels['flaky'] = { running: isRunning };
      },
    };
    const gateway = await startTestGateway({ clock, features: [channel], config: { gateway: { tickIntervalMs: 1000 } } });
    try {
      const raw = await openAuthenticatedSocket(gateway.url, gateway.token!);
      const hello = raw.frames.find((f) => f['id'] === 'c1')!['payload'] as any;
      assert.equal(hello.snapshot.stateVersion.health, 1);
      clock.advance(1000);
      clock.advance(1000);
      await raw.waitFor((f) => f['event'] === 'tick' && f['seq'] === 2);
      isRunning = false;
      clock.advance(1000);
      const health = await raw.waitFor((f) => f['event'] === 'health');
      assert.deepEqual((health['payload'] as any).channels, { flaky: { running: false } });
      assert.equal((health['stateVersion'] as any).health, 2);
      clock.advance(1000);
      await raw.waitFor((f) => f['event'] === 'tick' && f['seq'] === 5);
      assert.equal(raw.frames.filter((f) => f['event'] === 'health').length, 1);
      raw.socket.close();
    } finally {
      await gateway.stop();
    }
  });

  it('broadcasts presence with stateVersion when a non-CLI client connects and leaves', async () => {
    const gateway = await startTestGateway();
    try {
      const watcher = await openAuthenticatedSocket(gateway.url, gateway.token!);
      const ui = await openRawSocket(gateway.url);
      await ui.waitFor((f) => f['event'] === 'connect.challenge');
      ui.send(connectFrame({ token: gateway.token!, params: { client: { id: 'webchat-ui', version: '1', platform: 'web', mode: 'webchat', instanceId: 'tab-1' } } }));
      const joined = await watcher.waitFor((f) => f['event'] === 'presence');
      const entries = (joined['payload'] as any).presence as any[];
      assert.ok(entries.some((e) => e.instanceId === 'tab-1' && e.reason === 'connect'));
      assert.equal(typeof (joined['stateVersion'] as any).presence, 'number');
      ui.socket.close();
      const left = await watcher.waitFor((f) => f['event'] === 'presence' && !((f['payload'] as any).presence as any[]).some((e) => e.instanceId === 'tab-1'));
      assert.ok((left['seq'] as number) > (joined['seq'] as number));
      watcher.socket.close();
    } finally {
      await gateway.stop();
    }
  });

  it('coalesces a burst of connects into a few presence broadcasts carrying everyone', async () => {
    const gateway = await startTestGateway();
    try {
      const watcher = await openAuthenticatedSocket(gateway.url, gateway.token!);
      const clients = await Promise.all(
        Array.from({ length: 20 }, async (_, i) => {
          const ui = await openRawSocket(gateway.url);
          await ui.waitFor((f) => f['event'] === 'connect.challenge');
          ui.send(connectFrame({ token: gateway.token!, params: { client: { id: 'webchat-ui', version: '1', platform: 'web', mode: 'webchat', instanceId: `tab-${i}` } } }));
          await ui.waitFor((f) => f['id'] === 'c1');
          return ui;
        }),
      );
      const complete = await watcher.waitFor((f) => f['event'] === 'presence' && ((f['payload'] as any).presence as any[]).length === 21);
      const broadcasts = watcher.frames.filter((f) => f['event'] === 'presence').length;
      assert.ok(broadcasts < 20, `expected coalesced broadcasts, got ${broadcasts} for 20 connects`);
      assert.ok(complete['stateVersion'] !== undefined);
      for (const client of clients) client.socket.close();
      watcher.socket.close();
    } finally {
      await gateway.stop();
    }
  });

  it('does not track CLI one-shot clients in presence', async () => {
    const gateway = await startTestGateway();
    try {
      const cli = await openAuthenticatedSocket(gateway.url, gateway.token!);
      cli.send({ type: 'req', id: 'p', method: 'system-presence' });
      const res = await cli.waitFor((f) => f['id'] === 'p');
      assert.equal((res['payload'] as any[]).length, 1);
      cli.socket.close();
    } finally {
      await gateway.stop();
    }
  });

  it('broadcasts shutdown, then closes every socket with 1001, on stop', async () => {
    const gateway = await startTestGateway();
    const raw = await openAuthenticatedSocket(gateway.url, gateway.token!);
    await gateway.stop();
    const shutdown = await raw.waitFor((f) => f['event'] === 'shutdown');
    assert.deepEqual(shutdown['payload'], { reason: 'test finished' });
    const closed = await raw.closed;
    assert.equal(closed.code, 1001);
  });
});

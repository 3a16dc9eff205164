/**
 * hello-ok's presence snapshot is the registry's cached serialization, spliced in: the same content as
 * system-presence, with the version it shows; during a ramp a list up to 250 ms old is reused, labelled
 * with its own (older) version so the client takes the next broadcast as newer.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createFakeClock } from '../helpers/fake-clock.js';
import { startTestGateway } from '../helpers/gateway.js';
import { call } from '../helpers/node-socket.js';
import { connectFrame, openAuthenticatedSocket, openRawSocket, type RawSocket } from '../helpers/raw-socket.js';

async function openUi(url: string, token: string, instanceId: string): Promise<RawSocket> {
  const ui = await openRawSocket(url);
  await ui.waitFor((f) => f['event'] === 'connect.challenge');
  ui.send(connectFrame({ token, params: { client: { id: 'webchat-ui', version: '1', platform: 'web', mode: 'webchat', instanceId } } }));
  await ui.waitFor((f) => f['id'] === 'c1');
  return ui;
}

const helloOf = (raw: RawSocket): Record<string, any> => raw.frames.find((f) => f['id'] === 'c1')!['payload'] as Record<string, any>;

describe('hello-ok presence snapshot', () => {
  it('gives readers the current list (as system-presence has it) and others only the gateway entry', async () => {
    const clock = createFakeClock(Date.now());
    const gateway = await startTestGateway({ clock });
    try {
      const first = await openUi(gateway.url, gateway.token!, 'tab-1');
      const reader = await openAuthenticatedSocket(gateway.url, gateway.token!);
      const listed = (await call(reader, 'system-presence'))['payload'] as any[];
      const snapshot = helloOf(reader).snapshot;
      assert.deepEqual(snapshot.presence.map((e: any) => e.instanceId), listed.map((e) => e.instanceId));
      assert.ok(snapshot.presence.some((e: any) => e.instanceId === 'tab-1'));
      assert.equal(snapshot.presence[0].reason, 'self');
      assert.equal(typeof snapshot.stateVersion.presence, 'number');

      const second = await openUi(gateway.url, gateway.token!, 'tab-2');
      const during = await openAuthenticatedSocket(gateway.url, gateway.token!);
      assert.deepEqual(helloOf(during).snapshot.presence, snapshot.presence, 'within 250 ms the serialization is reused');
      assert.deepEqual(helloOf(during).snapshot.stateVersion.presence, snapshot.stateVersion.presence, '... with the version it shows');
      clock.advance(250);
      const later = await openAuthenticatedSocket(gateway.url, gateway.token!);
      assert.deepEqual(helloOf(later).snapshot.presence.map((e: any) => e.instanceId).slice(1).sort(), ['tab-1', 'tab-2']);
      assert.ok(helloOf(later).snapshot.stateVersion.presence > snapshot.stateVersion.presence);

      const pairingOnly = await openAuthenticatedSocket(gateway.url, gateway.token!, ['operator.pairing']);
      assert.deepEqual(helloOf(pairingOnly).snapshot.presence.map((e: any) => e.reason), ['self']);
      for (const raw of [first, reader, second, during, later, pairingOnly]) raw.socket.close();
    } finally {
      await gateway.stop();
    }
  });
});

/**
 * The channels feature's parts of `health` and `status` through a real gateway with no channel
 * configured: health lists no channel, as OpenClaw does (capture openclaw-2026.9.6-health.jsonl has
 * `channels: {}`), while channels.status and status still show Telegram as known but not configured.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createChannelsFeature } from '../../src/channels/index.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { call } from '../helpers/node-socket.js';
import { openAuthenticatedSocket, type RawSocket } from '../helpers/raw-socket.js';

describe('channels feature with no channel configured', () => {
  let gateway: TestGateway;
  let operator: RawSocket;
  before(async () => {
    gateway = await startTestGateway({ features: [createChannelsFeature()] });
    operator = await openAuthenticatedSocket(gateway.url, gateway.token!, ['operator.read']);
  });
  after(async () => {
    operator.socket.close();
    await gateway.stop();
  });

  it('health lists no channel, like OpenClaw with none configured', async () => {
    const health = (await call(operator, 'health'))['payload'] as Record<string, unknown>;
    assert.deepEqual(health['channels'], {});
    assert.deepEqual(health['channelOrder'], []);
    assert.deepEqual(health['channelLabels'], {});
  });

  it('channels.status and status still show Telegram as known and not configured', async () => {
    const channels = (await call(operator, 'channels.status'))['payload'] as { channelOrder: string[]; channelAccounts: Record<string, { configured: boolean }[]> };
    assert.ok(channels.channelOrder.includes('telegram'));
    assert.equal(channels.channelAccounts['telegram']?.[0]?.configured, false);
    const status = (await call(operator, 'status'))['payload'] as { channels: { id: string; configured: unknown }[] };
    assert.deepEqual(status.channels.map((entry) => [entry.id, entry.configured]), [['telegram', false]]);
  });
});

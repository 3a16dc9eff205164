import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ChannelSupervisor, emptySnapshot, type ChannelPlugin, type ChannelRunContext } from '../../src/channels/index.js';
import { createLogger, SecretRegistry } from '../../src/logging/index.js';
import { createFakeClock } from '../helpers/fake-clock.js';

const logger = createLogger({ secrets: new SecretRegistry(), level: 'silent' });

function flakyPlugin(behaviour: { failStarts: number }) {
  let starts = 0;
  let ctx: ChannelRunContext | undefined;
  const plugin: ChannelPlugin & { starts(): number; ctx(): ChannelRunContext | undefined } = {
    id: 'fake',
    accountId: 'default',
    label: 'Fake',
    detailLabel: 'Fake channel',
    start: async (context) => {
      starts += 1;
      ctx = context;
      if (starts <= behaviour.failStarts) throw new Error(`boom ${starts}`);
    },
    stop: async () => undefined,
    send: async () => ({ status: 'sent', channel: 'fake', chatId: '1', messageIds: [] }),
    openReply: () => {
      throw new Error('unused');
    },
    snapshot: () => ({ ...emptySnapshot('default'), configured: true, enabled: true, running: true, connected: true, lifecycle: 'ready' }),
    starts: () => starts,
    ctx: () => ctx,
  };
  return plugin;
}

describe('ChannelSupervisor', () => {
  it('restarts a failing channel with doubling backoff on the injected clock and never throws', async () => {
    const clock = createFakeClock();
    const plugin = flakyPlugin({ failStarts: 3 });
    const supervisor = new ChannelSupervisor({ plugin, clock, logger, inbound: () => undefined, random: () => 0.5 });
    await supervisor.start();
    assert.equal(supervisor.snapshot().lifecycle, 'recovering');
    assert.equal(supervisor.snapshot().restartPending, true);
    assert.equal(supervisor.snapshot().lastError, 'boom 1');
    clock.advance(999);
    assert.equal(plugin.starts(), 1);
    clock.advance(1);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(plugin.starts(), 2);
    clock.advance(2000);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(plugin.starts(), 3);
    clock.advance(4000);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(plugin.starts(), 4);
    const snapshot = supervisor.snapshot();
    assert.equal(snapshot.lifecycle, 'ready');
    assert.equal(snapshot.running, true);
    assert.equal(snapshot.lastError, null);
    assert.equal(snapshot.reconnectAttempts, 3);
  });

  it('restarts after a crash reported while running', async () => {
    const clock = createFakeClock();
    const plugin = flakyPlugin({ failStarts: 0 });
    const supervisor = new ChannelSupervisor({ plugin, clock, logger, inbound: () => undefined, random: () => 0.5 });
    await supervisor.start();
    plugin.ctx()!.crashed(new Error('poll loop died'));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(supervisor.snapshot().lifecycle, 'recovering');
    assert.equal(supervisor.snapshot().lastError, 'poll loop died');
    clock.advance(1000);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(plugin.starts(), 2);
    assert.equal(supervisor.snapshot().lifecycle, 'ready');
  });

  it('stays blocked after ctx.blocked (no retries) until started again', async () => {
    const clock = createFakeClock();
    const plugin = flakyPlugin({ failStarts: 0 });
    const supervisor = new ChannelSupervisor({ plugin, clock, logger, inbound: () => undefined });
    await supervisor.start();
    plugin.ctx()!.blocked('token revoked');
    await new Promise((resolve) => setImmediate(resolve));
    clock.advance(3_600_000);
    assert.equal(plugin.starts(), 1);
    const snapshot = supervisor.snapshot();
    assert.equal(snapshot.lifecycle, 'blocked');
    assert.equal(snapshot.running, false);
    assert.equal(snapshot.lastError, 'token revoked');
    await supervisor.start();
    assert.equal(plugin.starts(), 2);
    assert.equal(supervisor.snapshot().lifecycle, 'ready');
  });

  it('ignores callbacks from a stopped generation', async () => {
    const clock = createFakeClock();
    const plugin = flakyPlugin({ failStarts: 0 });
    const supervisor = new ChannelSupervisor({ plugin, clock, logger, inbound: () => undefined });
    await supervisor.start();
    const stale = plugin.ctx()!;
    await supervisor.stop();
    stale.crashed(new Error('late'));
    stale.blocked('late');
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(supervisor.snapshot().lifecycle, 'stopped');
    assert.equal(clock.pendingTimers, 0);
  });
});

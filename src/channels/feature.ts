/**
 * @module channels/feature — messaging channels as a gateway feature (feature seam, gateway/feature.ts).
 *
 * Methods (`channels.*`, `send`), migrations (owner `channels`: pairing tables, then the Telegram
 * ingress queue), the channel part of `health` and `status`, and readiness: `/readyz` answers 503
 * while a configured account is blocked (revoked token). Channels start in the background after the
 * gateway is up, so a slow or unreachable Bot API never delays the gateway, and stop taking updates
 * first at shutdown (preClose).
 */
import type { FeatureContext, FeatureReadiness, GatewayFeature } from '../gateway/index.js';
import { GatewayError, type HealthSummary, type StatusResult } from '../protocol/index.js';
import type { Migration } from '../store/index.js';
import { DM_PAIRING_SCHEMA_SQL } from './dm-pairing.js';
import { createAgentBridge } from './agent-bridge.js';
import { createChannelMethods } from './methods/channels.js';
import { ChannelsRuntime, type ChannelsRuntimeOptions } from './runtime.js';
import { TELEGRAM_INGRESS_SCHEMA_SQL } from './telegram/ingress-store.js';

export const CHANNELS_MIGRATIONS: readonly Migration[] = [
  { owner: 'channels', version: 1, name: 'channel DM pairing requests, allow entries, command owners', sql: DM_PAIRING_SCHEMA_SQL },
  { owner: 'channels', version: 2, name: 'telegram durable update queue and poll offsets', sql: TELEGRAM_INGRESS_SCHEMA_SQL },
];

export interface ChannelsFeatureOptions extends ChannelsRuntimeOptions {
  /** Features that must be ready before channels start (the agent, when present). */
  dependsOn?: readonly string[];
}

export interface ChannelsFeature extends GatewayFeature {
  /** The running channels (undefined before onReady). */
  readonly runtime: ChannelsRuntime | undefined;
}

export function createChannelsFeature(options: ChannelsFeatureOptions = {}): ChannelsFeature {
  let runtime: ChannelsRuntime | undefined;
  let starting: Promise<void> | undefined;
  const getRuntime = (): ChannelsRuntime => {
    if (runtime === undefined) throw new GatewayError('CHANNEL_UNSUPPORTED', { channel: '(channels not started)' });
    return runtime;
  };
  return {
    name: 'channels',
    ...(options.dependsOn === undefined ? {} : { dependsOn: options.dependsOn }),
    migrations: CHANNELS_MIGRATIONS,
    methods: createChannelMethods(getRuntime),
    get runtime() {
      return runtime;
    },
    contributeHealth(snapshot: HealthSummary) {
      if (runtime === undefined) return;
      const channels = runtime.manager.healthChannels();
      Object.assign(snapshot.channels, channels);
      for (const [id, entry] of Object.entries(channels)) {
        if (!snapshot.channelOrder.includes(id)) snapshot.channelOrder.push(id);
        snapshot.channelLabels[id] = id === 'telegram' ? 'Telegram' : String(entry['label'] ?? id);
      }
    },
    contributeStatus(status: StatusResult) {
      if (runtime === undefined) return;
      for (const [id, entry] of Object.entries(runtime.manager.healthChannels({ isUnconfiguredListed: true }))) {
        status.channels.push({ id, configured: entry['configured'], running: entry['running'], connected: entry['connected'], lifecycle: entry['lifecycle'], mode: entry['mode'], lastError: entry['lastError'] });
      }
    },
    readiness(): FeatureReadiness {
      const verdict = runtime?.manager.readiness();
      if (verdict === undefined || verdict.ready) return { ready: true };
      return { ready: false, reason: verdict.blocked.map((entry) => `${entry.channel}/${entry.accountId} blocked: ${entry.reason ?? 'unknown'}`).join('; ') };
    },
    async onReady(ctx: FeatureContext) {
      // A restarted gateway (same feature object, new store): nothing may reach the previous runtime.
      runtime = undefined;
      runtime = await ChannelsRuntime.create(ctx, options);
      options.onOwnersChanged?.();
      const started = runtime;
      // In the background: the gateway listens at once; channel failures are supervised, never thrown.
      starting = started.manager.startAll().catch((error: unknown) => ctx.logger.error({ error: error instanceof Error ? error.message : String(error) }, 'channels: start failed'));
    },
    async preClose() {
      await starting;
      await runtime?.manager.stopAll();
    },
  };
}

/**
 * The agent and the channels, joined (composition root helper): turns from a channel run through the
 * agent, `agent {deliver}` sends through a channel, and exec approvals reach the owner's phone.
 */
export function withChannels(agent: GatewayFeature, options: Omit<ChannelsFeatureOptions, 'agent' | 'onCallbackQuery' | 'dependsOn'> = {}): GatewayFeature[] {
  let channels: ChannelsFeature | undefined;
  const bridge = createAgentBridge(agent, {
    channels: () => channels?.runtime,
    onApprovalRequested: (prompt) => {
      void channels?.runtime?.promptApproval(prompt).catch(() => 0);
    },
    hasApprovalRoute: () => [...(channels?.runtime?.owners() ?? [])].some((owner) => /^(telegram|tg):/.test(owner)),
  });
  channels = createChannelsFeature({
    ...options,
    dependsOn: [agent.name],
    agent: (ctx) => bridge.port(ctx),
    onOwnersChanged: () => bridge.syncApprovalRoute(),
    onCallbackQuery: (runtime, query) => runtime.decideApprovalButton(query, 'telegram', (id, decision, by) => bridge.resolveApproval(id, decision, by)),
  });
  return [bridge.agentFeature, channels];
}

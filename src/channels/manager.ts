/**
 * @module channels/manager — every channel account of this gateway: start/stop, routing, status.
 *
 * It owns one supervisor per account and the shared inbound router, and builds the
 * `channels.status` result in OpenClaw's shape (A13), the channel part of `health`, and the
 * readiness verdict (`/readyz` answers 503 while a configured account is blocked).
 */
import type { Logger } from '../logging/index.js';
import type { Clock } from '../time/index.js';
import type { ChannelAccountSnapshot, ChannelPlugin, ChannelStatusIssue, OutboundRequest, SendResult } from './channel.js';
import type { InboundRouter } from './inbound-router.js';
import { ChannelSupervisor, emptySnapshot, type RestartPolicy } from './supervisor.js';

/** A channel the gateway knows but whose config does not enable it (shown as configured:false). */
export interface ChannelDescriptor {
  id: string;
  label: string;
  detailLabel: string;
  systemImage?: string;
}

export interface ChannelManagerOptions {
  clock: Clock;
  logger: Logger;
  router: InboundRouter;
  plugins: readonly ChannelPlugin[];
  /** Channels known but not configured. */
  unconfigured?: readonly ChannelDescriptor[];
  restartPolicy?: Partial<RestartPolicy>;
  random?: () => number;
}

/** `channels.status` result (OpenClaw `ChannelsStatusResult`). */
export interface ChannelsStatus {
  ts: number;
  channelOrder: string[];
  channelLabels: Record<string, string>;
  channelDetailLabels: Record<string, string>;
  channelSystemImages: Record<string, string>;
  channelMeta: { id: string; label: string; detailLabel: string; systemImage?: string }[];
  channels: Record<string, Record<string, unknown>>;
  channelAccounts: Record<string, ChannelAccountSnapshot[]>;
  channelDefaultAccountId: Record<string, string>;
  statusIssues: ChannelStatusIssue[];
}

const MAX_STATUS_ISSUES = 50;

export class ChannelManager {
  readonly #options: ChannelManagerOptions;
  readonly #supervisors: ChannelSupervisor[];
  /** Plugins and descriptors are fixed for the manager's life: listed once. */
  #descriptorList: ChannelDescriptor[] | undefined;

  constructor(options: ChannelManagerOptions) {
    this.#options = options;
    this.#supervisors = options.plugins.map(
      (plugin) =>
        new ChannelSupervisor({
          plugin,
          clock: options.clock,
          logger: options.logger,
          inbound: (message) => options.router.accept(message),
          ...(options.restartPolicy === undefined ? {} : { policy: options.restartPolicy }),
          ...(options.random === undefined ? {} : { random: options.random }),
        }),
    );
  }

  get router(): InboundRouter {
    return this.#options.router;
  }

  /** Starts every configured account; failures become supervised retries, never a throw. */
  async startAll(): Promise<void> {
    await Promise.all(this.#supervisors.map((supervisor) => supervisor.start()));
  }

  /** Stops every account and the router (pending batches dropped, running turns aborted). */
  async stopAll(): Promise<void> {
    this.#options.router.stop();
    await Promise.all(this.#supervisors.map((supervisor) => supervisor.stop()));
  }

  /** `channels.start`: false when no such channel/account is configured. */
  async start(channel: string, accountId?: string): Promise<boolean> {
    const matches = this.#find(channel, accountId);
    for (const supervisor of matches) {
      await supervisor.stop();
      await supervisor.start();
    }
    return matches.length > 0;
  }

  /** `channels.stop`: false when no such channel/account is configured. */
  async stop(channel: string, accountId?: string): Promise<boolean> {
    const matches = this.#find(channel, accountId);
    await Promise.all(matches.map((supervisor) => supervisor.stop()));
    return matches.length > 0;
  }

  /** The running plugin for a channel (default account unless named). */
  plugin(channel: string, accountId?: string): ChannelPlugin | undefined {
    return this.#find(channel, accountId)[0]?.plugin;
  }

  /** Ids of configured channels. */
  configuredChannels(): string[] {
    return [...new Set(this.#supervisors.map((supervisor) => supervisor.plugin.id))];
  }

  /** Direct outbound delivery through a channel. */
  async send(channel: string, request: OutboundRequest): Promise<SendResult | undefined> {
    const plugin = this.plugin(channel, request.accountId);
    return plugin === undefined ? undefined : plugin.send(request);
  }

  /** The `channels.status` result; with `probe`, runs each account's live check first. */
  async status(params: { probe?: boolean; timeoutMs?: number; channel?: string } = {}): Promise<ChannelsStatus> {
    const probes = new Map<ChannelSupervisor, Record<string, unknown>>();
    if (params.probe === true) {
      await Promise.all(
        this.#supervisors
          .filter((supervisor) => params.channel === undefined || supervisor.plugin.id === params.channel)
          .map(async (supervisor) => {
            const result = await runProbe(supervisor.plugin, params.timeoutMs ?? 8000);
            if (result !== undefined) probes.set(supervisor, result);
          }),
      );
    }
    const status: ChannelsStatus = {
      ts: this.#options.clock.now(),
      channelOrder: [],
      channelLabels: {},
      channelDetailLabels: {},
      channelSystemImages: {},
      channelMeta: [],
      channels: {},
      channelAccounts: {},
      channelDefaultAccountId: {},
      statusIssues: [],
    };
    for (const descriptor of this.#descriptors()) {
      if (params.channel !== undefined && descriptor.id !== params.channel) continue;
      status.channelOrder.push(descriptor.id);
      status.channelLabels[descriptor.id] = descriptor.label;
      status.channelDetailLabels[descriptor.id] = descriptor.detailLabel;
      if (descriptor.systemImage !== undefined) status.channelSystemImages[descriptor.id] = descriptor.systemImage;
      status.channelMeta.push({ ...descriptor });
      const supervisors = this.#supervisors.filter((supervisor) => supervisor.plugin.id === descriptor.id);
      const accounts = supervisors.map((supervisor) => {
        const snapshot = supervisor.snapshot();
        const probe = probes.get(supervisor);
        return probe === undefined ? snapshot : { ...snapshot, probe, lastProbeAt: this.#options.clock.now() };
      });
      if (accounts.length === 0) accounts.push(emptySnapshot('default'));
      status.channelAccounts[descriptor.id] = accounts;
      status.channelDefaultAccountId[descriptor.id] = accounts[0]?.accountId ?? 'default';
      status.channels[descriptor.id] = channelSummary(accounts[0]);
      for (const supervisor of supervisors) status.statusIssues.push(...issuesOf(supervisor));
    }
    status.statusIssues = status.statusIssues.slice(0, MAX_STATUS_ISSUES);
    return status;
  }

  /**
   * Default-account snapshot plus `accounts{}` per channel. `health` (every client polls it) lists only
   * channels with an account, as OpenClaw does (capture openclaw-2026.9.6-health.jsonl: `channels: {}`
   * with none configured); `status` also lists known channels as configured:false.
   */
  healthChannels(options: { isUnconfiguredListed?: boolean } = {}): Record<string, Record<string, unknown>> {
    const result: Record<string, Record<string, unknown>> = {};
    for (const descriptor of this.#descriptors()) {
      const snapshots = this.#supervisors.filter((supervisor) => supervisor.plugin.id === descriptor.id).map((supervisor) => supervisor.snapshot());
      if (snapshots.length === 0 && options.isUnconfiguredListed !== true) continue;
      const first = snapshots[0] ?? emptySnapshot('default');
      result[descriptor.id] = { ...first, accounts: Object.fromEntries((snapshots.length === 0 ? [first] : snapshots).map((s) => [s.accountId, s])) };
    }
    return result;
  }

  /** Readiness: not ready while a configured, enabled account is blocked (revoked token, …). */
  readiness(): { ready: boolean; blocked: { channel: string; accountId: string; reason: string | null }[] } {
    const blocked = this.#supervisors
      .filter((supervisor) => supervisor.state === 'blocked')
      .map((supervisor) => ({ channel: supervisor.plugin.id, accountId: supervisor.plugin.accountId, reason: supervisor.snapshot().lastError }));
    return { ready: blocked.length === 0, blocked };
  }

  #find(channel: string, accountId: string | undefined): ChannelSupervisor[] {
    return this.#supervisors.filter((supervisor) => supervisor.plugin.id === channel && (accountId === undefined || supervisor.plugin.accountId === accountId));
  }

  #descriptors(): ChannelDescriptor[] {
    return (this.#descriptorList ??= this.#listDescriptors());
  }

  #listDescriptors(): ChannelDescriptor[] {
    const seen = new Map<string, ChannelDescriptor>();
    for (const { plugin } of this.#supervisors) {
      if (seen.has(plugin.id)) continue;
      const descriptor: ChannelDescriptor = { id: plugin.id, label: plugin.label, detailLabel: plugin.detailLabel };
      if (plugin.systemImage !== undefined) descriptor.systemImage = plugin.systemImage;
      seen.set(plugin.id, descriptor);
    }
    for (const descriptor of this.#options.unconfigured ?? []) if (!seen.has(descriptor.id)) seen.set(descriptor.id, descriptor);
    return [...seen.values()];
  }
}

/** OpenClaw's `channels.<id>` summary: the default account's main fields. */
function channelSummary(account: ChannelAccountSnapshot | undefined): Record<string, unknown> {
  if (account === undefined) return { configured: false, running: false };
  const summary: Record<string, unknown> = {
    configured: account.configured,
    running: account.running,
    connected: account.connected,
    lifecycle: account.lifecycle,
    mode: account.mode,
    lastStartAt: account.lastStartAt,
    lastStopAt: account.lastStopAt,
    lastError: account.lastError,
    lastProbeAt: account.lastProbeAt,
    lastInboundAt: account.lastInboundAt,
    lastOutboundAt: account.lastOutboundAt,
  };
  if (account['tokenSource'] !== undefined) summary['tokenSource'] = account['tokenSource'];
  if (account['probe'] !== undefined) summary['probe'] = account['probe'];
  return summary;
}

function issuesOf(supervisor: ChannelSupervisor): ChannelStatusIssue[] {
  const issues: ChannelStatusIssue[] = [];
  try {
    issues.push(...(supervisor.plugin.issues?.() ?? []));
  } catch {
    // A broken issues() must not break status.
  }
  const snapshot = supervisor.snapshot();
  if (snapshot.lifecycle === 'blocked' && snapshot.lastError !== null) {
    issues.push({ channel: supervisor.plugin.id, accountId: supervisor.plugin.accountId, kind: 'auth', message: snapshot.lastError });
  }
  return issues;
}

async function runProbe(plugin: ChannelPlugin, timeoutMs: number): Promise<Record<string, unknown> | undefined> {
  if (plugin.probe === undefined) return undefined;
  try {
    return await plugin.probe(timeoutMs);
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * @module channels/supervisor — keeps one channel account running without ever taking the gateway down.
 *
 * A start failure or a crash reported through `ctx.crashed` schedules a restart with exponential
 * backoff on the injected clock (1 s doubling to 5 min, ±20 % jitter). Unlike OpenClaw, which gives
 * up after 10 restarts (A12), we keep retrying at the cap: a flaky network must not need an operator.
 * `ctx.blocked` (revoked token) stops the retries until someone acts (`channels.start`), because
 * hammering Telegram with a bad token gets bots deleted (C8). Nothing a channel throws escapes.
 */
import type { Clock, TimerHandle } from '../time/index.js';
import type { Logger } from '../logging/index.js';
import type { ChannelAccountSnapshot, ChannelLifecycle, ChannelPlugin, InboundMessage } from './channel.js';

export interface RestartPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
  /** 0.2 = ±20 %. */
  jitterRatio: number;
  /** A run that lasted this long resets the backoff. */
  stableAfterMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = { initialDelayMs: 1000, maxDelayMs: 300_000, jitterRatio: 0.2, stableAfterMs: 60_000 };

export interface ChannelSupervisorOptions {
  plugin: ChannelPlugin;
  clock: Clock;
  logger: Logger;
  inbound(message: InboundMessage): void;
  policy?: Partial<RestartPolicy>;
  /** Random in [0, 1) for jitter (tests pass a constant). */
  random?: () => number;
}

type SupervisorState = 'stopped' | 'starting' | 'running' | 'waiting' | 'blocked';

export class ChannelSupervisor {
  readonly plugin: ChannelPlugin;
  readonly #options: ChannelSupervisorOptions;
  readonly #policy: RestartPolicy;
  #state: SupervisorState = 'stopped';
  #generation = 0;
  #abort: AbortController | undefined;
  #restartTimer: TimerHandle | undefined;
  #attempts = 0;
  #lastStartAt: number | null = null;
  #lastStopAt: number | null = null;
  #lastError: string | null = null;
  #nextRestartAt: number | null = null;

  constructor(options: ChannelSupervisorOptions) {
    this.plugin = options.plugin;
    this.#options = options;
    this.#policy = { ...DEFAULT_RESTART_POLICY, ...options.policy };
  }

  get state(): SupervisorState {
    return this.#state;
  }

  /** Starts the channel; resolves once the first attempt settled (a failure schedules a retry, never throws). */
  async start(): Promise<void> {
    if (this.#state === 'running' || this.#state === 'starting') return;
    this.#clearRestart();
    this.#attempts = 0;
    await this.#attempt();
  }

  /** Stops the channel and any pending restart. */
  async stop(): Promise<void> {
    this.#clearRestart();
    this.#generation += 1;
    this.#abort?.abort();
    const wasActive = this.#state !== 'stopped';
    this.#state = 'stopped';
    await this.#safeStop();
    if (wasActive) this.#lastStopAt = this.#options.clock.now();
  }

  /** The plugin's snapshot with the supervisor's view of liveness layered on top. */
  snapshot(): ChannelAccountSnapshot {
    let base: ChannelAccountSnapshot;
    try {
      base = this.plugin.snapshot();
    } catch (error) {
      base = emptySnapshot(this.plugin.accountId);
      base.lastError = `status unavailable: ${describe(error)}`;
    }
    const lifecycle = this.#lifecycle(base.lifecycle);
    return {
      ...base,
      running: this.#state === 'running' && base.running,
      connected: this.#state === 'running' && base.connected,
      lifecycle,
      lastStartAt: this.#lastStartAt,
      lastStopAt: this.#lastStopAt,
      lastError: base.lastError ?? this.#lastError,
      reconnectAttempts: this.#attempts,
      restartPending: this.#state === 'waiting',
      ...(this.#nextRestartAt === null || this.#state !== 'waiting' ? {} : { nextRestartAt: this.#nextRestartAt }),
    };
  }

  #lifecycle(fromPlugin: ChannelLifecycle): ChannelLifecycle {
    switch (this.#state) {
      case 'blocked':
        return 'blocked';
      case 'stopped':
        return 'stopped';
      case 'waiting':
      case 'starting':
        return 'recovering';
      case 'running':
        return fromPlugin === 'stopped' ? 'recovering' : fromPlugin;
    }
  }

  async #attempt(): Promise<void> {
    const generation = ++this.#generation;
    const abort = new AbortController();
    this.#abort = abort;
    this.#state = 'starting';
    this.#lastStartAt = this.#options.clock.now();
    const isCurrent = (): boolean => generation === this.#generation;
    try {
      await this.plugin.start({
        signal: abort.signal,
        clock: this.#options.clock,
        inbound: (message) => {
          if (isCurrent()) this.#options.inbound(message);
        },
        crashed: (error) => {
          if (isCurrent()) void this.#onCrash(error);
        },
        blocked: (reason) => {
          if (isCurrent()) void this.#onBlocked(reason);
        },
      });
      if (!isCurrent() || this.#state !== 'starting') return;
      this.#state = 'running';
      this.#lastError = null;
    } catch (error) {
      if (isCurrent() && this.#state === 'starting') await this.#onCrash(error);
    }
  }

  async #onCrash(error: unknown): Promise<void> {
    if (this.#state === 'stopped' || this.#state === 'blocked' || this.#state === 'waiting') return;
    const now = this.#options.clock.now();
    if (this.#lastStartAt !== null && now - this.#lastStartAt >= this.#policy.stableAfterMs) this.#attempts = 0;
    this.#lastError = describe(error);
    this.#generation += 1;
    this.#abort?.abort();
    this.#state = 'waiting';
    await this.#safeStop();
    this.#lastStopAt = this.#options.clock.now();
    if (this.#state !== 'waiting') return;
    const delayMs = this.#delayFor(this.#attempts);
    this.#attempts += 1;
    this.#nextRestartAt = this.#options.clock.now() + delayMs;
    this.#options.logger.warn({ channel: this.plugin.id, accountId: this.plugin.accountId, attempt: this.#attempts, delayMs, error: this.#lastError }, `channel ${this.plugin.id} failed; restarting in ${Math.round(delayMs / 1000)} s`);
    this.#restartTimer = this.#options.clock.setTimeout(() => {
      this.#restartTimer = undefined;
      this.#nextRestartAt = null;
      if (this.#state === 'waiting') void this.#attempt();
    }, delayMs);
  }

  async #onBlocked(reason: string): Promise<void> {
    if (this.#state === 'stopped') return;
    this.#clearRestart();
    this.#generation += 1;
    this.#abort?.abort();
    this.#state = 'blocked';
    this.#lastError = reason;
    this.#options.logger.error({ channel: this.plugin.id, accountId: this.plugin.accountId }, `channel ${this.plugin.id} blocked: ${reason}`);
    await this.#safeStop();
    this.#lastStopAt = this.#options.clock.now();
  }

  #delayFor(attempt: number): number {
    const base = Math.min(this.#policy.maxDelayMs, this.#policy.initialDelayMs * 2 ** Math.min(attempt, 30));
    const random = this.#options.random ?? Math.random;
    const jitter = 1 + this.#policy.jitterRatio * (2 * random() - 1);
    return Math.round(base * jitter);
  }

  #clearRestart(): void {
    if (this.#restartTimer !== undefined) this.#options.clock.clearTimeout(this.#restartTimer);
    this.#restartTimer = undefined;
    this.#nextRestartAt = null;
  }

  async #safeStop(): Promise<void> {
    try {
      await this.plugin.stop();
    } catch (error) {
      this.#options.logger.warn({ channel: this.plugin.id, error: describe(error) }, `channel ${this.plugin.id} did not stop cleanly`);
    }
  }
}

/** A snapshot for an account that exists in config but is not running (or whose status threw). */
export function emptySnapshot(accountId: string, overrides: Partial<ChannelAccountSnapshot> = {}): ChannelAccountSnapshot {
  return {
    accountId,
    enabled: false,
    configured: false,
    running: false,
    connected: false,
    lifecycle: 'stopped',
    mode: null,
    lastError: null,
    lastStartAt: null,
    lastStopAt: null,
    lastConnectedAt: null,
    lastEventAt: null,
    lastTransportActivityAt: null,
    lastInboundAt: null,
    lastOutboundAt: null,
    lastProbeAt: null,
    reconnectAttempts: 0,
    restartPending: false,
    ...overrides,
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

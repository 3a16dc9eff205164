/**
 * @module remote/tunnel-supervisor — keep one ssh tunnel alive: restart it with backoff when ssh dies.
 *
 * Pure policy over injected parts (how to start a tunnel, timers, clock, where state goes), so the
 * backoff sequence is tested without waiting. Backoff doubles from `initialBackoffMs` (1 s) to
 * `maxBackoffMs` (30 s) and resets once a tunnel has stayed up for `stableAfterMs` (30 s). The local
 * port is kept across restarts when it is still free, so clients keep the URL they know.
 */
import { GatewayError } from '../protocol/index.js';
import type { SshError } from './ssh-errors.js';
import type { RunningTunnel } from './ssh-tunnel.js';
import type { TunnelState } from './tunnel-state.js';
import type { Clock } from '../time/index.js';

/** The part of the one Clock (time/clock.ts) the supervisor needs: its restart timer. */
export type SupervisorTimers = Pick<Clock, 'setTimeout' | 'clearTimeout'>;

export interface TunnelSupervisorOptions {
  /**
   * Starts ssh with `localPort` as the preferred port; rejects with SSH_TUNNEL_FAILED. Errors ssh
   * reports while running go to `onRuntimeError` and are recorded as the last error.
   */
  startTunnel: (preferredLocalPort: number, onRuntimeError: (error: SshError) => void) => Promise<RunningTunnel>;
  initialState: TunnelState;
  onState: (state: TunnelState) => void;
  timers?: SupervisorTimers;
  now?: () => number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  stableAfterMs?: number;
}

export class TunnelSupervisor {
  readonly #options: TunnelSupervisorOptions;
  readonly #timers: SupervisorTimers;
  readonly #now: () => number;
  #state: TunnelState;
  #tunnel: RunningTunnel | undefined;
  #retryHandle: unknown;
  #backoffMs: number;
  #isStopped = false;

  constructor(options: TunnelSupervisorOptions) {
    this.#options = options;
    // Ref'd, unlike time's systemClock: the supervisor process lives on its restart timer between attempts.
    this.#timers = options.timers ?? { setTimeout: (cb, ms) => setTimeout(cb, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) };
    this.#now = options.now ?? Date.now;
    this.#state = { ...options.initialState };
    this.#backoffMs = options.initialBackoffMs ?? 1000;
  }

  get state(): TunnelState {
    return { ...this.#state };
  }

  /** Starts the first attempt; later attempts follow on their own. Resolves after the first attempt. */
  async start(): Promise<void> {
    await this.#attempt();
  }

  /** Stops ssh and cancels any pending restart. */
  async stop(): Promise<void> {
    this.#isStopped = true;
    if (this.#retryHandle !== undefined) this.#timers.clearTimeout(this.#retryHandle);
    this.#retryHandle = undefined;
    await this.#tunnel?.stop();
    this.#update({ state: 'stopped', sshPid: undefined, nextRetryAtMs: undefined });
  }

  async #attempt(): Promise<void> {
    this.#retryHandle = undefined;
    if (this.#isStopped) return;
    this.#update({ state: 'starting', nextRetryAtMs: undefined });
    let tunnel: RunningTunnel;
    try {
      tunnel = await this.#options.startTunnel(this.#state.localPort, (error) => {
        if (!this.#isStopped) this.#update({ lastError: { ...error, atMs: this.#now() } });
      });
    } catch (error) {
      this.#scheduleRetry(errorFromStart(error));
      return;
    }
    if (this.#isStopped) {
      await tunnel.stop();
      return;
    }
    this.#tunnel = tunnel;
    const upSinceMs = this.#now();
    this.#update({ state: 'up', sshPid: tunnel.pid, localPort: tunnel.localPort, upSinceMs });
    void tunnel.exited.then((reason) => {
      if (this.#isStopped || this.#tunnel !== tunnel) return;
      this.#tunnel = undefined;
      if (this.#now() - upSinceMs >= (this.#options.stableAfterMs ?? 30_000)) this.#backoffMs = this.#options.initialBackoffMs ?? 1000;
      this.#scheduleRetry(reason, 1);
    });
  }

  #scheduleRetry(reason: SshError, addRestarts = 0): void {
    if (this.#isStopped) return;
    const delayMs = this.#backoffMs;
    this.#backoffMs = Math.min(this.#backoffMs * 2, this.#options.maxBackoffMs ?? 30_000);
    this.#update({
      state: 'backoff',
      sshPid: undefined,
      upSinceMs: undefined,
      restarts: this.#state.restarts + addRestarts,
      lastError: { ...reason, atMs: this.#now() },
      nextRetryAtMs: this.#now() + delayMs,
    });
    this.#retryHandle = this.#timers.setTimeout(() => void this.#attempt(), delayMs);
  }

  #update(patch: Partial<TunnelState>): void {
    this.#state = { ...this.#state, ...patch };
    this.#options.onState({ ...this.#state });
  }
}

function errorFromStart(error: unknown): SshError {
  if (error instanceof GatewayError) {
    const details = error.details;
    return {
      kind: (typeof details['kind'] === 'string' ? details['kind'] : 'exited') as SshError['kind'],
      message: typeof details['reason'] === 'string' ? details['reason'] : error.message,
      fix: typeof details['fix'] === 'string' ? details['fix'] : 'run the ssh command by hand to see the full error',
    };
  }
  return { kind: 'exited', message: error instanceof Error ? error.message : String(error), fix: 'run the ssh command by hand to see the full error' };
}

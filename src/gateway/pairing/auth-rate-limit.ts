/**
 * @module gateway/pairing/auth-rate-limit — throttles wrong credentials, per client, before any expensive work.
 *
 * On by default (OpenClaw shipped it opt-in for months and was brute-forced at ~645 guesses/s, #14137):
 * - `maxAttempts` wrong credentials within `windowMs` lock the client out for `lockoutMs`; while locked,
 *   `connect` is answered AUTH_RATE_LIMITED (with `retryAfterMs`, close 1008) before any hashing or
 *   signature check runs.
 * - Only wrong credentials count (a missing one does not: that is a setup problem, not a guess); a
 *   success clears the client's record.
 * - Buckets: a browser on loopback is keyed by its Origin (ClawJacked: the loopback exemption let any
 *   page guess freely); a remote or proxied client by its resolved address, so one attacker behind a
 *   trusted proxy never locks out everyone else; local non-browser clients (the owner's CLI) share one
 *   bucket that escalates a delay (250 ms doubling to 5 s) instead of locking out.
 * Time and sleeping are injected so tests never wait.
 */
import { DEFAULT_AUTH_RATE_LIMIT, type AuthRateLimitSettings } from '../../config/index.js';
import { GatewayError } from '../../protocol/index.js';
import type { ResolvedClientAddress } from '../http/client-address.js';
import { systemClock, type Clock } from '../../time/index.js';

/** Detail codes that mean "a credential was presented and it was wrong" (extend when new credential kinds land). */
export const CREDENTIAL_FAILURE_CODES: ReadonlySet<string> = new Set([
  'AUTH_TOKEN_MISMATCH',
  'AUTH_PASSWORD_MISMATCH',
  // Guessing device tokens or setup codes is brute force too.
  'AUTH_DEVICE_TOKEN_MISMATCH',
  'AUTH_BOOTSTRAP_TOKEN_INVALID',
]);

export { DEFAULT_AUTH_RATE_LIMIT, type AuthRateLimitSettings } from '../../config/index.js';

/** First and largest delay for local non-browser clients past `maxAttempts` (OpenClaw PR #115959). */
export const LOCAL_PENALTY_INITIAL_MS = 250;
export const LOCAL_PENALTY_MAX_MS = 5_000;

/** Buckets kept at once; the oldest is dropped past this so address churn cannot exhaust memory. */
const MAX_TRACKED_CLIENTS = 10_000;


/** How a client is throttled: locked out, or (the owner's local CLI) only slowed down. */
export type ThrottlePolicy = 'lockout' | 'delay';

export interface RateLimitBucket {
  key: string;
  policy: ThrottlePolicy;
}

/** Picks the bucket for a client (see the module header). */
export function bucketFor(client: ResolvedClientAddress): RateLimitBucket {
  if (client.isBrowser && client.isLocal) return { key: `origin:${client.origin ?? 'null'}`, policy: 'lockout' };
  if (client.isLocal) return { key: 'local', policy: 'delay' };
  return { key: `address:${client.address}`, policy: 'lockout' };
}

interface BucketState {
  failuresMs: number[];
  lockedUntilMs: number;
}

export interface AuthAttemptEvents {
  /** Called once when a bucket becomes locked (log it; not per refused attempt, to keep logs small). */
  onLockout?(bucket: RateLimitBucket, lockoutMs: number): void;
}

/** The limiter: one record per bucket, failure timestamps in a sliding window. */
export class AuthRateLimiter {
  readonly settings: AuthRateLimitSettings;
  readonly #clock: Clock;
  readonly #events: AuthAttemptEvents;
  readonly #buckets = new Map<string, BucketState>();

  constructor(settings: AuthRateLimitSettings = DEFAULT_AUTH_RATE_LIMIT, clock: Clock = systemClock, events: AuthAttemptEvents = {}) {
    this.settings = settings;
    this.#clock = clock;
    this.#events = events;
  }

  /**
   * Runs one authentication attempt for `client`: refuses it at once when locked out, delays it when a
   * local client is in penalty, then records the outcome. Errors from `attempt` are rethrown.
   */
  async run<T>(client: ResolvedClientAddress, attempt: () => T | Promise<T>): Promise<T> {
    if (!this.settings.enabled) return attempt();
    const bucket = bucketFor(client);
    const retryAfterMs = this.lockedForMs(bucket);
    if (retryAfterMs > 0) throw new GatewayError('AUTH_RATE_LIMITED', {}, { retryAfterMs });
    const delayMs = this.delayFor(bucket);
    if (delayMs > 0) await this.#clock.sleep(delayMs);
    let result: T;
    try {
      result = await attempt();
    } catch (error) {
      if (error instanceof GatewayError && CREDENTIAL_FAILURE_CODES.has(error.code)) this.recordFailure(bucket);
      throw error;
    }
    this.recordSuccess(bucket);
    return result;
  }

  /** Milliseconds until `bucket` may try again (0 when not locked). Delay-policy buckets are never locked. */
  lockedForMs(bucket: RateLimitBucket): number {
    const state = this.#buckets.get(bucket.key);
    if (state === undefined) return 0;
    return Math.max(0, state.lockedUntilMs - this.#clock.now());
  }

  /** Penalty before a delay-policy bucket's next attempt: 0 below `maxAttempts` failures, then 250 ms doubling to 5 s. */
  delayFor(bucket: RateLimitBucket): number {
    if (bucket.policy !== 'delay') return 0;
    const failures = this.#recentFailures(bucket.key);
    if (failures < this.settings.maxAttempts) return 0;
    const doublings = Math.min(failures - this.settings.maxAttempts, 16);
    return Math.min(LOCAL_PENALTY_MAX_MS, LOCAL_PENALTY_INITIAL_MS * 2 ** doublings);
  }

  recordFailure(bucket: RateLimitBucket): void {
    const now = this.#clock.now();
    const state = this.#bucket(bucket.key);
    state.failuresMs = state.failuresMs.filter((at) => now - at < this.settings.windowMs);
    state.failuresMs.push(now);
    // Delay buckets keep a bounded history (enough to reach the maximum penalty).
    if (state.failuresMs.length > this.settings.maxAttempts + 32) state.failuresMs.shift();
    if (bucket.policy === 'lockout' && state.failuresMs.length >= this.settings.maxAttempts) {
      state.lockedUntilMs = now + this.settings.lockoutMs;
      state.failuresMs = [];
      this.#events.onLockout?.(bucket, this.settings.lockoutMs);
    }
  }

  recordSuccess(bucket: RateLimitBucket): void {
    this.#buckets.delete(bucket.key);
  }

  #recentFailures(key: string): number {
    const state = this.#buckets.get(key);
    if (state === undefined) return 0;
    const now = this.#clock.now();
    return state.failuresMs.filter((at) => now - at < this.settings.windowMs).length;
  }

  #bucket(key: string): BucketState {
    let state = this.#buckets.get(key);
    if (state === undefined) {
      this.#prune();
      state = { failuresMs: [], lockedUntilMs: 0 };
      this.#buckets.set(key, state);
    }
    return state;
  }

  /** Drops expired records; past the cap, drops the oldest (Map keeps insertion order). */
  #prune(): void {
    if (this.#buckets.size < MAX_TRACKED_CLIENTS) return;
    const now = this.#clock.now();
    for (const [key, state] of this.#buckets) {
      const isIdle = state.lockedUntilMs <= now && state.failuresMs.every((at) => now - at >= this.settings.windowMs);
      if (isIdle) this.#buckets.delete(key);
    }
    while (this.#buckets.size >= MAX_TRACKED_CLIENTS) {
      const oldest = this.#buckets.keys().next().value;
      if (oldest === undefined) break;
      this.#buckets.delete(oldest);
    }
  }
}

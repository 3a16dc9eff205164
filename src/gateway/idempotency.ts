/**
 * @module gateway/idempotency — the one dedupe cache, used by the dispatcher for methods that declare
 * an `idempotency` policy.
 *
 * A key is remembered from the first request until `ttlMs` after its outcome settled, in a cache of at
 * most `maxEntries` (1,000, OpenClaw's DEDUPE_MAX). A repeat with the same key either joins the first
 * request (it receives the same ack and the same final outcome, so the work never runs twice) or, with
 * `onDuplicate: 'inFlight'`, gets one immediate "still running" answer while the first is in flight.
 * A settled entry is served from the cache until it expires. When the cache is full the oldest settled
 * entry is evicted; in-flight entries never are, so the cache may briefly exceed its bound rather than
 * run a call twice.
 */
import type { ErrorShape } from '../protocol/index.js';
import type { Clock } from '../time/index.js';

/** How a request ended: its final response's payload or error. */
export type RequestOutcome = { ok: true; payload: unknown } | { ok: false; error: ErrorShape };

/** One remembered key. */
export class IdempotencyEntry {
  readonly fingerprint: string;
  readonly outcome: Promise<RequestOutcome>;
  #isSettled = false;
  #hasAck = false;
  #ack: unknown;
  #ackListeners: ((ack: unknown) => void)[] = [];
  #resolve: (outcome: RequestOutcome) => void = () => undefined;
  expiresAtMs = Number.POSITIVE_INFINITY;

  constructor(fingerprint: string) {
    this.fingerprint = fingerprint;
    this.outcome = new Promise((resolve) => {
      this.#resolve = resolve;
    });
  }

  get isSettled(): boolean {
    return this.#isSettled;
  }

  /** Calls `listener` with the first request's ack, now if it was sent already, else when it is. */
  onAck(listener: (ack: unknown) => void): void {
    if (this.#hasAck) listener(this.#ack);
    else if (!this.#isSettled) this.#ackListeners.push(listener);
  }

  recordAck(ack: unknown): void {
    this.#hasAck = true;
    this.#ack = ack;
    for (const listener of this.#ackListeners.splice(0)) listener(ack);
  }

  settle(outcome: RequestOutcome, expiresAtMs: number): void {
    this.#isSettled = true;
    this.expiresAtMs = expiresAtMs;
    this.#ackListeners = [];
    this.#resolve(outcome);
  }
}

export interface IdempotencyCacheOptions {
  clock: Clock;
  /** Most keys remembered at once (default 1,000). */
  maxEntries?: number;
}

export class IdempotencyCache {
  readonly #entries = new Map<string, IdempotencyEntry>();
  readonly #clock: Clock;
  readonly #maxEntries: number;

  constructor({ clock, maxEntries = 1000 }: IdempotencyCacheOptions) {
    this.#clock = clock;
    this.#maxEntries = maxEntries;
  }

  /** The live entry for `key`, if any (expired entries are dropped first). */
  get(key: string): IdempotencyEntry | undefined {
    this.#evictExpired();
    return this.#entries.get(key);
  }

  /** Starts remembering `key` for a request that is about to run. */
  begin(key: string, fingerprint: string): IdempotencyEntry {
    this.#makeRoom();
    const entry = new IdempotencyEntry(fingerprint);
    this.#entries.set(key, entry);
    return entry;
  }

  /** Settles `entry`; it is served for `ttlMs` more, or forgotten now when `isRemembered` is false. */
  settle(key: string, entry: IdempotencyEntry, outcome: RequestOutcome, ttlMs: number, isRemembered: boolean): void {
    entry.settle(outcome, this.#clock.now() + ttlMs);
    if (!isRemembered || ttlMs <= 0) this.#entries.delete(key);
  }

  get size(): number {
    return this.#entries.size;
  }

  #evictExpired(): void {
    const nowMs = this.#clock.now();
    for (const [key, entry] of this.#entries) {
      if (entry.isSettled && entry.expiresAtMs <= nowMs) this.#entries.delete(key);
    }
  }

  #makeRoom(): void {
    if (this.#entries.size < this.#maxEntries) return;
    this.#evictExpired();
    for (const [key, entry] of this.#entries) {
      if (this.#entries.size < this.#maxEntries) return;
      if (entry.isSettled) this.#entries.delete(key);
    }
  }
}

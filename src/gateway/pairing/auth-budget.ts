/**
 * @module gateway/pairing/auth-budget — the limits the per-client buckets cannot give on their own.
 *
 * Per-client buckets stop one client; they cannot stop many (issue 12, hole 2: ~970 guesses/min
 * from 60 parallel sockets, >100,000/min by rotating keys). Two more limits:
 * - GlobalFailureBudget: wrong credentials from every TCP client together, per window. Once spent,
 *   every TCP attempt is refused before any credential work until the window frees, except from a
 *   non-loopback source that authenticated recently (so a known phone keeps working). Loopback is
 *   never excused: any local process shares it. The owner's way in during an attack is the owner
 *   socket (config/owner-socket.ts), which the limiter does not meter.
 * - SerialDelay: the "delay" policy (local clients without Origin) hands out one attempt slot at a
 *   time, each `delayMs` after the previous one, so 60 parallel sockets get the same ~12 guesses a
 *   minute as one. A slot further away than `maxWaitMs` is refused instead of queued.
 */

/** Defaults: 60 failed attempts a minute from all TCP clients together. */
export const DEFAULT_GLOBAL_FAILURE_BUDGET = { maxFailures: 60, windowMs: 60_000 } as const;
/** How long a source that authenticated stays excused from the global budget. */
export const TRUSTED_SOURCE_TTL_MS = 24 * 60 * 60 * 1000;
/** Sources remembered as recently successful; the oldest is forgotten past this. */
const MAX_TRUSTED_SOURCES = 1024;

export class GlobalFailureBudget {
  readonly #maxFailures: number;
  readonly #windowMs: number;
  /** Failure timestamps, oldest first; never longer than maxFailures. */
  readonly #failuresMs: number[] = [];
  readonly #trusted = new Map<string, number>();

  constructor(options: { maxFailures: number; windowMs: number } = DEFAULT_GLOBAL_FAILURE_BUDGET) {
    this.#maxFailures = options.maxFailures;
    this.#windowMs = options.windowMs;
  }

  /** Milliseconds until `source` may try again; 0 when the budget has room or the source is excused. */
  retryAfterMs(source: string, nowMs: number): number {
    this.#expire(nowMs);
    if (this.#failuresMs.length < this.#maxFailures) return 0;
    if (source !== 'loopback' && (this.#trusted.get(source) ?? -Infinity) > nowMs - TRUSTED_SOURCE_TTL_MS) return 0;
    return Math.max(1, (this.#failuresMs[0] ?? nowMs) + this.#windowMs - nowMs);
  }

  recordFailure(nowMs: number): void {
    this.#expire(nowMs);
    this.#failuresMs.push(nowMs);
    if (this.#failuresMs.length > this.#maxFailures) this.#failuresMs.shift();
  }

  recordSuccess(source: string, nowMs: number): void {
    if (source === 'loopback') return;
    this.#trusted.delete(source);
    if (this.#trusted.size >= MAX_TRUSTED_SOURCES) {
      const oldest = this.#trusted.keys().next().value;
      if (oldest !== undefined) this.#trusted.delete(oldest);
    }
    this.#trusted.set(source, nowMs);
  }

  /** Failures counted in the current window. */
  failuresInWindow(nowMs: number): number {
    this.#expire(nowMs);
    return this.#failuresMs.length;
  }

  #expire(nowMs: number): void {
    while (this.#failuresMs.length > 0 && nowMs - this.#failuresMs[0]! >= this.#windowMs) this.#failuresMs.shift();
  }
}

/** Attempt slots for delay-policy buckets, handed out one after another (see the module header). */
export class SerialDelay {
  readonly #slots = new Map<string, { nextSlotMs: number; reservations: number }>();
  readonly #initialMs: number;
  readonly #maxMs: number;
  readonly #maxWaitMs: number;

  constructor(options: { initialMs: number; maxMs: number; maxWaitMs: number }) {
    this.#initialMs = options.initialMs;
    this.#maxMs = options.maxMs;
    this.#maxWaitMs = options.maxWaitMs;
  }

  /**
   * Reserves the next attempt slot of a bucket in penalty. Each reservation waits for the previous
   * one plus a delay that doubles per reservation (initialMs … maxMs), however many sockets ask at
   * once. Returns the wait in ms, or undefined when the slot is further away than maxWaitMs.
   */
  reserve(key: string, nowMs: number): number | undefined {
    const state = this.#slots.get(key) ?? { nextSlotMs: nowMs, reservations: 0 };
    const delayMs = Math.min(this.#maxMs, this.#initialMs * 2 ** Math.min(state.reservations, 16));
    const slotMs = Math.max(nowMs, state.nextSlotMs) + delayMs;
    if (slotMs - nowMs > this.#maxWaitMs) return undefined;
    this.#slots.set(key, { nextSlotMs: slotMs, reservations: state.reservations + 1 });
    return slotMs - nowMs;
  }

  /** Milliseconds until the next slot of `key` could start (for retryAfterMs). */
  nextSlotInMs(key: string, nowMs: number): number {
    return Math.max(0, (this.#slots.get(key)?.nextSlotMs ?? nowMs) - nowMs);
  }

  /** Forgets the bucket's penalty (after a success, or once its failures left the window). */
  clear(key: string): void {
    this.#slots.delete(key);
  }
}

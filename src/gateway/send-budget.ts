/**
 * @module gateway/send-budget — one budget for everything queued to slow clients, not only per socket.
 *
 * Issue 12, hole 4: 30 read-only sockets asking for 1 MB `logs.tail` pages and never reading grew RSS
 * to 2.5 GB, each staying under its own 50 MiB `maxBufferedBytes`. Before a large frame is queued, the
 * sum of every connection's send buffer is checked against `maxTotalBytes`; a connection that already
 * holds data and would push the total over is treated as a slow consumer. A connection with an empty
 * buffer is always allowed one frame, so progress never stops.
 */

/** Default budget for all send buffers together (bytes). */
export const DEFAULT_MAX_TOTAL_BUFFERED_BYTES = 128 * 1024 * 1024;

/** Frames smaller than this skip the global check (the per-connection limit still applies). */
export const SEND_BUDGET_CHECK_MIN_BYTES = 16 * 1024;

export class SendBudget {
  readonly maxTotalBytes: number;
  readonly #bufferedBytes: () => Iterable<number>;

  /** `bufferedBytes` lists each live connection's current send buffer. */
  constructor(bufferedBytes: () => Iterable<number>, maxTotalBytes = DEFAULT_MAX_TOTAL_BUFFERED_BYTES) {
    this.#bufferedBytes = bufferedBytes;
    this.maxTotalBytes = maxTotalBytes;
  }

  /** True when a frame of `frameBytes` may be queued on a connection holding `ownBufferedBytes`. */
  allows(ownBufferedBytes: number, frameBytes: number): boolean {
    if (frameBytes < SEND_BUDGET_CHECK_MIN_BYTES || ownBufferedBytes === 0) return true;
    let total = frameBytes;
    for (const bytes of this.#bufferedBytes()) {
      total += bytes;
      if (total > this.maxTotalBytes) return false;
    }
    return true;
  }
}

/**
 * @module client/core/seq-tracker — notices missed events.
 *
 * Every event frame after the handshake carries a per-connection `seq` that grows by one. A jump means
 * the client missed events (a dropped frame, a slow consumer the gateway skipped); the caller decides
 * how to recover, e.g. by re-reading state (OpenClaw's clients refresh presence and health then).
 */

/** Events `expected` … `received - 1` never arrived. */
export interface SeqGap {
  expected: number;
  received: number;
}

export class SeqTracker {
  #last: number | undefined;

  /** Records `seq`; returns the gap when it skipped ahead. Repeats and frames without seq are ignored. */
  observe(seq: unknown): SeqGap | undefined {
    if (typeof seq !== 'number' || !Number.isInteger(seq)) return undefined;
    const last = this.#last;
    if (last !== undefined && seq <= last) return undefined;
    this.#last = seq;
    if (last === undefined || seq === last + 1) return undefined;
    return { expected: last + 1, received: seq };
  }

  /** Forgets the sequence (a new connection starts its own). */
  reset(): void {
    this.#last = undefined;
  }
}

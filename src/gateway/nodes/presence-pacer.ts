/**
 * @module gateway/nodes/presence-pacer — `node.presence` sent when a node's presence really changed, paced.
 *
 * Each node connect or disconnect used to go to every reader at once: a reconnect storm of 1,000 nodes
 * with 4,500 readers is 4.5 M events. Changes are now kept per node (the newest wins) and flushed by
 * a PacedFlush, a bounded slice per flush: a node that dropped and came back within the window, or whose
 * state equals what readers were last told, sends nothing. Keepalives never reach here (service.ts records them for
 * `node.list` only).
 */
import type { NodePresencePayload } from '../../protocol/index.js';
import type { Clock, TimerHandle } from '../../time/index.js';
import { PacedFlush } from '../paced-flush.js';

/** About how long one serialized `node.presence` frame is: the pacing estimate. */
export const NODE_PRESENCE_EVENT_BYTES = 160;
/**
 * One flush hands out about this many frames (events × readers) and leaves the rest for the next: 500
 * nodes connecting under 1,500 readers is 750,000 sends, which in one go blocked the loop for seconds.
 */
export const NODE_PRESENCE_FLUSH_SENDS = 4096;

export class NodePresencePacer {
  readonly #broadcast: (payload: NodePresencePayload) => number;
  readonly #paced: PacedFlush;
  readonly #clock: Clock;
  #continuation: TimerHandle;
  /** nodeId → newest payload not yet sent. */
  readonly #dirty = new Map<string, NodePresencePayload>();
  /** Nodes readers were last told are connected, with the display name they were told. */
  readonly #announced = new Map<string, string | undefined>();
  #isStopped = false;

  /**
   * `broadcast` sends one `node.presence` to the readers that were connected when it happened
   * (`payload.ts`; later ones see the node in `node.list`) and returns how many received it.
   */
  constructor(clock: Clock, broadcast: (payload: NodePresencePayload) => number) {
    this.#clock = clock;
    this.#broadcast = broadcast;
    this.#paced = new PacedFlush({ clock, flush: () => this.#flush() });
  }

  /** Records a node's newest presence; it goes out with the next flush if it differs from the last sent. */
  record(payload: NodePresencePayload): void {
    if (this.#isStopped) return;
    this.#dirty.set(payload.nodeId, payload);
    this.#paced.markChanged();
  }

  /** Drops what is not yet sent and records nothing more (the gateway is stopping). */
  cancel(): void {
    this.#isStopped = true;
    this.#paced.cancel();
    this.#clock.clearTimeout(this.#continuation);
    this.#dirty.clear();
  }

  /** Sends the changed nodes, about NODE_PRESENCE_FLUSH_SENDS frames at most; the rest goes with the next flush. */
  #flush(): number {
    let sends = 0;
    for (const [nodeId, payload] of this.#dirty) {
      if (sends >= NODE_PRESENCE_FLUSH_SENDS) break;
      this.#dirty.delete(nodeId);
      const isAnnounced = this.#announced.has(nodeId);
      if (payload.connected && isAnnounced && this.#announced.get(nodeId) === payload.displayName) continue;
      if (!payload.connected && !isAnnounced) continue;
      if (payload.connected) this.#announced.set(nodeId, payload.displayName);
      else this.#announced.delete(nodeId);
      sends += this.#broadcast(payload);
    }
    // The rest goes on the next turn of the loop, not a whole window later: slices keep the loop free.
    if (this.#dirty.size > 0 && !this.#isStopped) this.#continuation = this.#clock.setTimeout(() => this.#flush(), 0);
    return sends * NODE_PRESENCE_EVENT_BYTES;
  }
}

/**
 * @module gateway/nodes/surface-store — where approved and pending node command surfaces are kept.
 *
 * The second approval layer (OpenClaw pairing doc, "node capability approval"): a device may be paired,
 * yet its declared `commands`/`caps` are only usable once an operator approves that surface. This
 * interface is all the node service needs from storage, so the in-memory implementation here can be
 * swapped for a SQLite one (src/store/) without touching the service. Contract for implementations:
 * - synchronous (better-sqlite3 is synchronous; the service holds no locks);
 * - at most one pending request per node id (`putPending` replaces any other for that node);
 * - records are returned as copies: callers may not mutate store state through them.
 */
import type { NodeApprovedSurface, NodePendingSurface } from '../../protocol/index.js';

export interface NodeSurfaceStore {
  /** The approved surface of `nodeId`, if any. */
  getApproved(nodeId: string): NodeApprovedSurface | undefined;
  listApproved(): NodeApprovedSurface[];
  /** Inserts or replaces the approved surface of `record.nodeId`. */
  putApproved(record: NodeApprovedSurface): void;
  /** Deletes the approved surface; true when one existed. */
  deleteApproved(nodeId: string): boolean;

  getPending(requestId: string): NodePendingSurface | undefined;
  getPendingForNode(nodeId: string): NodePendingSurface | undefined;
  listPending(): NodePendingSurface[];
  /** Inserts `record`, replacing any pending request of the same node. */
  putPending(record: NodePendingSurface): void;
  /** Deletes a pending request; true when one existed. */
  deletePending(requestId: string): boolean;
}

/** Process-lifetime store: surfaces are forgotten on restart (nodes then ask again). */
export class InMemoryNodeSurfaceStore implements NodeSurfaceStore {
  readonly #approved = new Map<string, NodeApprovedSurface>();
  readonly #pending = new Map<string, NodePendingSurface>();

  getApproved(nodeId: string): NodeApprovedSurface | undefined {
    const record = this.#approved.get(nodeId);
    return record === undefined ? undefined : structuredClone(record);
  }

  listApproved(): NodeApprovedSurface[] {
    return [...this.#approved.values()].map((record) => structuredClone(record));
  }

  putApproved(record: NodeApprovedSurface): void {
    this.#approved.set(record.nodeId, structuredClone(record));
  }

  deleteApproved(nodeId: string): boolean {
    return this.#approved.delete(nodeId);
  }

  getPending(requestId: string): NodePendingSurface | undefined {
    const record = this.#pending.get(requestId);
    return record === undefined ? undefined : structuredClone(record);
  }

  getPendingForNode(nodeId: string): NodePendingSurface | undefined {
    for (const record of this.#pending.values()) if (record.nodeId === nodeId) return structuredClone(record);
    return undefined;
  }

  listPending(): NodePendingSurface[] {
    return [...this.#pending.values()].map((record) => structuredClone(record));
  }

  putPending(record: NodePendingSurface): void {
    for (const [requestId, existing] of this.#pending) if (existing.nodeId === record.nodeId) this.#pending.delete(requestId);
    this.#pending.set(record.requestId, structuredClone(record));
  }

  deletePending(requestId: string): boolean {
    return this.#pending.delete(requestId);
  }
}

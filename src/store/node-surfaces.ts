/**
 * @module store/node-surfaces — approved and pending node command surfaces (the second approval layer),
 * kept in SQLite so a gateway restart never asks the owner to approve a node's commands again.
 *
 * Records are stored as JSON documents keyed by node id (approved) and request id (pending): the
 * node service owns their shape (protocol `NodeApprovedSurface`/`NodePendingSurface`), and nothing
 * queries inside them. Implements the gateway's `NodeSurfaceStore` contract: synchronous, one
 * pending request per node, copies out.
 */
import type { NodeApprovedSurface, NodePendingSurface } from '../protocol/index.js';
import type { SqliteDatabase } from './database.js';

export class NodeSurfaceRepository {
  readonly #db: SqliteDatabase;

  constructor(db: SqliteDatabase) {
    this.#db = db;
  }

  getApproved(nodeId: string): NodeApprovedSurface | undefined {
    const row = this.#db.prepareCached('SELECT record_json FROM node_surfaces WHERE node_id = ?').get(nodeId) as { record_json: string } | undefined;
    return row === undefined ? undefined : (JSON.parse(row.record_json) as NodeApprovedSurface);
  }

  listApproved(): NodeApprovedSurface[] {
    const rows = this.#db.prepareCached('SELECT record_json FROM node_surfaces ORDER BY node_id').all() as { record_json: string }[];
    return rows.map((row) => JSON.parse(row.record_json) as NodeApprovedSurface);
  }

  putApproved(record: NodeApprovedSurface): void {
    this.#db
      .prepareCached('INSERT INTO node_surfaces (node_id, record_json) VALUES (?, ?) ON CONFLICT(node_id) DO UPDATE SET record_json = excluded.record_json')
      .run(record.nodeId, JSON.stringify(record));
  }

  deleteApproved(nodeId: string): boolean {
    return this.#db.prepareCached('DELETE FROM node_surfaces WHERE node_id = ?').run(nodeId).changes > 0;
  }

  getPending(requestId: string): NodePendingSurface | undefined {
    const row = this.#db.prepareCached('SELECT record_json FROM node_surface_requests WHERE request_id = ?').get(requestId) as { record_json: string } | undefined;
    return row === undefined ? undefined : (JSON.parse(row.record_json) as NodePendingSurface);
  }

  getPendingForNode(nodeId: string): NodePendingSurface | undefined {
    const row = this.#db.prepareCached('SELECT record_json FROM node_surface_requests WHERE node_id = ?').get(nodeId) as { record_json: string } | undefined;
    return row === undefined ? undefined : (JSON.parse(row.record_json) as NodePendingSurface);
  }

  listPending(): NodePendingSurface[] {
    const rows = this.#db.prepareCached('SELECT record_json FROM node_surface_requests ORDER BY rowid').all() as { record_json: string }[];
    return rows.map((row) => JSON.parse(row.record_json) as NodePendingSurface);
  }

  /** Inserts `record`, replacing any pending request of the same node (one transaction). */
  putPending(record: NodePendingSurface): void {
    this.#db.transaction(() => {
      this.#db.prepareCached('DELETE FROM node_surface_requests WHERE node_id = ?').run(record.nodeId);
      this.#db.prepareCached('INSERT INTO node_surface_requests (request_id, node_id, record_json) VALUES (?, ?, ?)').run(record.requestId, record.nodeId, JSON.stringify(record));
    })();
  }

  deletePending(requestId: string): boolean {
    return this.#db.prepareCached('DELETE FROM node_surface_requests WHERE request_id = ?').run(requestId).changes > 0;
  }
}

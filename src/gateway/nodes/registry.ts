/**
 * @module gateway/nodes/registry — the nodes connected right now, by node id and by connection.
 *
 * A node's id is its device id (`connect.params.device.id`), falling back to `client.instanceId` and
 * then the connection id for device-less nodes (OpenClaw falls back to `client.id`, which is
 * `node-host` for every headless host, so it cannot tell two of them apart). One connection per node:
 * a newer connection of the same node replaces the older one.
 */
import type { ClientInfo, ConnectParams } from '../../protocol/index.js';

/** A connected node and what it declared at connect. */
export interface NodeSession {
  readonly nodeId: string;
  readonly connId: string;
  readonly client: ClientInfo;
  readonly remoteIp: string;
  readonly caps: readonly string[];
  readonly commands: readonly string[];
  readonly permissions: Readonly<Record<string, boolean>> | undefined;
  readonly pathEnv: string | undefined;
  readonly connectedAtMs: number;
  lastSeenAtMs: number;
  lastSeenReason: string;
  /** Last `node.host.stats` the node reported (opaque to the gateway). */
  hostStats: unknown;
  /** Sends an event on this node's socket only. */
  send(event: string, payload: unknown): void;
  /** Closes this node's socket. */
  close(code: number, reason: string): void;
}

/** The node id a connecting node is known by (see module header). */
export function resolveNodeId(params: Pick<ConnectParams, 'device' | 'client'>, connId: string): string {
  return params.device?.id ?? params.client.instanceId ?? connId;
}

export class NodeRegistry {
  readonly #byNodeId = new Map<string, NodeSession>();
  readonly #byConnId = new Map<string, NodeSession>();

  /** Registers `session`; returns the older session of the same node it replaced, if any. */
  register(session: NodeSession): NodeSession | undefined {
    const previous = this.#byNodeId.get(session.nodeId);
    if (previous !== undefined) this.#byConnId.delete(previous.connId);
    this.#byNodeId.set(session.nodeId, session);
    this.#byConnId.set(session.connId, session);
    return previous;
  }

  /** Forgets the session of `connId` (only if it is still the node's current one); returns it. */
  unregister(connId: string): NodeSession | undefined {
    const session = this.#byConnId.get(connId);
    if (session === undefined) return undefined;
    this.#byConnId.delete(connId);
    if (this.#byNodeId.get(session.nodeId) === session) this.#byNodeId.delete(session.nodeId);
    return session;
  }

  get(nodeId: string): NodeSession | undefined {
    return this.#byNodeId.get(nodeId);
  }

  getByConn(connId: string): NodeSession | undefined {
    return this.#byConnId.get(connId);
  }

  list(): NodeSession[] {
    return [...this.#byNodeId.values()];
  }

  get size(): number {
    return this.#byNodeId.size;
  }
}

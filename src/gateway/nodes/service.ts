/**
 * @module gateway/nodes/service — nodes as the node.* methods see them: presence, surface approval, invoke.
 *
 * Ties together the connected-node registry, the surface store (approved and pending command
 * surfaces), the command policy and the invoker. On connect a node's declared surface is compared
 * with its approved one; a new or widened surface becomes a pending request (`node.pair.requested`)
 * and, until approved, only the previously approved commands can be invoked.
 */
import {
  CloseCode,
  DEFAULT_NODE_INVOKE_TIMEOUT_MS,
  ADMIN_INVOKE_COMMANDS,
  GatewayError,
  missingScope,
  scopeSatisfies,
  type ConnectParams,
  type NodeApprovedSurface,
  type NodeEntry,
  type NodeEventParams,
  type NodeInvokeParams,
  type NodeInvokeResult,
  type NodeInvokeResultParams,
  type NodePairResolvedPayload,
  type NodePendingSurface,
  type NodePresencePayload,
} from '../../protocol/index.js';
import type { Logger } from '../../logging/index.js';
import { NodeCommandPolicy, requiredApproveScopes, type NodeCommandPolicyConfig } from './command-policy.js';
import { NodeInvoker, notConnected } from './invoker.js';
import { systemClock, type Clock } from '../../time/index.js';
import { NodePresencePacer } from './presence-pacer.js';
import { NodeRegistry, resolveNodeId, type NodeSession } from './registry.js';
import type { NodeSurfaceStore } from './surface-store.js';

/** A pending request of a node that is not connected expires this long after its last refresh. */
export const NODE_PENDING_TTL_MS = 5 * 60_000;

export interface NodeServiceOptions {
  store: NodeSurfaceStore;
  policy?: NodeCommandPolicyConfig;
  /** Broadcasts an event to every connection allowed to see it (`readyBy`: only those ready by then); returns how many received it. */
  broadcast: (event: string, payload: unknown, target?: { readyBy?: number }) => number;
  logger: Logger;
  now: () => number;
  createId: () => string;
  /** Timers for invoke timeouts (default: the system clock). */
  clock?: Clock;
}

/** A node connection as the server hands it over after `hello-ok`. */
export interface NodeConnectInput {
  connId: string;
  remoteIp: string;
  params: ConnectParams;
  send(event: string, payload: unknown): void;
  close(code: number, reason: string): void;
}

export class NodeService {
  readonly registry = new NodeRegistry();
  readonly invoker: NodeInvoker;
  readonly #store: NodeSurfaceStore;
  readonly #policy: NodeCommandPolicy;
  readonly #options: NodeServiceOptions;
  readonly #presencePacer: NodePresencePacer;

  constructor(options: NodeServiceOptions) {
    this.#options = options;
    this.#store = options.store;
    this.#policy = new NodeCommandPolicy(options.policy);
    const invokerOptions: ConstructorParameters<typeof NodeInvoker>[0] = { createId: options.createId };
    if (options.clock !== undefined) invokerOptions.clock = options.clock;
    this.invoker = new NodeInvoker(invokerOptions);
    this.#presencePacer = new NodePresencePacer(options.clock ?? systemClock, (payload) => options.broadcast('node.presence', payload, { readyBy: payload.ts }));
  }

  /** Drops `node.presence` changes not yet sent (the gateway is stopping). */
  stop(): void {
    this.#presencePacer.cancel();
  }

  /** Registers a node that completed the handshake and files a surface request when needed. */
  onConnect(input: NodeConnectInput): NodeSession {
    const { params } = input;
    const nowMs = this.#options.now();
    const session: NodeSession = {
      nodeId: resolveNodeId(params, input.connId),
      connId: input.connId,
      client: params.client,
      remoteIp: input.remoteIp,
      caps: dedupe(params.caps ?? []),
      commands: dedupe(params.commands ?? []),
      permissions: params.permissions,
      pathEnv: params.pathEnv,
      connectedAtMs: nowMs,
      lastSeenAtMs: nowMs,
      lastSeenReason: 'connect',
      hostStats: undefined,
      send: input.send,
      close: input.close,
    };
    const replaced = this.registry.register(session);
    if (replaced !== undefined) {
      this.invoker.failConnection(replaced.connId);
      this.#options.logger.info({ nodeId: session.nodeId, connId: replaced.connId }, 'node reconnected; closing its older connection');
      replaced.close(CloseCode.POLICY_VIOLATION, 'replaced by a newer connection of this node');
    }
    this.#reconcileSurface(session, nowMs);
    this.#presence(session, true, 'connect');
    return session;
  }

  /** Forgets a closed connection; its in-flight invokes fail with NOT_CONNECTED. */
  onDisconnect(connId: string): void {
    const session = this.registry.unregister(connId);
    const failed = this.invoker.failConnection(connId);
    if (session === undefined) return;
    const approved = this.#store.getApproved(session.nodeId);
    if (approved !== undefined) this.#store.putApproved({ ...approved, lastSeenAtMs: this.#options.now(), lastSeenReason: 'disconnect' });
    this.#options.logger.info({ nodeId: session.nodeId, failedInvokes: failed }, 'node disconnected');
    if (this.registry.get(session.nodeId) === undefined) this.#presence(session, false, 'disconnect');
  }

  /** The node id of a node connection (undefined for other connections). */
  nodeIdOf(connId: string): string | undefined {
    return this.registry.getByConn(connId)?.nodeId;
  }

  listSurfaces(): { pending: NodePendingSurface[]; paired: NodeApprovedSurface[] } {
    return { pending: this.#livePending(), paired: this.#store.listApproved() };
  }

  /** Approves a pending surface; the caller must hold every scope the surface requires (§4.4). */
  approve(requestId: string, callerScopes: readonly string[]): NodeApprovedSurface {
    const pending = this.#store.getPending(requestId);
    if (pending === undefined) throw new GatewayError('NODE_PAIR_REQUEST_NOT_FOUND', { requestId });
    const required = requiredApproveScopes(pending.commands);
    const missing = required.find((scope) => !scopeSatisfies(callerScopes, scope));
    if (missing !== undefined) throw missingScope(missing, required);
    const nowMs = this.#options.now();
    const existing = this.#store.getApproved(pending.nodeId);
    const session = this.registry.get(pending.nodeId);
    const record: NodeApprovedSurface = {
      ...metaOf(pending),
      // An operator-chosen name survives re-approval of a widened surface.
      ...(existing?.displayName !== undefined ? { displayName: existing.displayName } : {}),
      createdAtMs: existing?.createdAtMs ?? nowMs,
      approvedAtMs: nowMs,
      lastSeenAtMs: session?.lastSeenAtMs ?? existing?.lastSeenAtMs ?? pending.ts,
      lastSeenReason: session?.lastSeenReason ?? existing?.lastSeenReason ?? 'connect',
    };
    this.#store.putApproved(record);
    this.#store.deletePending(requestId);
    this.#resolved(pending, 'approved', nowMs);
    return record;
  }

  reject(requestId: string): { requestId: string; nodeId: string } {
    const pending = this.#store.getPending(requestId);
    if (pending === undefined) throw new GatewayError('NODE_PAIR_REQUEST_NOT_FOUND', { requestId });
    this.#store.deletePending(requestId);
    this.#resolved(pending, 'rejected', this.#options.now());
    return { requestId, nodeId: pending.nodeId };
  }

  /** Removes a node's approved surface and pending request; a connected node must be approved again. */
  remove(nodeId: string): { nodeId: string; removed: boolean } {
    const pending = this.#store.getPendingForNode(nodeId);
    if (pending !== undefined) this.#store.deletePending(pending.requestId);
    const removed = this.#store.deleteApproved(nodeId) || pending !== undefined;
    if (!removed && this.registry.get(nodeId) === undefined) throw new GatewayError('NODE_NOT_FOUND', { nodeId });
    const session = this.registry.get(nodeId);
    // Still connected: its surface is now unapproved, so file a fresh request right away.
    if (session !== undefined) this.#reconcileSurface(session, this.#options.now());
    return { nodeId, removed };
  }

  rename(nodeId: string, displayName: string): { nodeId: string; displayName: string } {
    const approved = this.#store.getApproved(nodeId);
    if (approved === undefined) throw new GatewayError('NODE_NOT_FOUND', { nodeId });
    this.#store.putApproved({ ...approved, displayName });
    return { nodeId, displayName };
  }

  /** Every known node, connected first, then by name (OpenClaw `node.list` order). */
  list(): NodeEntry[] {
    const ids = new Set<string>([...this.registry.list().map((s) => s.nodeId), ...this.#store.listApproved().map((a) => a.nodeId)]);
    for (const pending of this.#livePending()) ids.add(pending.nodeId);
    const entries = [...ids].map((nodeId) => this.#entry(nodeId)).filter((entry): entry is NodeEntry => entry !== undefined);
    return entries.sort((a, b) => Number(b.connected) - Number(a.connected) || (a.displayName ?? a.nodeId).localeCompare(b.displayName ?? b.nodeId));
  }

  describe(nodeId: string): NodeEntry {
    const entry = this.#entry(nodeId);
    if (entry === undefined) throw new GatewayError('NODE_NOT_FOUND', { nodeId });
    return entry;
  }

  /** The caller check of node.invoke beyond operator.write: some commands need admin (§4.4). */
  authorizeInvoke(command: string, callerScopes: readonly string[]): void {
    if ((ADMIN_INVOKE_COMMANDS as readonly string[]).includes(command) && !scopeSatisfies(callerScopes, 'operator.admin')) {
      throw missingScope('operator.admin');
    }
  }

  /** Routes `node.invoke` after the policy gates; see node-invoker.ts for the wire exchange. */
  async invoke(params: NodeInvokeParams, callerScopes: readonly string[], signal?: AbortSignal, approval?: { id: string; decision: string }): Promise<NodeInvokeResult> {
    const { nodeId, command } = params;
    this.authorizeInvoke(command, callerScopes);
    const session = this.registry.get(nodeId);
    if (session === undefined) throw notConnected(nodeId, false);
    this.#policy.assertInvokable({ nodeId, declared: session.commands, approved: this.#store.getApproved(nodeId)?.commands ?? [] }, command);
    const timeoutMs = params.timeoutMs === undefined || params.timeoutMs === 0 ? DEFAULT_NODE_INVOKE_TIMEOUT_MS : params.timeoutMs;
    const stripped = stripApprovalFields(params.params);
    // Only the gateway's own approval flow (the feature port, never the wire) may say a system.run was approved.
    const isApprovedRun = approval !== undefined && command === 'system.run' && typeof stripped === 'object' && stripped !== null;
    const forwarded = isApprovedRun ? { ...stripped, approved: true, approvalDecision: approval.decision, runId: approval.id } : stripped;
    const outcome = await this.invoker.invoke({ session, command, params: forwarded, timeoutMs, idempotencyKey: params.idempotencyKey, signal });
    return { ok: true, nodeId, command, payload: outcome.payload, payloadJSON: outcome.payloadJSON };
  }

  deliverResult(connId: string, result: NodeInvokeResultParams): { ok: true; ignored?: true } {
    const callerNodeId = this.nodeIdOf(connId);
    // A result on a connection no longer registered (replaced) cannot match a live invoke.
    if (callerNodeId === undefined) return { ok: true, ignored: true };
    return this.invoker.deliverResult(callerNodeId, result);
  }

  /** `node.event`: host stats and presence pings update the node; other events are acknowledged. */
  handleEvent(connId: string, params: NodeEventParams): { ok: boolean; event: string; handled: boolean; reason?: string } {
    const session = this.registry.getByConn(connId);
    if (session === undefined) return { ok: false, event: params.event, handled: false, reason: 'not-connected' };
    let payload = params.payload;
    if (params.payloadJSON !== undefined) {
      try {
        payload = JSON.parse(params.payloadJSON) as unknown;
      } catch {
        return { ok: false, event: params.event, handled: false, reason: 'invalid-payload-json' };
      }
    }
    session.lastSeenAtMs = this.#options.now();
    switch (params.event) {
      case 'node.host.stats':
        session.hostStats = payload;
        return { ok: true, event: params.event, handled: true, reason: 'updated' };
      case 'node.presence.alive':
        // Recorded for node.list (lastSeenAtMs), not broadcast: a keepalive changes nothing but a
        // timestamp, and every node's ping to every reader was nodes × readers events (bench/soak.ts).
        session.lastSeenReason = 'alive';
        return { ok: true, event: params.event, handled: true, reason: 'updated' };
      default:
        return { ok: true, event: params.event, handled: false, reason: 'unsupported' };
    }
  }

  #reconcileSurface(session: NodeSession, nowMs: number): void {
    const approved = this.#store.getApproved(session.nodeId);
    const isCovered =
      approved !== undefined && session.commands.every((c) => approved.commands.includes(c)) && session.caps.every((c) => approved.caps.includes(c));
    const existing = this.#store.getPendingForNode(session.nodeId);
    if (isCovered) {
      if (existing !== undefined) {
        this.#store.deletePending(existing.requestId);
        this.#resolved(existing, 'superseded', nowMs);
      }
      return;
    }
    if (existing !== undefined && sameSet(existing.commands, session.commands) && sameSet(existing.caps, session.caps)) {
      this.#store.putPending({ ...existing, ts: nowMs });
      return;
    }
    const pending: NodePendingSurface = {
      requestId: this.#options.createId(),
      ...metaOf({ nodeId: session.nodeId, ...clientMeta(session), caps: [...session.caps], commands: [...session.commands] }),
      remoteIp: session.remoteIp,
      requiredApproveScopes: requiredApproveScopes(session.commands),
      silent: false,
      ts: nowMs,
    };
    this.#store.putPending(pending);
    if (existing !== undefined) this.#resolved(existing, 'superseded', nowMs);
    this.#options.logger.info({ nodeId: session.nodeId, requestId: pending.requestId, commands: pending.commands.length }, 'node command surface awaiting approval');
    this.#options.broadcast('node.pair.requested', pending);
  }

  #livePending(): NodePendingSurface[] {
    const nowMs = this.#options.now();
    return this.#store.listPending().filter((pending) => {
      if (this.registry.get(pending.nodeId) !== undefined || nowMs - pending.ts < NODE_PENDING_TTL_MS) return true;
      this.#store.deletePending(pending.requestId);
      this.#resolved(pending, 'expired', nowMs);
      return false;
    });
  }

  #entry(nodeId: string): NodeEntry | undefined {
    const session = this.registry.get(nodeId);
    const approved = this.#store.getApproved(nodeId);
    const pending = this.#store.getPendingForNode(nodeId);
    const base = session !== undefined ? { nodeId, ...clientMeta(session), caps: [...session.caps], commands: [...session.commands] } : (approved ?? pending);
    if (base === undefined) return undefined;
    const entry: NodeEntry = {
      ...metaOf(base),
      sessionHost: false,
      approvalState: pending !== undefined ? 'pending' : approved !== undefined ? 'approved' : 'unapproved',
      paired: approved !== undefined,
      connected: session !== undefined,
    };
    if (approved?.displayName !== undefined) entry.displayName = approved.displayName;
    if (pending !== undefined) entry.pendingRequestId = pending.requestId;
    if (approved !== undefined) entry.approvedAtMs = approved.approvedAtMs;
    if (session !== undefined) {
      entry.remoteIp = session.remoteIp;
      entry.connectedAtMs = session.connectedAtMs;
      entry.lastSeenAtMs = session.lastSeenAtMs;
      entry.lastSeenReason = session.lastSeenReason;
      if (session.permissions !== undefined) entry.permissions = { ...session.permissions };
      if (session.pathEnv !== undefined) entry.pathEnv = session.pathEnv;
      if (session.hostStats !== undefined) entry.hostStats = session.hostStats;
    } else if (approved?.lastSeenAtMs !== undefined) {
      entry.lastSeenAtMs = approved.lastSeenAtMs;
      if (approved.lastSeenReason !== undefined) entry.lastSeenReason = approved.lastSeenReason;
    }
    return entry;
  }

  #resolved(pending: NodePendingSurface, decision: NodePairResolvedPayload['decision'], ts: number): void {
    const payload: NodePairResolvedPayload = { requestId: pending.requestId, nodeId: pending.nodeId, decision, ts };
    this.#options.broadcast('node.pair.resolved', payload);
  }

  #presence(session: NodeSession, isConnected: boolean, reason: NodePresencePayload['reason']): void {
    const payload: NodePresencePayload = { nodeId: session.nodeId, connected: isConnected, reason, ts: this.#options.now() };
    if (session.client.displayName !== undefined) payload.displayName = session.client.displayName;
    this.#presencePacer.record(payload);
  }
}

type NodeMeta = Pick<NodeApprovedSurface, 'nodeId' | 'clientId' | 'clientMode' | 'displayName' | 'platform' | 'version' | 'deviceFamily' | 'modelIdentifier' | 'caps' | 'commands'>;

/** The shared metadata fields of a surface record, without undefined keys (closed schemas). */
function metaOf(source: NodeMeta): NodeMeta {
  const meta: NodeMeta = { nodeId: source.nodeId, caps: [...source.caps], commands: [...source.commands] };
  for (const key of ['clientId', 'clientMode', 'displayName', 'platform', 'version', 'deviceFamily', 'modelIdentifier'] as const) {
    const value = source[key];
    if (value !== undefined) Object.assign(meta, { [key]: value });
  }
  return meta;
}

function clientMeta(session: NodeSession): Omit<NodeMeta, 'nodeId' | 'caps' | 'commands'> {
  const { client } = session;
  const meta: Omit<NodeMeta, 'nodeId' | 'caps' | 'commands'> = { clientId: client.id, clientMode: client.mode, platform: client.platform, version: client.version };
  if (client.displayName !== undefined) meta.displayName = client.displayName;
  if (client.deviceFamily !== undefined) meta.deviceFamily = client.deviceFamily;
  if (client.modelIdentifier !== undefined) meta.modelIdentifier = client.modelIdentifier;
  return meta;
}

/**
 * Drops caller-supplied approval fields (`approved`, `approvalDecision`, …) from invoke params: whether
 * `system.run` may run is the node host's decision alone (OpenClaw advisory GHSA-gv46).
 */
export function stripApprovalFields(params: unknown): unknown {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) return params;
  return Object.fromEntries(Object.entries(params).filter(([key]) => !/^approv/i.test(key)));
}

function dedupe(values: readonly string[]): string[] {
  return [...new Set(values)];
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value) => b.includes(value));
}

/**
 * @module agent/ports — what the agent needs from the gateway core, as small interfaces.
 *
 * The feature adapter (agent/feature.ts) implements them over the core's event bus and node
 * invoker; tests implement them directly. Nothing in agent/ reaches past these into the core.
 */

/** Events the agent emits; the core decides who receives them (scopes, session subscribers). */
export type AgentEventName = 'agent' | 'chat' | 'exec.approval.requested' | 'exec.approval.resolved';

export interface AgentEventTarget {
  /** Only this connection (e.g. `tool` stream events for the run's requester). */
  connId?: string;
}

export interface AgentEventSink {
  /**
   * Emits an event; returns how many connections it was handed to. For `exec.approval.requested`
   * 0 means no approval-capable operator is connected (OpenClaw's `no-approval-route`).
   */
  emit(event: AgentEventName, payload: Record<string, unknown>, target?: AgentEventTarget): number;
}

/** A node as the tools see it. */
export interface AgentNode {
  nodeId: string;
  displayName?: string;
  connected: boolean;
  /** Commands the node declared and the operator approved. */
  commands: readonly string[];
  platform?: string;
}

export interface AgentNodeInvoke {
  nodeId: string;
  command: string;
  params: unknown;
  timeoutMs: number;
  idempotencyKey: string;
  sessionKey?: string;
  /**
   * The gateway's exec approval this `system.run` carries out: the node then gets `approved: true`,
   * `approvalDecision` and `runId` = the approval id (OpenClaw §6.3). Approval fields put in `params`
   * are dropped, by the core, for the agent as for any operator.
   */
  approval?: { id: string; decision: 'allow-once' | 'allow-always' };
}

export interface AgentNodePort {
  list(): AgentNode[];
  /**
   * Relays one `node.invoke` as the agent. Rejects with a GatewayError (NOT_CONNECTED,
   * NODE_INVOKE_TIMEOUT, NODE_INVOKE_FAILED, …); `signal` aborts.
   */
  invoke(request: AgentNodeInvoke, signal: AbortSignal): Promise<unknown>;
}

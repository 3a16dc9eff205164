/** @module gateway/methods/node — the node.* family: surface approval, listing, invoke routing, node callbacks. */
import {
  GatewayError,
  nodeDescribe,
  nodeEvent,
  nodeInvoke,
  nodeInvokeResult,
  nodeList,
  nodePairApprove,
  nodePairList,
  nodePairReject,
  nodePairRemove,
  nodePluginToolsUpdate,
  nodeRename,
  nodeRunnerInventoryUpdate,
  nodeSkillsUpdate,
  type NodeInvokeParams,
} from '../../protocol/index.js';
import type { MethodContext } from '../method-context.js';
import { implement, type IdempotencyPolicy } from '../method-registry.js';

/**
 * A repeated idempotencyKey joins the first invoke or gets its outcome for 5 min (OpenClaw's dedupe
 * TTL); the node never runs the command twice. A key reused for another node or command is
 * IDEMPOTENCY_KEY_CONFLICT. Refusals before the node was asked (not connected, not allowed) are not
 * remembered, so a retry after the node reconnects runs.
 */
const NODE_INVOKE_IDEMPOTENCY: IdempotencyPolicy<NodeInvokeParams> = {
  key: (params) => params.idempotencyKey,
  ttlMs: 5 * 60_000,
  onDuplicate: 'join',
  fingerprint: (params) => `${params.nodeId}\u0000${params.command}`,
  isRemembered: (outcome) => outcome.ok || outcome.error.details?.['nodeCommandDispatched'] === true,
};

/** The node id of the calling node connection (node-only methods run on registered nodes). */
function callerNodeId({ caller, services }: MethodContext): string {
  const nodeId = services.nodes.nodeIdOf(caller.connId);
  if (nodeId === undefined) throw new GatewayError('NOT_CONNECTED', { nodeId: caller.connId });
  return nodeId;
}

export const nodeMethods = [
  implement(nodePairList, (_params, { services }) => services.nodes.listSurfaces()),
  implement(nodePairApprove, ({ requestId }, { caller, services }) => ({ requestId, node: services.nodes.approve(requestId, caller.scopes) })),
  implement(nodePairReject, ({ requestId }, { services }) => services.nodes.reject(requestId)),
  implement(nodePairRemove, ({ nodeId }, { services }) => services.nodes.remove(nodeId)),
  implement(nodeRename, ({ nodeId, displayName }, { services }) => {
    const trimmed = displayName.trim();
    if (trimmed === '') throw new GatewayError('INVALID_PARAMS', { method: 'node.rename', reason: 'displayName must not be blank' });
    return services.nodes.rename(nodeId, trimmed);
  }),
  implement(nodeList, (_params, { services }) => ({ ts: services.now(), nodes: services.nodes.list() })),
  implement(nodeDescribe, ({ nodeId }, { services }) => ({ ts: services.now(), node: services.nodes.describe(nodeId) })),
  // No signal: a CLI that reconnects and repeats the key joins the invoke still running.
  implement(nodeInvoke, (params, { caller, services }) => services.nodes.invoke(params, caller.scopes), {
    // Write is the floor; browser.proxy*, fs.listDir and terminal.upload need admin (checked in the service).
    authorize: ({ command }, { caller, services }) => services.nodes.authorizeInvoke(command, caller.scopes),
    idempotency: NODE_INVOKE_IDEMPOTENCY,
  }),
  implement(nodeInvokeResult, (params, { caller, services }) => services.nodes.deliverResult(caller.connId, params)),
  implement(nodeEvent, (params, { caller, services }) => services.nodes.handleEvent(caller.connId, params)),
  // OpenClaw node hosts report these right after connect; we keep nothing from them yet but answer
  // as OpenClaw does, so a real node host does not retry them forever.
  implement(nodeSkillsUpdate, (params, context) => ({ nodeId: callerNodeId(context), skills: params.skills })),
  implement(nodePluginToolsUpdate, (params, context) => ({ nodeId: callerNodeId(context), tools: params.tools })),
  implement(nodeRunnerInventoryUpdate, (_params, context) => ({ nodeId: callerNodeId(context) })),
];

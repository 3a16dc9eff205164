/** @module gateway/methods/node — the node.* family: surface approval, listing, invoke routing, node callbacks. */
import {
  NodeDescribeParamsSchema,
  NodeDescribeResultSchema,
  NodeEventParamsSchema,
  NodeEventResultSchema,
  NodeInvokeParamsSchema,
  NodeInvokeResultAckSchema,
  NodeInvokeResultParamsSchema,
  NodeInvokeResultSchema,
  NodeListParamsSchema,
  NodeListResultSchema,
  NodePairApproveParamsSchema,
  NodePairApproveResultSchema,
  NodePairListParamsSchema,
  NodePairListResultSchema,
  NodePairRejectParamsSchema,
  NodePairRejectResultSchema,
  NodePairRemoveParamsSchema,
  NodePairRemoveResultSchema,
  NodePluginToolsUpdateParamsSchema,
  NodePluginToolsUpdateResultSchema,
  NodeRenameParamsSchema,
  NodeRenameResultSchema,
  NodeRunnerInventoryUpdateParamsSchema,
  NodeRunnerInventoryUpdateResultSchema,
  NodeSkillsUpdateParamsSchema,
  NodeSkillsUpdateResultSchema,
  GatewayError,
  type NodeInvokeParams,
} from '../../protocol/index.js';
import type { MethodContext } from '../method-context.js';
import { defineMethod, type IdempotencyPolicy } from '../method-registry.js';
import { requireOwnerOrSelf } from '../owner.js';

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
  defineMethod({
    name: 'node.pair.list',
    access: 'operator.pairing',
    params: NodePairListParamsSchema,
    result: NodePairListResultSchema,
    handler: (_params, { services }) => services.nodes.listSurfaces(),
  }),
  defineMethod({
    name: 'node.pair.approve',
    // Pairing is the floor; the handler adds write or admin depending on the declared commands.
    access: 'operator.pairing',
    params: NodePairApproveParamsSchema,
    result: NodePairApproveResultSchema,
    handler: ({ requestId }, { caller, services }) => ({ requestId, node: services.nodes.approve(requestId, caller.scopes) }),
  }),
  defineMethod({
    name: 'node.pair.reject',
    access: 'operator.pairing',
    params: NodePairRejectParamsSchema,
    result: NodePairRejectResultSchema,
    handler: ({ requestId }, { services }) => services.nodes.reject(requestId),
  }),
  defineMethod({
    name: 'node.pair.remove',
    access: 'operator.pairing',
    params: NodePairRemoveParamsSchema,
    result: NodePairRemoveResultSchema,
    // A paired-device session with operator.pairing may remove only its own node (gateway/owner.ts).
    handler: ({ nodeId }, { caller, services }) => {
      requireOwnerOrSelf(caller, nodeId, 'remove');
      return services.nodes.remove(nodeId);
    },
  }),
  defineMethod({
    name: 'node.rename',
    access: 'operator.pairing',
    params: NodeRenameParamsSchema,
    result: NodeRenameResultSchema,
    handler: ({ nodeId, displayName }, { caller, services }) => {
      requireOwnerOrSelf(caller, nodeId, 'rename');
      const trimmed = displayName.trim();
      if (trimmed === '') throw new GatewayError('INVALID_PARAMS', { method: 'node.rename', reason: 'displayName must not be blank' });
      return services.nodes.rename(nodeId, trimmed);
    },
  }),
  defineMethod({
    name: 'node.list',
    access: 'operator.read',
    params: NodeListParamsSchema,
    result: NodeListResultSchema,
    handler: (_params, { services }) => ({ ts: services.now(), nodes: services.nodes.list() }),
  }),
  defineMethod({
    name: 'node.describe',
    access: 'operator.read',
    params: NodeDescribeParamsSchema,
    result: NodeDescribeResultSchema,
    handler: ({ nodeId }, { services }) => ({ ts: services.now(), node: services.nodes.describe(nodeId) }),
  }),
  defineMethod({
    name: 'node.invoke',
    // Write is the floor; browser.proxy*, fs.listDir and terminal.upload need admin (checked in the service).
    access: 'operator.write',
    params: NodeInvokeParamsSchema,
    result: NodeInvokeResultSchema,
    authorize: ({ command }, { caller, services }) => services.nodes.authorizeInvoke(command, caller.scopes),
    idempotency: NODE_INVOKE_IDEMPOTENCY,
    // No signal: a CLI that reconnects and repeats the key joins the invoke still running.
    handler: (params, { caller, services }) => services.nodes.invoke(params, caller.scopes),
  }),
  defineMethod({
    name: 'node.invoke.result',
    access: 'node',
    params: NodeInvokeResultParamsSchema,
    result: NodeInvokeResultAckSchema,
    handler: (params, { caller, services }) => services.nodes.deliverResult(caller.connId, params),
  }),
  defineMethod({
    name: 'node.event',
    access: 'node',
    params: NodeEventParamsSchema,
    result: NodeEventResultSchema,
    handler: (params, { caller, services }) => services.nodes.handleEvent(caller.connId, params),
  }),
  // OpenClaw node hosts report these right after connect; we keep nothing from them yet but answer
  // as OpenClaw does, so a real node host does not retry them forever.
  defineMethod({
    name: 'node.skills.update',
    access: 'node',
    params: NodeSkillsUpdateParamsSchema,
    result: NodeSkillsUpdateResultSchema,
    handler: (params, context) => ({ nodeId: callerNodeId(context), skills: params.skills }),
  }),
  defineMethod({
    name: 'node.pluginTools.update',
    access: 'node',
    params: NodePluginToolsUpdateParamsSchema,
    result: NodePluginToolsUpdateResultSchema,
    handler: (params, context) => ({ nodeId: callerNodeId(context), tools: params.tools }),
  }),
  defineMethod({
    name: 'node.runnerInventory.update',
    access: 'node',
    params: NodeRunnerInventoryUpdateParamsSchema,
    result: NodeRunnerInventoryUpdateResultSchema,
    handler: (_params, context) => ({ nodeId: callerNodeId(context) }),
  }),
];

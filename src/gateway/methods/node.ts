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
} from '../../protocol/index.js';
import type { MethodContext } from '../method-context.js';
import { implement } from '../method-registry.js';

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
  implement(nodeInvoke, (params, { caller, services }) => services.nodes.invoke(params, caller.scopes)),
  implement(nodeInvokeResult, (params, { caller, services }) => services.nodes.deliverResult(caller.connId, params)),
  implement(nodeEvent, (params, { caller, services }) => services.nodes.handleEvent(caller.connId, params)),
  // OpenClaw node hosts report these right after connect; we keep nothing from them yet but answer
  // as OpenClaw does, so a real node host does not retry them forever.
  implement(nodeSkillsUpdate, (params, context) => ({ nodeId: callerNodeId(context), skills: params.skills })),
  implement(nodePluginToolsUpdate, (params, context) => ({ nodeId: callerNodeId(context), tools: params.tools })),
  implement(nodeRunnerInventoryUpdate, (_params, context) => ({ nodeId: callerNodeId(context) })),
];

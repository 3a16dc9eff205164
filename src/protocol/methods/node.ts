/**
 * @module protocol/methods/node — params, results and event payloads of the node.* family.
 *
 * Shapes follow OpenClaw 2026.9.6 as captured on the wire (captures/openclaw-2026.9.6-node2.jsonl,
 * -op.jsonl) and its published schema (NodeInvokeParams, NodeInvokeResultParams, …). Params the
 * nodes send us stay as open as OpenClaw's where a node may add fields we do not use.
 */
import Type, { type Static } from 'typebox';
import { defineContract } from '../contract.js';

const Closed = { additionalProperties: false } as const;
const NonEmptyString = Type.String({ minLength: 1 });
const Ms = Type.Integer({ minimum: 0 });

/** Default time a `node.invoke` waits for the node's result (OpenClaw: 30 s). */
export const DEFAULT_NODE_INVOKE_TIMEOUT_MS = 30_000;
/** Longest `node.invoke` timeout accepted (one day; keeps timers in range). */
export const MAX_NODE_INVOKE_TIMEOUT_MS = 86_400_000;

/**
 * Commands whose approval needs `operator.admin` on top of `operator.pairing` (OpenClaw pairing doc,
 * "Approval scope rules"): they run code or reach files and browsers on the node's host.
 */
export const ADMIN_APPROVAL_COMMANDS = [
  'system.run',
  'system.run.prepare',
  'system.which',
  'browser.proxy',
  'browser.proxy.upload.v1',
  'fs.listDir',
  'system.execApprovals.get',
  'system.execApprovals.set',
] as const;

/** Commands that `node.invoke` relays only for `operator.admin` callers (OpenClaw params-aware scope). */
export const ADMIN_INVOKE_COMMANDS = ['browser.proxy', 'browser.proxy.upload.v1', 'fs.listDir', 'terminal.upload'] as const;

// ---- node.pair.* (second-layer approval of a node's command surface) ----

export const NodePairListParamsSchema = Type.Object({}, Closed);
export const NodePairApproveParamsSchema = Type.Object({ requestId: NonEmptyString }, Closed);
export const NodePairRejectParamsSchema = Type.Object({ requestId: NonEmptyString }, Closed);
export const NodePairRemoveParamsSchema = Type.Object({ nodeId: NonEmptyString }, Closed);

/** Identity and metadata of a node as it presented itself at connect. */
const NodeMetaProperties = {
  nodeId: NonEmptyString,
  clientId: Type.Optional(Type.String()),
  clientMode: Type.Optional(Type.String()),
  displayName: Type.Optional(Type.String()),
  platform: Type.Optional(Type.String()),
  version: Type.Optional(Type.String()),
  deviceFamily: Type.Optional(Type.String()),
  modelIdentifier: Type.Optional(Type.String()),
  caps: Type.Array(Type.String()),
  commands: Type.Array(Type.String()),
};

/** A command surface waiting for an operator (`node.pair.list` pending entry, `node.pair.requested`). */
export const NodePendingSurfaceSchema = Type.Object(
  {
    requestId: NonEmptyString,
    ...NodeMetaProperties,
    remoteIp: Type.Optional(Type.String()),
    /** Scopes an operator must hold to approve this request (pairing, plus write or admin). */
    requiredApproveScopes: Type.Array(Type.String()),
    silent: Type.Boolean(),
    ts: Ms,
  },
  Closed,
);
export type NodePendingSurface = Static<typeof NodePendingSurfaceSchema>;

/** An approved command surface (`node.pair.list` paired entry, `node.pair.approve` result). */
export const NodeApprovedSurfaceSchema = Type.Object(
  {
    ...NodeMetaProperties,
    createdAtMs: Ms,
    approvedAtMs: Ms,
    lastSeenAtMs: Type.Optional(Ms),
    lastSeenReason: Type.Optional(Type.String()),
  },
  Closed,
);
export type NodeApprovedSurface = Static<typeof NodeApprovedSurfaceSchema>;

export const NodePairListResultSchema = Type.Object(
  { pending: Type.Array(NodePendingSurfaceSchema), paired: Type.Array(NodeApprovedSurfaceSchema) },
  Closed,
);
export const NodePairApproveResultSchema = Type.Object({ requestId: NonEmptyString, node: NodeApprovedSurfaceSchema }, Closed);
export const NodePairRejectResultSchema = Type.Object({ requestId: NonEmptyString, nodeId: NonEmptyString }, Closed);
export const NodePairRemoveResultSchema = Type.Object({ nodeId: NonEmptyString, removed: Type.Boolean() }, Closed);

/** `node.pair.resolved` event payload. */
export interface NodePairResolvedPayload {
  requestId: string;
  nodeId: string;
  decision: 'approved' | 'rejected' | 'superseded' | 'expired';
  ts: number;
}

// ---- node.list / node.describe / node.rename ----

export const NodeListParamsSchema = Type.Object({}, Closed);
export const NodeDescribeParamsSchema = Type.Object({ nodeId: NonEmptyString }, Closed);
export const NodeRenameParamsSchema = Type.Object({ nodeId: NonEmptyString, displayName: Type.String({ minLength: 1, maxLength: 128 }) }, Closed);

export const NodeEntrySchema = Type.Object(
  {
    ...NodeMetaProperties,
    remoteIp: Type.Optional(Type.String()),
    permissions: Type.Optional(Type.Record(Type.String(), Type.Boolean())),
    pathEnv: Type.Optional(Type.String()),
    sessionHost: Type.Boolean(),
    approvalState: Type.Union([Type.Literal('approved'), Type.Literal('pending'), Type.Literal('unapproved')]),
    /** Pending surface request id, when approvalState is `pending`. */
    pendingRequestId: Type.Optional(Type.String()),
    hostStats: Type.Optional(Type.Unknown()),
    connectedAtMs: Type.Optional(Ms),
    lastSeenAtMs: Type.Optional(Ms),
    lastSeenReason: Type.Optional(Type.String()),
    approvedAtMs: Type.Optional(Ms),
    paired: Type.Boolean(),
    connected: Type.Boolean(),
  },
  Closed,
);
export type NodeEntry = Static<typeof NodeEntrySchema>;

export const NodeListResultSchema = Type.Object({ ts: Ms, nodes: Type.Array(NodeEntrySchema) }, Closed);
export const NodeDescribeResultSchema = Type.Object({ ts: Ms, node: NodeEntrySchema }, Closed);
export const NodeRenameResultSchema = Type.Object({ nodeId: NonEmptyString, displayName: NonEmptyString }, Closed);

// ---- node.invoke (operator) / node.invoke.request (event to the node) / node.invoke.result (node) ----

export const NodeInvokeParamsSchema = Type.Object(
  {
    nodeId: NonEmptyString,
    command: NonEmptyString,
    params: Type.Optional(Type.Unknown()),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_NODE_INVOKE_TIMEOUT_MS })),
    idempotencyKey: Type.String({ minLength: 1, maxLength: 256 }),
    sessionKey: Type.Optional(NonEmptyString),
    turnSourceChannel: Type.Optional(Type.String()),
    turnSourceTo: Type.Optional(Type.String()),
    turnSourceAccountId: Type.Optional(Type.String()),
    turnSourceThreadId: Type.Optional(Type.Union([Type.String(), Type.Number()])),
  },
  Closed,
);
export type NodeInvokeParams = Static<typeof NodeInvokeParamsSchema>;

/** What the operator gets back: `{ok, nodeId, command, payload, payloadJSON}` as OpenClaw answers. */
export const NodeInvokeResultSchema = Type.Object(
  {
    ok: Type.Literal(true),
    nodeId: NonEmptyString,
    command: NonEmptyString,
    payload: Type.Unknown(),
    payloadJSON: Type.Union([Type.String(), Type.Null()]),
  },
  Closed,
);
export type NodeInvokeResult = Static<typeof NodeInvokeResultSchema>;

/** `node.invoke.request` event payload, sent only to the target node's socket. */
export const NodeInvokeRequestEventSchema = Type.Object(
  {
    id: NonEmptyString,
    nodeId: NonEmptyString,
    command: NonEmptyString,
    paramsJSON: Type.Optional(Type.String()),
    timeoutMs: Type.Optional(Ms),
    idempotencyKey: Type.Optional(NonEmptyString),
  },
  Closed,
);
export type NodeInvokeRequestEvent = Static<typeof NodeInvokeRequestEventSchema>;

export const NodeInvokeErrorSchema = Type.Object(
  { code: Type.Optional(NonEmptyString), message: Type.Optional(NonEmptyString) },
  Closed,
);
export type NodeInvokeError = Static<typeof NodeInvokeErrorSchema>;

export const NodeInvokeResultParamsSchema = Type.Object(
  {
    id: NonEmptyString,
    nodeId: NonEmptyString,
    ok: Type.Boolean(),
    payload: Type.Optional(Type.Unknown()),
    payloadJSON: Type.Optional(Type.String()),
    error: Type.Optional(NodeInvokeErrorSchema),
  },
  Closed,
);
export type NodeInvokeResultParams = Static<typeof NodeInvokeResultParamsSchema>;

/** `{ok:true}` when the result was delivered, `{ok:true, ignored:true}` for a late or unknown id. */
export const NodeInvokeResultAckSchema = Type.Object({ ok: Type.Literal(true), ignored: Type.Optional(Type.Literal(true)) }, Closed);

// ---- node.event and the node's own housekeeping calls ----

export const NodeEventParamsSchema = Type.Object(
  { event: NonEmptyString, payload: Type.Optional(Type.Unknown()), payloadJSON: Type.Optional(Type.String()) },
  Closed,
);
export type NodeEventParams = Static<typeof NodeEventParamsSchema>;
export const NodeEventResultSchema = Type.Object(
  { ok: Type.Boolean(), event: NonEmptyString, handled: Type.Boolean(), reason: Type.Optional(NonEmptyString) },
  Closed,
);

/** `node.skills.update`, `node.pluginTools.update`, `node.runnerInventory.update`: OpenClaw nodes send these after connect. */
export const NodeSkillsUpdateParamsSchema = Type.Object({ skills: Type.Array(Type.Unknown()) }, { additionalProperties: true });
export const NodeSkillsUpdateResultSchema = Type.Object({ nodeId: NonEmptyString, skills: Type.Array(Type.Unknown()) }, Closed);
export const NodePluginToolsUpdateParamsSchema = Type.Object({ tools: Type.Array(Type.Unknown()) }, { additionalProperties: true });
export const NodePluginToolsUpdateResultSchema = Type.Object({ nodeId: NonEmptyString, tools: Type.Array(Type.Unknown()) }, Closed);
export const NodeRunnerInventoryUpdateParamsSchema = Type.Object({}, { additionalProperties: true });
export const NodeRunnerInventoryUpdateResultSchema = Type.Object({ nodeId: NonEmptyString }, Closed);

/** `node.presence` event payload: a node came, went, or said it is alive. */
export interface NodePresencePayload {
  nodeId: string;
  displayName?: string;
  connected: boolean;
  reason: 'connect' | 'disconnect' | 'alive';
  ts: number;
}

// ---- contracts ----

/** `node.pair.list`: pending and approved command surfaces. */
export const nodePairList = defineContract({ name: 'node.pair.list', access: 'operator.pairing', params: NodePairListParamsSchema, result: NodePairListResultSchema });

/**
 * `node.pair.approve`: approves a pending surface. Pairing is the floor; the service adds write or
 * admin depending on the declared commands, which the params do not show, so clients ask for both.
 */
export const nodePairApprove = defineContract({
  name: 'node.pair.approve',
  access: 'operator.pairing',
  params: NodePairApproveParamsSchema,
  result: NodePairApproveResultSchema,
  dynamicScopes: () => ['operator.admin', 'operator.write'],
});

/** `node.pair.reject`: drops a pending surface. */
export const nodePairReject = defineContract({ name: 'node.pair.reject', access: 'operator.pairing', params: NodePairRejectParamsSchema, result: NodePairRejectResultSchema });

/** `node.pair.remove`: forgets a node's approved surface. */
export const nodePairRemove = defineContract({ name: 'node.pair.remove', access: 'operator.pairing', params: NodePairRemoveParamsSchema, result: NodePairRemoveResultSchema });

/** `node.rename`: sets an approved node's display name. */
export const nodeRename = defineContract({ name: 'node.rename', access: 'operator.pairing', params: NodeRenameParamsSchema, result: NodeRenameResultSchema });

/** `node.list`: every known node. */
export const nodeList = defineContract({ name: 'node.list', access: 'operator.read', params: NodeListParamsSchema, result: NodeListResultSchema });

/** `node.describe`: one node in detail. */
export const nodeDescribe = defineContract({ name: 'node.describe', access: 'operator.read', params: NodeDescribeParamsSchema, result: NodeDescribeResultSchema });

/** `node.invoke`: runs one command on a node. Write is the floor; browser.proxy*, fs.listDir and terminal.upload need admin. */
export const nodeInvoke = defineContract({
  name: 'node.invoke',
  access: 'operator.write',
  params: NodeInvokeParamsSchema,
  result: NodeInvokeResultSchema,
  dynamicScopes: (params) => ((ADMIN_INVOKE_COMMANDS as readonly string[]).includes(params.command) ? ['operator.admin'] : []),
});

/** `node.invoke.result`: a node answers a `node.invoke.request`. */
export const nodeInvokeResult = defineContract({ name: 'node.invoke.result', access: 'node', params: NodeInvokeResultParamsSchema, result: NodeInvokeResultAckSchema });

/** `node.event`: a node reports an event (exec.finished …). */
export const nodeEvent = defineContract({ name: 'node.event', access: 'node', params: NodeEventParamsSchema, result: NodeEventResultSchema });

/** `node.skills.update`: reported by OpenClaw node hosts after connect; acknowledged, not kept. */
export const nodeSkillsUpdate = defineContract({ name: 'node.skills.update', access: 'node', params: NodeSkillsUpdateParamsSchema, result: NodeSkillsUpdateResultSchema });

/** `node.pluginTools.update`: reported by OpenClaw node hosts after connect; acknowledged, not kept. */
export const nodePluginToolsUpdate = defineContract({
  name: 'node.pluginTools.update',
  access: 'node',
  params: NodePluginToolsUpdateParamsSchema,
  result: NodePluginToolsUpdateResultSchema,
});

/** `node.runnerInventory.update`: reported by OpenClaw node hosts after connect; acknowledged, not kept. */
export const nodeRunnerInventoryUpdate = defineContract({
  name: 'node.runnerInventory.update',
  access: 'node',
  params: NodeRunnerInventoryUpdateParamsSchema,
  result: NodeRunnerInventoryUpdateResultSchema,
});

/** The node family, for tables and tests. */
export const NODE_CONTRACTS = [
  nodePairList,
  nodePairApprove,
  nodePairReject,
  nodePairRemove,
  nodeRename,
  nodeList,
  nodeDescribe,
  nodeInvoke,
  nodeInvokeResult,
  nodeEvent,
  nodeSkillsUpdate,
  nodePluginToolsUpdate,
  nodeRunnerInventoryUpdate,
] as const;

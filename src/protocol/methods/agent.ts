/**
 * @module protocol/methods/agent — `agent` (two responses: accepted, then final) and `agent.wait`.
 *
 * `agent` params are OpenClaw's closed AgentParams (openclaw-agent-chat.md §1.1): an unknown key is
 * INVALID_REQUEST. Keys Clawgate does not act on (delivery, lanes, internal fields) are accepted
 * and ignored, so OpenClaw's CLI can send them.
 */
import Type, { type Static } from 'typebox';
import { defineContract } from '../contract.js';
import type { OperatorScope } from '../scopes.js';

const Closed = { additionalProperties: false } as const;
const Open = { additionalProperties: true } as const;
const NonEmpty = Type.String({ minLength: 1 });
const Any = Type.Optional(Type.Unknown());

export const AgentParamsSchema = Type.Object(
  {
    message: NonEmpty,
    idempotencyKey: NonEmpty,
    agentId: Type.Optional(NonEmpty),
    sessionKey: Type.Optional(Type.String()),
    sessionId: Type.Optional(Type.String()),
    expectedExistingSessionId: Any,
    label: Type.Optional(Type.String({ maxLength: 512 })),
    provider: Type.Optional(Type.String()),
    model: Type.Optional(Type.String()),
    thinking: Type.Optional(Type.String()),
    /** Run budget in seconds. */
    timeout: Type.Optional(Type.Integer({ minimum: 0 })),
    lane: Any,
    cwd: Any,
    promptMode: Any,
    extraSystemPrompt: Any,
    bootstrapContextMode: Any,
    bootstrapContextRunKind: Any,
    modelRun: Any,
    deliver: Type.Optional(Type.Boolean()),
    channel: Any,
    to: Any,
    replyTo: Any,
    replyChannel: Any,
    accountId: Any,
    replyAccountId: Any,
    threadId: Any,
    groupId: Any,
    groupChannel: Any,
    groupSpace: Any,
    bestEffortDeliver: Any,
    sourceReplyDeliveryMode: Any,
    disableMessageTool: Any,
    attachments: Any,
    internalEvents: Any,
    inputProvenance: Any,
    suppressPromptPersistence: Any,
    sessionEffects: Any,
    swarmCollector: Any,
    swarmOutputSchema: Any,
    forceRestartSafeTools: Any,
    forceCodeModeTools: Any,
    voiceWakeTrigger: Any,
    acpTurnSource: Any,
    internalRuntimeHandoffId: Any,
    internalExecutionIdentityRetry: Any,
    internalExecutionIdentityRecoveryAttempt: Any,
    execApprovalFollowupExpectedSessionId: Any,
    cleanupBundleMcpOnRunEnd: Any,
  },
  Closed,
);
export type AgentParams = Static<typeof AgentParamsSchema>;

/** The interim response: `{runId, sessionKey, agentId, status:"accepted", acceptedAt}`, or `in_flight` for a duplicate. */
export const AgentAckSchema = Type.Object(
  {
    runId: NonEmpty,
    status: Type.Union([Type.Literal('accepted'), Type.Literal('in_flight')]),
    sessionKey: Type.Optional(NonEmpty),
    agentId: Type.Optional(NonEmpty),
    acceptedAt: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  Open,
);
export type AgentAck = Static<typeof AgentAckSchema>;

export const AgentPayloadSchema = Type.Object({ text: Type.String(), mediaUrl: Type.Null(), isError: Type.Optional(Type.Boolean()) }, Open);

/** The final response (§1.3). */
export const AgentResultSchema = Type.Object(
  {
    runId: NonEmpty,
    /** `in_flight`: a duplicate key while the first request still runs (its final arrives there). */
    status: Type.Union([Type.Literal('ok'), Type.Literal('error'), Type.Literal('timeout'), Type.Literal('in_flight')]),
    summary: Type.Optional(Type.String()),
    stopReason: Type.Optional(Type.String()),
    result: Type.Optional(Type.Object({ payloads: Type.Array(AgentPayloadSchema), meta: Type.Optional(Type.Record(Type.String(), Type.Unknown())) }, Open)),
  },
  Open,
);
export type AgentResult = Static<typeof AgentResultSchema>;

/** `/new` and `/reset` (optionally followed by text) start a fresh session: OpenClaw asks for admin. */
const SESSION_RESET_COMMAND = /^\/(new|reset)(\s|$)/i;

export const agent = defineContract({
  name: 'agent',
  // OpenClaw: "dynamic" — operator.write, but /new and /reset need operator.admin (checked in the handler).
  access: 'operator.write',
  params: AgentParamsSchema,
  result: AgentResultSchema,
  ack: AgentAckSchema,
  dynamicScopes: (params): readonly OperatorScope[] => (SESSION_RESET_COMMAND.test(params.message.trim()) ? ['operator.admin'] : []),
});

export const AgentWaitParamsSchema = Type.Object({ runId: NonEmpty, timeoutMs: Type.Optional(Type.Integer({ minimum: 0 })) }, Closed);

/** `{runId, status:"timeout"}` when unfinished or unknown; `pending` while queued; else the outcome. */
export const AgentWaitResultSchema = Type.Object(
  {
    runId: NonEmpty,
    status: Type.Union([Type.Literal('ok'), Type.Literal('error'), Type.Literal('timeout'), Type.Literal('pending')]),
    startedAt: Type.Optional(Type.Integer()),
    endedAt: Type.Optional(Type.Integer()),
    error: Type.Optional(Type.String()),
    stopReason: Type.Optional(Type.String()),
    timeoutPhase: Type.Optional(Type.String()),
    providerStarted: Type.Optional(Type.Boolean()),
    livenessState: Type.Optional(Type.String()),
    terminalReply: Type.Optional(Type.Object({ disposition: Type.String(), text: Type.String() }, Open)),
    terminalReceipt: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  Open,
);
export type AgentWaitResult = Static<typeof AgentWaitResultSchema>;

export const agentWait = defineContract({ name: 'agent.wait', access: 'operator.write', params: AgentWaitParamsSchema, result: AgentWaitResultSchema });

/** The agent family. */
export const AGENT_CONTRACTS = [agent, agentWait] as const;

/**
 * @module protocol/methods/agent — contracts of `agent` (one agent turn, two responses) and `agent.wait`.
 *
 * Params mirror OpenClaw's closed `AgentParams` and `AgentWaitParams` (@openclaw/gateway-protocol
 * protocol.schema.json; shared/reference/openclaw-agent-chat.md §1–§2). Results and the ack are open:
 * live OpenClaw payloads carry more keys than its schemas list, and clients must tolerate them (§0).
 */
import Type, { type Static } from 'typebox';
import { defineContract } from '../contract.js';
import type { OperatorScope } from '../scopes.js';

const Closed = { additionalProperties: false } as const;
const Open = { additionalProperties: true } as const;
const NonEmptyString = Type.String({ minLength: 1 });

const TaskCompletionAttachmentSchema = Type.Object(
  {
    type: Type.Optional(Type.Union([Type.Literal('image'), Type.Literal('audio'), Type.Literal('video'), Type.Literal('file')])),
    path: Type.Optional(Type.String()),
    url: Type.Optional(Type.String()),
    mediaUrl: Type.Optional(Type.String()),
    filePath: Type.Optional(Type.String()),
    mimeType: Type.Optional(Type.String()),
    name: Type.Optional(Type.String()),
    sizeBytes: Type.Optional(Type.Number()),
    durationMs: Type.Optional(Type.Number()),
    width: Type.Optional(Type.Number()),
    height: Type.Optional(Type.Number()),
  },
  Closed,
);

/** A task-completion record OpenClaw feeds back into a run (`internalEvents[]`); ordinary clients never send it. */
const InternalEventSchema = Type.Object(
  {
    type: Type.Literal('task_completion'),
    source: Type.Union([Type.Literal('subagent'), Type.Literal('cron'), Type.Literal('image_generation'), Type.Literal('video_generation'), Type.Literal('music_generation')]),
    childSessionKey: Type.String(),
    childSessionId: Type.Optional(Type.String()),
    announceType: Type.String(),
    taskLabel: Type.String(),
    status: Type.Union([Type.Literal('ok'), Type.Literal('timeout'), Type.Literal('error'), Type.Literal('unknown')]),
    statusLabel: Type.String(),
    result: Type.String(),
    modelRouteChange: Type.Optional(Type.String()),
    attachments: Type.Optional(Type.Array(TaskCompletionAttachmentSchema)),
    mediaUrls: Type.Optional(Type.Array(Type.String())),
    statsLine: Type.Optional(Type.String()),
    replyInstruction: Type.String(),
  },
  Closed,
);

/** `agent` params: OpenClaw's closed `AgentParams` (an unknown key is INVALID_REQUEST there too). */
export const AgentParamsSchema = Type.Object(
  {
    message: NonEmptyString,
    agentId: Type.Optional(NonEmptyString),
    provider: Type.Optional(Type.String()),
    model: Type.Optional(Type.String()),
    to: Type.Optional(Type.String()),
    replyTo: Type.Optional(Type.String()),
    sessionId: Type.Optional(Type.String()),
    sessionKey: Type.Optional(Type.String()),
    expectedExistingSessionId: Type.Optional(NonEmptyString),
    thinking: Type.Optional(Type.String()),
    deliver: Type.Optional(Type.Boolean()),
    attachments: Type.Optional(Type.Array(Type.Unknown())),
    channel: Type.Optional(Type.String()),
    replyChannel: Type.Optional(Type.String()),
    accountId: Type.Optional(Type.String()),
    replyAccountId: Type.Optional(Type.String()),
    threadId: Type.Optional(Type.String()),
    groupId: Type.Optional(Type.String()),
    groupChannel: Type.Optional(Type.String()),
    groupSpace: Type.Optional(Type.String()),
    /** Run budget in whole seconds (overrides `agents.defaults.timeoutSeconds`). */
    timeout: Type.Optional(Type.Integer({ minimum: 0 })),
    bestEffortDeliver: Type.Optional(Type.Boolean()),
    lane: Type.Optional(Type.String()),
    cwd: Type.Optional(NonEmptyString),
    cleanupBundleMcpOnRunEnd: Type.Optional(Type.Boolean()),
    modelRun: Type.Optional(Type.Boolean()),
    promptMode: Type.Optional(Type.Union([Type.Literal('full'), Type.Literal('minimal'), Type.Literal('none')])),
    extraSystemPrompt: Type.Optional(Type.String()),
    bootstrapContextMode: Type.Optional(Type.Union([Type.Literal('full'), Type.Literal('lightweight')])),
    bootstrapContextRunKind: Type.Optional(Type.Union([Type.Literal('default'), Type.Literal('heartbeat'), Type.Literal('cron')])),
    acpTurnSource: Type.Optional(Type.Literal('manual_spawn')),
    internalRuntimeHandoffId: Type.Optional(NonEmptyString),
    internalExecutionIdentityRetry: Type.Optional(Type.Boolean()),
    internalExecutionIdentityRecoveryAttempt: Type.Optional(Type.Integer({ minimum: 1 })),
    execApprovalFollowupExpectedSessionId: Type.Optional(NonEmptyString),
    internalEvents: Type.Optional(Type.Array(InternalEventSchema)),
    inputProvenance: Type.Optional(
      Type.Object(
        {
          kind: Type.Union([Type.Literal('external_user'), Type.Literal('inter_session'), Type.Literal('internal_system')]),
          originSessionId: Type.Optional(Type.String()),
          sourceSessionKey: Type.Optional(Type.String()),
          sourceChannel: Type.Optional(Type.String()),
          sourceTool: Type.Optional(Type.String()),
        },
        Closed,
      ),
    ),
    suppressPromptPersistence: Type.Optional(Type.Boolean()),
    sessionEffects: Type.Optional(Type.Union([Type.Literal('visible'), Type.Literal('internal')])),
    sourceReplyDeliveryMode: Type.Optional(Type.Union([Type.Literal('automatic'), Type.Literal('message_tool_only')])),
    disableMessageTool: Type.Optional(Type.Boolean()),
    swarmCollector: Type.Optional(Type.Boolean()),
    swarmOutputSchema: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    forceRestartSafeTools: Type.Optional(Type.Boolean()),
    forceCodeModeTools: Type.Optional(Type.Boolean()),
    voiceWakeTrigger: Type.Optional(Type.String()),
    /** Dedupe key; OpenClaw uses it as the run id. */
    idempotencyKey: NonEmptyString,
    label: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
  },
  Closed,
);
export type AgentParams = Static<typeof AgentParamsSchema>;

/** The interim acceptance: `{runId, sessionKey, agentId, status:"accepted", acceptedAt}` (§1.3). */
export const AgentAckSchema = Type.Object(
  {
    runId: NonEmptyString,
    status: Type.Literal('accepted'),
    sessionKey: Type.Optional(Type.String()),
    agentId: Type.Optional(Type.String()),
    acceptedAt: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  Open,
);
export type AgentAck = Static<typeof AgentAckSchema>;

/**
 * The final response: the run's outcome (`ok|error|timeout`, with `summary` and `result`), or
 * `in_flight` as the only answer to a duplicate key whose run is still active (§1.3).
 */
export const AgentResultSchema = Type.Object(
  {
    runId: NonEmptyString,
    status: Type.Union([Type.Literal('ok'), Type.Literal('error'), Type.Literal('timeout'), Type.Literal('in_flight')]),
    summary: Type.Optional(Type.String()),
    stopReason: Type.Optional(Type.String()),
    timeoutPhase: Type.Optional(Type.String()),
    providerStarted: Type.Optional(Type.Boolean()),
    result: Type.Optional(Type.Unknown()),
  },
  Open,
);
export type AgentResult = Static<typeof AgentResultSchema>;

/** `/new` and `/reset` (optionally followed by text) start a fresh session: OpenClaw asks for admin. */
const SESSION_RESET_COMMAND = /^\/(new|reset)(\s|$)/i;

/** `agent`: one agent turn; answers `accepted` at once, then the final outcome on the same request id. */
export const agent = defineContract({
  name: 'agent',
  // OpenClaw's scope is `dynamic`: write, or admin for a session reset (agent-command-policy.ts).
  access: 'operator.write',
  params: AgentParamsSchema,
  result: AgentResultSchema,
  ack: AgentAckSchema,
  dynamicScopes: (params): readonly OperatorScope[] => (SESSION_RESET_COMMAND.test(params.message.trim()) ? ['operator.admin'] : []),
});

/** `agent.wait` params: OpenClaw's closed `AgentWaitParams` (default wait 30 000 ms there). */
export const AgentWaitParamsSchema = Type.Object({ runId: NonEmptyString, timeoutMs: Type.Optional(Type.Integer({ minimum: 0 })) }, Closed);
export type AgentWaitParams = Static<typeof AgentWaitParamsSchema>;

/** `agent.wait` result: always `ok:true`; just `{runId, status:"timeout"}` when the run did not end in time (§2). */
export const AgentWaitResultSchema = Type.Object(
  {
    runId: NonEmptyString,
    status: Type.Union([Type.Literal('ok'), Type.Literal('error'), Type.Literal('timeout'), Type.Literal('pending')]),
    startedAt: Type.Optional(Type.Integer({ minimum: 0 })),
    endedAt: Type.Optional(Type.Integer({ minimum: 0 })),
    error: Type.Optional(Type.Unknown()),
    stopReason: Type.Optional(Type.String()),
    timeoutPhase: Type.Optional(Type.String()),
    providerStarted: Type.Optional(Type.Boolean()),
  },
  Open,
);
export type AgentWaitResult = Static<typeof AgentWaitResultSchema>;

/** `agent.wait`: waits up to `timeoutMs` for a run to end; waiting never cancels it. */
export const agentWait = defineContract({ name: 'agent.wait', access: 'operator.write', params: AgentWaitParamsSchema, result: AgentWaitResultSchema });

/** The agent family as far as Clawgate's clients use it today. */
export const AGENT_CONTRACTS = [agent, agentWait] as const;

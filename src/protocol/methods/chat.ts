/**
 * @module protocol/methods/chat — WebChat's `chat.send`, `chat.abort`, `chat.history` (§4).
 *
 * `chat.send` answers once (`{runId, status:"started"}`); completion arrives as `chat` events.
 */
import Type, { type Static } from 'typebox';
import { defineContract } from '../contract.js';

const Closed = { additionalProperties: false } as const;
const Open = { additionalProperties: true } as const;
const NonEmpty = Type.String({ minLength: 1 });
const Any = Type.Optional(Type.Unknown());

export const ChatSendParamsSchema = Type.Object(
  {
    sessionKey: Type.String({ minLength: 1, maxLength: 512 }),
    message: Type.String(),
    idempotencyKey: NonEmpty,
    agentId: Type.Optional(NonEmpty),
    sessionId: Type.Optional(Type.String()),
    thinking: Type.Optional(Type.String()),
    deliver: Type.Optional(Type.Boolean()),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 0 })),
    replyToId: Type.Optional(Type.String()),
    queueMode: Type.Optional(Type.Union([Type.Literal('steer'), Type.Literal('followup'), Type.Literal('collect'), Type.Literal('interrupt')])),
    fastMode: Any,
    fastAutoOnSeconds: Any,
    attachments: Type.Optional(Type.Array(Type.Unknown())),
    originatingChannel: Any,
    originatingTo: Any,
    originatingAccountId: Any,
    originatingThreadId: Any,
    intent: Any,
    toolBindings: Any,
    systemInputProvenance: Any,
    systemProvenanceReceipt: Any,
    suppressCommandInterpretation: Type.Optional(Type.Boolean()),
    expectedLeafEntryId: Any,
    expectedSessionRoutingContract: Any,
    expectedPermissionMode: Any,
    expectedToolOverrides: Any,
    mentions: Any,
    workContext: Any,
  },
  Closed,
);
export type ChatSendParams = Static<typeof ChatSendParamsSchema>;

export const ChatSendResultSchema = Type.Object(
  { runId: NonEmpty, status: Type.Union([Type.Literal('started'), Type.Literal('in_flight'), Type.Literal('queued')]), messageSeq: Type.Optional(Type.Integer({ minimum: 0 })) },
  Open,
);

export const chatSendContract = defineContract({ name: 'chat.send', access: 'operator.write', params: ChatSendParamsSchema, result: ChatSendResultSchema });

export const ChatAbortParamsSchema = Type.Object(
  { sessionKey: NonEmpty, agentId: Type.Optional(NonEmpty), runId: Type.Optional(NonEmpty), preserveSideRuns: Type.Optional(Type.Boolean()) },
  Closed,
);
export const ChatAbortResultSchema = Type.Object({ ok: Type.Literal(true), aborted: Type.Boolean(), runIds: Type.Array(Type.String()) }, Closed);

export const chatAbortContract = defineContract({ name: 'chat.abort', access: 'operator.write', params: ChatAbortParamsSchema, result: ChatAbortResultSchema });

export const ChatHistoryParamsSchema = Type.Object(
  {
    sessionKey: NonEmpty,
    agentId: Type.Optional(NonEmpty),
    /** Opaque: the `nextCursor` of the previous (newer) page. */
    cursor: Type.Optional(Type.String()),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    offset: Type.Optional(Type.Integer({ minimum: 0 })),
    pendingBefore: Any,
    inputRunIds: Any,
    messageId: Any,
    sessionId: Type.Optional(Type.String()),
    maxChars: Type.Optional(Type.Integer({ minimum: 1, maximum: 500_000 })),
    maxBytes: Type.Optional(Type.Integer({ minimum: 1024 })),
  },
  Closed,
);
export type ChatHistoryParams = Static<typeof ChatHistoryParamsSchema>;

export const ChatHistoryResultSchema = Type.Object(
  {
    sessionKey: Type.String(),
    sessionId: Type.Optional(Type.String()),
    messages: Type.Array(Type.Record(Type.String(), Type.Unknown())),
    hasMore: Type.Boolean(),
    totalMessages: Type.Integer({ minimum: 0 }),
    /** Pass as `cursor` to get the next older page. */
    nextCursor: Type.Optional(Type.String()),
  },
  Open,
);
export type ChatHistoryResult = Static<typeof ChatHistoryResultSchema>;

export const chatHistoryContract = defineContract({ name: 'chat.history', access: 'operator.read', params: ChatHistoryParamsSchema, result: ChatHistoryResultSchema });

/** Every chat.* contract, for tables and tests. */
export const CHAT_CONTRACTS = [chatSendContract, chatAbortContract, chatHistoryContract] as const;

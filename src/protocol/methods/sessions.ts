/** @module protocol/methods/sessions — `sessions.list`, `sessions.reset`, `sessions.delete` (§5.2). */
import Type, { type Static } from 'typebox';
import { defineContract } from '../contract.js';

const Closed = { additionalProperties: false } as const;
const Open = { additionalProperties: true } as const;
const NonEmpty = Type.String({ minLength: 1 });
const Any = Type.Optional(Type.Unknown());

/** OpenClaw's many filters are accepted; Clawgate applies `limit`, `offset` and `agentId`. */
export const SessionsListParamsSchema = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1 })),
    offset: Type.Optional(Type.Integer({ minimum: 0 })),
    agentId: Type.Optional(Type.String()),
    activeMinutes: Any, requireLastInteraction: Any, sortBy: Any, includeGlobal: Any, includeUnknown: Any, configuredAgentsOnly: Any,
    includeDerivedTitles: Any, includeLastMessage: Any, label: Any, boardFace: Any, creatorId: Any, ownerId: Any, ownerFirst: Any,
    involvingMe: Any, involvingProfileId: Any, includePeople: Any, spawnedBy: Any, search: Any, archived: Any, projectId: Any,
    workspaceDir: Any, activeOnly: Any, includeActivitySummary: Any, group: Any, profileRelation: Any, hasBoard: Any,
    excludeSubagents: Any, excludeSystem: Any, excludeCron: Any, pinned: Any,
  },
  Closed,
);

export const SessionRowSchema = Type.Object(
  {
    key: NonEmpty,
    agentId: NonEmpty,
    sessionId: NonEmpty,
    kind: Type.String(),
    classification: Type.Optional(Type.String()),
    isMain: Type.Optional(Type.Boolean()),
    lastRunId: Type.Optional(Type.String()),
    modelProvider: Type.Optional(Type.String()),
    model: Type.Optional(Type.String()),
    createdAt: Type.Integer(),
    updatedAt: Type.Integer(),
    hasActiveRun: Type.Boolean(),
    activeRunIds: Type.Array(Type.String()),
    inputTokens: Type.Integer({ minimum: 0 }),
    outputTokens: Type.Integer({ minimum: 0 }),
    totalTokens: Type.Integer({ minimum: 0 }),
  },
  Open,
);
export type SessionRow = Static<typeof SessionRowSchema>;

export const SessionsListResultSchema = Type.Object(
  {
    ts: Type.Integer(),
    path: Type.String(),
    count: Type.Integer({ minimum: 0 }),
    totalCount: Type.Integer({ minimum: 0 }),
    limitApplied: Type.Integer({ minimum: 0 }),
    nextOffset: Type.Union([Type.Integer(), Type.Null()]),
    hasMore: Type.Boolean(),
    owners: Type.Array(Type.Unknown()),
    defaults: Type.Record(Type.String(), Type.Unknown()),
    sessions: Type.Array(SessionRowSchema),
  },
  Open,
);

export const sessionsListContract = defineContract({ name: 'sessions.list', access: 'operator.read', params: SessionsListParamsSchema, result: SessionsListResultSchema });

export const SessionsResetParamsSchema = Type.Object({ key: NonEmpty, agentId: Type.Optional(Type.String()), reason: Any }, Closed);
export const SessionsResetResultSchema = Type.Object({ ok: Type.Literal(true), key: NonEmpty, sessionId: NonEmpty }, Open);
export const sessionsResetContract = defineContract({ name: 'sessions.reset', access: 'operator.admin', params: SessionsResetParamsSchema, result: SessionsResetResultSchema });

export const SessionsDeleteParamsSchema = Type.Object(
  {
    key: NonEmpty,
    agentId: Type.Optional(Type.String()),
    deleteTranscript: Type.Optional(Type.Boolean()),
    expectedSessionId: Any, expectedLifecycleRevision: Any, expectedSessionUpdatedAt: Any, emitLifecycleHooks: Any, archivedOnly: Any,
  },
  Closed,
);
export const SessionsDeleteResultSchema = Type.Object({ ok: Type.Literal(true), key: NonEmpty, deleted: Type.Boolean() }, Open);
// OpenClaw: "dynamic"; deleting a transcript is an admin action here.
export const sessionsDeleteContract = defineContract({ name: 'sessions.delete', access: 'operator.admin', params: SessionsDeleteParamsSchema, result: SessionsDeleteResultSchema });

/** Every sessions.* contract, for tables and tests. */
export const SESSIONS_CONTRACTS = [sessionsListContract, sessionsResetContract, sessionsDeleteContract] as const;

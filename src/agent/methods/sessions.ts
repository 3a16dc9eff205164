/** @module agent/methods/sessions — `sessions.list`, `sessions.reset`, `sessions.delete` (§5.2). */
import { sessionsDeleteContract, sessionsListContract, sessionsResetContract } from '../../protocol/index.js';
import { implement, type MethodDefinition } from '../../gateway/index.js';
import type { AgentRuntime } from '../runtime.js';
import { agentIdOfKey, canonicalSessionKey } from '../session-keys.js';
import type { AgentStore } from '../store/agent-store.js';
import { sessionRow } from '../wire.js';

export const DEFAULT_SESSIONS_LIMIT = 100;

export function createSessionMethods(runtime: () => AgentRuntime, store: () => AgentStore, now: () => number): MethodDefinition[] {
  return [
    implement(sessionsListContract, (params) => {
      const limit = params.limit ?? DEFAULT_SESSIONS_LIMIT;
      const offset = params.offset ?? 0;
      const { sessions, total } = store().listSessions({ limit, offset });
      const rows = sessions.filter((s) => params.agentId === undefined || s.agentId === params.agentId).map((s) => sessionRow(s, runtime().activeRunIds(s.sessionKey)));
      const hasMore = offset + sessions.length < total;
      const model = runtime().modelTargets[0];
      return {
        ts: now(),
        path: 'clawgate.sqlite#agent_sessions',
        count: rows.length,
        totalCount: total,
        limitApplied: limit,
        nextOffset: hasMore ? offset + sessions.length : null,
        hasMore,
        owners: [],
        defaults: { modelProvider: model?.provider ?? null, model: model?.model ?? null, contextTokens: model?.contextWindow ?? null },
        sessions: rows,
      };
    }),
    implement(sessionsResetContract, (params) => {
      const key = canonicalSessionKey(params.key, params.agentId);
      const session = store().resetSession(key, agentIdOfKey(key), now());
      return { ok: true as const, key, sessionId: session.sessionId };
    }),
    implement(sessionsDeleteContract, (params) => {
      const key = canonicalSessionKey(params.key, params.agentId);
      runtime().abort(key);
      return { ok: true as const, key, deleted: store().deleteSession(key) };
    }),
  ];
}

/**
 * @module agent/methods/chat — WebChat's `chat.send`, `chat.abort`, `chat.history` (§4).
 *
 * `chat.send` answers once (`{runId, status:"started"}`, or `queued` behind a running turn); the
 * reply arrives as `chat` events. A duplicate key while the run is active is `in_flight`.
 */
import { chatAbortContract, chatHistoryContract, chatSendContract, GatewayError, scopeSatisfies } from '../../protocol/index.js';
import { implement, type MethodDefinition } from '../../gateway/index.js';
import { RESET_COMMAND } from '../commands.js';
import type { AgentRuntime } from '../runtime.js';
import { canonicalSessionKey } from '../session-keys.js';
import type { AgentStore } from '../store/agent-store.js';
import { historyPayload, toolEventsConnId } from '../wire.js';

/** `chat.history` page size when `limit` is absent. */
export const DEFAULT_HISTORY_LIMIT = 200;

export function createChatMethods(runtime: () => AgentRuntime, store: () => AgentStore): MethodDefinition[] {
  return [
    implement(
      chatSendContract,
      (params, { caller }) => {
        const handle = runtime().submit({ message: params.message, idempotencyKey: params.idempotencyKey, sessionKey: params.sessionKey, agentId: params.agentId, timeoutMs: params.timeoutMs, toolEventsConnId: toolEventsConnId(caller) });
        if (handle.isDuplicate) return { runId: handle.runId, status: 'in_flight' as const };
        return { runId: handle.runId, status: handle.isQueued ? ('queued' as const) : ('started' as const) };
      },
      {
        authorize: (params, { caller }) => {
          if (RESET_COMMAND.test(params.message.trim()) && !scopeSatisfies(caller.scopes, 'operator.admin')) {
            throw new GatewayError('MISSING_SCOPE', { missingScope: 'operator.admin', requiredScopes: ['operator.admin'], method: 'chat.send' });
          }
        },
      },
    ),
    implement(chatAbortContract, (params) => {
      const runIds = runtime().abort(params.sessionKey, params.runId);
      return { ok: true as const, aborted: runIds.length > 0, runIds };
    }),
    implement(chatHistoryContract, (params) => {
      const key = canonicalSessionKey(params.sessionKey, params.agentId);
      return historyPayload(store(), params.sessionKey, store().getSession(key), { limit: params.limit ?? DEFAULT_HISTORY_LIMIT, cursor: params.cursor, maxChars: params.maxChars });
    }),
  ];
}

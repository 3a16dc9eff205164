/**
 * @module agent/wire — run outcomes and stored rows in the shapes OpenClaw clients read
 * (`agent` final, `agent.wait`, `chat.history`, `sessions.list`; openclaw-agent-chat.md §1–§5).
 */
import type { AgentResult, AgentWaitResult, ChatHistoryResult, SessionRow } from '../protocol/index.js';
import type { CallerInfo } from '../gateway/index.js';
import type { RunHandle, RunOutcome } from './runtime.js';
import type { AgentStore, SessionRecord } from './store/agent-store.js';

/** The `connect.caps` entry asking for the `tool` stream of one's own runs (OpenClaw client-info). */
export const TOOL_EVENTS_CAP = 'tool-events';

/**
 * The connection that gets a run's `tool` stream: the requester, when it declared `tool-events`
 * (OpenClaw §3.3: tool events go only to connections that asked and started the run).
 */
export function toolEventsConnId(caller: CallerInfo): string | undefined {
  return caller.caps?.includes(TOOL_EVENTS_CAP) === true ? caller.connId : undefined;
}

/** The `agent` acceptance: `{runId, sessionKey, agentId, status:"accepted", acceptedAt}`. */
export function acceptedPayload(handle: RunHandle): { runId: string; status: 'accepted'; sessionKey: string; agentId: string; acceptedAt: number } {
  return { runId: handle.runId, status: 'accepted', sessionKey: handle.sessionKey, agentId: handle.agentId, acceptedAt: handle.acceptedAt };
}

/** The `agent` final response (§1.3); a failed run is still `ok:true` with `status:"error"`. */
export function agentFinalPayload(outcome: RunOutcome): AgentResult {
  const failedText = outcome.error === undefined ? undefined : `⚠️ Agent run failed${outcome.model === undefined ? '' : ` (model: ${outcome.provider}/${outcome.model})`}: ${outcome.error.message}`;
  const text = outcome.status === 'error' ? [outcome.text, failedText].filter((t) => t !== undefined && t !== '').join('\n\n') : outcome.text;
  const meta: Record<string, unknown> = {
    durationMs: outcome.endedAt - outcome.startedAt,
    aborted: outcome.aborted,
    stopReason: outcome.stopReason,
    finalAssistantVisibleText: outcome.text,
    agentMeta: {
      sessionId: outcome.sessionId,
      provider: outcome.provider ?? null,
      model: outcome.model ?? null,
      usage: { input: outcome.usage.input, output: outcome.usage.output, cacheRead: 0, cacheWrite: 0, total: outcome.usage.input + outcome.usage.output },
    },
  };
  if (outcome.error !== undefined) meta['error'] = { kind: outcome.error.code === 'MODEL_TIMEOUT' ? 'timeout' : 'provider_error', code: outcome.error.code, message: outcome.error.message };
  const payload: AgentResult = {
    runId: outcome.runId,
    status: outcome.status,
    summary: outcome.summary,
    result: { payloads: text === '' ? [] : [{ text, mediaUrl: null, ...(outcome.status === 'error' ? { isError: true } : {}) }], meta },
  };
  if (outcome.status !== 'ok') payload.stopReason = outcome.stopReason;
  return payload;
}

/** `agent.wait`: the outcome, `pending` while queued, `timeout` when unfinished or unknown (§2). */
export function waitPayload(runId: string, outcome: RunOutcome | 'pending' | undefined): AgentWaitResult {
  if (outcome === undefined) return { runId, status: 'timeout' };
  if (outcome === 'pending') return { runId, status: 'pending', timeoutPhase: 'queue', providerStarted: false };
  const result: AgentWaitResult & Record<string, unknown> = {
    runId,
    status: outcome.status === 'ok' ? 'ok' : outcome.status === 'timeout' ? 'timeout' : 'error',
    startedAt: outcome.startedAt,
    endedAt: outcome.endedAt,
    stopReason: outcome.stopReason,
    livenessState: 'working',
    terminalReply: { disposition: 'visible', text: outcome.text },
    terminalReceipt: {
      runId,
      sessionId: outcome.sessionId,
      turnId: runId,
      requested: { provider: outcome.provider ?? null, model: outcome.model ?? null },
      effective: { provider: outcome.provider ?? null, model: outcome.model ?? null, responseModel: outcome.model ?? null },
      successfulToolNames: outcome.toolNames,
      rerouted: false,
    },
  };
  if (outcome.error !== undefined) result.error = outcome.error.message;
  return result;
}

/** One `chat.history` page, newest last; `nextCursor` pages further back (§4.4). */
export function historyPayload(store: AgentStore, requestedKey: string, session: SessionRecord | undefined, options: { limit: number; cursor?: string | undefined; maxChars?: number | undefined }): ChatHistoryResult {
  if (session === undefined) return { sessionKey: requestedKey, messages: [], hasMore: false, totalMessages: 0 };
  const beforeSeq = options.cursor === undefined ? undefined : Number.parseInt(options.cursor, 10);
  const page = store.page(session.sessionId, { limit: options.limit, ...(beforeSeq !== undefined && Number.isFinite(beforeSeq) ? { beforeSeq } : {}) });
  const messages = page.messages.map((stored) => {
    const json = JSON.stringify(stored.message);
    if (options.maxChars !== undefined && json.length > options.maxChars) return { role: stored.message.role, content: '[chat.history omitted: message too large]', timestamp: stored.message.timestamp, __openclaw: { seq: stored.seq } };
    return { ...stored.message, __openclaw: { seq: stored.seq, ...(stored.runId === undefined ? {} : { runId: stored.runId }) } };
  });
  const result: ChatHistoryResult = { sessionKey: requestedKey, sessionId: session.sessionId, messages, hasMore: page.hasMore, totalMessages: page.total };
  const oldest = page.messages[0];
  if (page.hasMore && oldest !== undefined) result.nextCursor = String(oldest.seq);
  return result;
}

/** A `sessions.list` row (§5.2). */
export function sessionRow(session: SessionRecord, activeRunIds: string[]): SessionRow {
  const classification = session.sessionKey.endsWith(':main') ? 'main' : 'custom';
  const row: SessionRow = {
    key: session.sessionKey,
    agentId: session.agentId,
    sessionId: session.sessionId,
    kind: 'direct',
    classification,
    isMain: classification === 'main',
    createdAt: session.createdAtMs,
    updatedAt: session.updatedAtMs,
    hasActiveRun: activeRunIds.length > 0,
    activeRunIds,
    inputTokens: session.inputTokens,
    outputTokens: session.outputTokens,
    totalTokens: session.inputTokens + session.outputTokens,
  };
  if (session.lastRunId !== undefined) row.lastRunId = session.lastRunId;
  if (session.provider !== undefined) row.modelProvider = session.provider;
  if (session.model !== undefined) row.model = session.model;
  return row;
}

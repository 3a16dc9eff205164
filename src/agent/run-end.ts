/**
 * @module agent/run-end — how a run ends: the closing `agent` lifecycle events and the `chat` final,
 * error or aborted event (openclaw-agent-chat.md §3.4, §4.3), and a finished run read back from the store.
 */
import { GatewayError } from '../protocol/index.js';
import { agentIdOfKey } from './session-keys.js';
import type { RunRecord } from './store/agent-store.js';
import type { RunEvents } from './run-events.js';
import type { RunResult } from './run.js';
import type { RunOutcome } from './runtime.js';

/** `lifecycle finishing` → `model null` → `lifecycle end` (or cancel/error) → `chat` final|aborted|error. */
export function emitEnd(events: RunEvents, outcome: RunOutcome, result: RunResult): void {
  const base = { startedAt: outcome.startedAt, endedAt: outcome.endedAt };
  if (result.state === 'aborted') {
    events.agent('lifecycle', { phase: 'end', status: 'cancelled', aborted: true, stopReason: result.stopReason, ...base }, { withSessionId: true });
    events.chat('aborted', { stopReason: result.stopReason, ...(outcome.text === '' ? {} : { message: events.message(outcome.text) }) });
    events.agent('lifecycle', { phase: 'error', error: 'This operation was aborted', aborted: true, stopReason: 'aborted', executionSettled: true }, { withSessionId: true });
    return;
  }
  events.agent('lifecycle', { phase: 'finishing', stopReason: result.stopReason, aborted: false, livenessState: 'working', endedAt: outcome.endedAt }, { withSessionId: true });
  events.agent('lifecycle', { phase: 'model', provider: null, model: null }, { withSessionId: true });
  if (result.state === 'error') {
    const error = result.error!;
    events.agent('lifecycle', { phase: 'error', error: error.message, aborted: false, stopReason: 'error', executionSettled: true, ...base }, { withSessionId: true });
    const detail: Record<string, unknown> = {};
    if (outcome.provider !== undefined) detail['provider'] = outcome.provider;
    if (outcome.model !== undefined) detail['model'] = outcome.model;
    if (typeof error.details['httpStatus'] === 'number') detail['httpStatus'] = error.details['httpStatus'];
    events.chat('error', { errorMessage: error.message, errorKind: errorKindOf(error), errorDetail: detail, stopReason: 'error', ...(outcome.text === '' ? {} : { message: events.message(outcome.text) }) });
    return;
  }
  events.agent('lifecycle', { phase: 'end', aborted: false, stopReason: 'stop', livenessState: 'working', executionSettled: true, terminalReply: { disposition: 'visible', text: outcome.text }, ...base }, { withSessionId: true });
  events.chat('final', { stopReason: 'stop', message: events.message(outcome.text) });
}

function errorKindOf(error: GatewayError): string {
  if (error.code === 'MODEL_TIMEOUT') return 'timeout';
  if (error.details['httpStatus'] === 429) return 'rate_limit';
  return 'unknown';
}

/** The outcome of a finished run read back from the store (after a restart, or past the dedupe window). */
export function outcomeOfStoredRun(run: RunRecord): RunOutcome {
  const { runId } = run;
  const outcome: RunOutcome = {
    runId,
    sessionKey: run.sessionKey,
    sessionId: run.sessionId,
    agentId: agentIdOfKey(run.sessionKey),
    status: run.status === 'ok' ? 'ok' : run.status === 'aborted' || run.status === 'timeout' ? 'timeout' : 'error',
    summary: run.status === 'ok' ? 'completed' : run.status === 'aborted' ? 'aborted' : 'failed',
    stopReason: run.status === 'ok' ? 'stop' : run.status,
    aborted: run.status === 'aborted',
    text: run.replyText ?? '',
    usage: { input: run.inputTokens, output: run.outputTokens },
    toolNames: [],
    startedAt: run.startedAtMs ?? run.createdAtMs,
    endedAt: run.endedAtMs ?? run.createdAtMs,
  };
  if (run.status === 'interrupted') outcome.error = new GatewayError('RUN_INTERRUPTED', { runId });
  if (run.provider !== undefined) outcome.provider = run.provider;
  if (run.model !== undefined) outcome.model = run.model;
  return outcome;
}

/**
 * @module agent/runtime — accepts turns, queues them one at a time per session, runs them, and
 * remembers outcomes for `agent.wait` and idempotent replays.
 *
 * - `runId` is the caller's idempotencyKey. A key seen within 5 minutes (at most 1,000 kept) returns
 *   the same run: in flight, or its settled outcome (OpenClaw DEDUPE_TTL_MS / DEDUPE_MAX).
 * - One run at a time per session; later turns wait in order, and say so (`run_status queued`).
 * - `abort` stops the model stream and any pending node invoke through the run's AbortSignal.
 * - At start, runs a crash left queued or running are marked `interrupted`.
 */
import type { AgentsConfig, ModelsConfig, ToolsConfig } from '../config/index.js';
import { GatewayError } from '../protocol/index.js';
import { ExecApprovals, type ApprovalTimers } from './approvals.js';
import type { AgentEventSink, AgentNodePort } from './ports.js';
import { configuredModelRefs, resolveModelTargets, type ModelTarget } from './providers/model-config.js';
import type { ModelProvider } from './providers/provider.js';
import { RunEvents } from './run-events.js';
import { executeRun, type RunResult } from './run.js';
import { emitEnd, outcomeOfStoredRun } from './run-end.js';
import { agentIdOfKey, canonicalSessionKey, DEFAULT_AGENT_ID } from './session-keys.js';
import type { AgentStore, SessionRecord } from './store/agent-store.js';
import { buildSystemPrompt } from './system-prompt.js';
import { execTool } from './tools/exec.js';
import { nodesTool } from './tools/nodes.js';

export const DEDUPE_TTL_MS = 300_000;
export const DEDUPE_MAX = 1000;
/** OpenClaw's default run budget (48 h). */
export const DEFAULT_RUN_TIMEOUT_MS = 172_800_000;

export interface AgentConfigSections {
  models?: ModelsConfig | undefined;
  agents?: AgentsConfig | undefined;
  tools?: ToolsConfig | undefined;
}

export interface AgentRuntimeOptions {
  store: AgentStore;
  events: AgentEventSink;
  nodes: AgentNodePort;
  config: AgentConfigSections;
  /** Created on the first model call (the AI SDK is imported then). */
  loadProvider: () => ModelProvider;
  now: () => number;
  createId: () => string;
  workspaceDir?: string;
  /** Timers for approvals, `agent.wait` and run budgets (the gateway's Clock; real timers by default). */
  timers?: ApprovalTimers;
}

export interface TurnRequest {
  message: string;
  idempotencyKey: string;
  sessionKey?: string | undefined;
  agentId?: string | undefined;
  /** Connection that started the run and asked for tool events. */
  toolEventsConnId?: string | undefined;
  /** Run budget override, ms. */
  timeoutMs?: number | undefined;
}

export interface RunOutcome {
  runId: string;
  sessionKey: string;
  sessionId: string;
  agentId: string;
  /** Wire status of `agent`'s final response and `agent.wait`. */
  status: 'ok' | 'error' | 'timeout';
  summary: 'completed' | 'failed' | 'aborted';
  stopReason: string;
  aborted: boolean;
  text: string;
  error?: GatewayError;
  provider?: string;
  model?: string;
  usage: { input: number; output: number };
  toolNames: string[];
  startedAt: number;
  endedAt: number;
}

export interface RunHandle {
  runId: string;
  sessionKey: string;
  sessionId: string;
  agentId: string;
  acceptedAt: number;
  /** The key was already seen: this is the existing run. */
  isDuplicate: boolean;
  /** Waiting behind another run of the same session. */
  isQueued: boolean;
  done: Promise<RunOutcome>;
}

interface ActiveRun {
  handle: RunHandle;
  controller: AbortController;
  isRunning: boolean;
}

export class AgentRuntime {
  readonly approvals: ExecApprovals;
  readonly #options: AgentRuntimeOptions;
  readonly #targets: ModelTarget[];
  readonly #active = new Map<string, ActiveRun>();
  readonly #settled = new Map<string, { outcome: RunOutcome; expiresAtMs: number }>();
  readonly #sessionTails = new Map<string, Promise<unknown>>();
  #isClosing = false;

  constructor(options: AgentRuntimeOptions) {
    this.#options = options;
    // Unknown model refs fail here, at gateway start, not at the first message.
    this.#targets = resolveModelTargets(options.config.models, configuredModelRefs(options.config.agents));
    const approvalOptions: ConstructorParameters<typeof ExecApprovals>[0] = { events: options.events, rules: options.store.rules, now: options.now, createId: options.createId };
    const ttlMs = options.config.tools?.exec?.approvalTimeoutMs;
    if (ttlMs !== undefined) approvalOptions.ttlMs = ttlMs;
    if (options.timers !== undefined) approvalOptions.timers = options.timers;
    this.approvals = new ExecApprovals(approvalOptions);
  }

  /** `<provider>/<model>` of the primary model, if one is configured. */
  get modelRef(): string | undefined {
    return this.#targets[0]?.ref;
  }

  get modelTargets(): readonly ModelTarget[] {
    return this.#targets;
  }

  /** Marks runs a previous process left unfinished as interrupted; returns their ids. */
  recoverInterrupted(): string[] {
    return this.#options.store.markInterrupted(this.#options.now()).map((run) => run.runId);
  }

  /** Accepts a turn: appends the user message, then queues the run behind the session's current one. */
  submit(turn: TurnRequest): RunHandle {
    this.#evictSettled();
    const runId = turn.idempotencyKey;
    const existing = this.#active.get(runId);
    if (existing !== undefined) return { ...existing.handle, isDuplicate: true };
    const settled = this.#settled.get(runId);
    if (settled !== undefined) return this.#settledHandle(settled.outcome);
    if (this.#isClosing) throw new GatewayError('RUN_INTERRUPTED', { runId });
    const agentId = turn.agentId ?? (turn.sessionKey === undefined ? DEFAULT_AGENT_ID : agentIdOfKey(canonicalSessionKey(turn.sessionKey)));
    const sessionKey = canonicalSessionKey(turn.sessionKey, agentId);
    const now = this.#options.now();
    const store = this.#options.store;
    const previous = this.#sessionTails.get(sessionKey);
    const isQueued = previous !== undefined;
    // Committed before the ack: an acknowledged message survives a crash. A run that starts at
    // once is stored as running here, saving a commit before its model request.
    const session = store.acceptTurn({ sessionKey, agentId, runId, message: { role: 'user', content: turn.message, timestamp: now, idempotencyKey: `${runId}:user` }, nowMs: now, isStarting: !isQueued });
    const controller = new AbortController();
    let resolveDone!: (outcome: RunOutcome) => void;
    const done = new Promise<RunOutcome>((resolve) => {
      resolveDone = resolve;
    });
    const handle: RunHandle = { runId, sessionKey, sessionId: session.sessionId, agentId, acceptedAt: now, isDuplicate: false, isQueued, done };
    const active: ActiveRun = { handle, controller, isRunning: false };
    this.#active.set(runId, active);
    const events = new RunEvents(this.#options.events, { runId, sessionKey, sessionId: session.sessionId, agentId, ...(turn.toolEventsConnId === undefined ? {} : { toolEventsConnId: turn.toolEventsConnId }) }, this.#options.now);
    if (isQueued) events.agent('run_status', { phase: 'queued' });
    // A first run starts on the next turn of the event loop, once the caller's response went out:
    // OpenClaw answers `chat.send` before the run's first event (§3.4), and the dispatcher sends a
    // returned response only after several awaits, which a microtask start would overtake.
    const tail = (previous ?? new Promise<void>((resolve) => setImmediate(resolve))).then(async () => {
      const outcome = await this.#run(active, session, turn, events);
      this.#active.delete(runId);
      this.#settled.set(runId, { outcome, expiresAtMs: this.#options.now() + DEDUPE_TTL_MS });
      resolveDone(outcome);
    });
    this.#sessionTails.set(sessionKey, tail);
    void tail.finally(() => {
      if (this.#sessionTails.get(sessionKey) === tail) this.#sessionTails.delete(sessionKey);
    });
    return handle;
  }

  /** Aborts the session's runs (or only `runId`); returns the aborted run ids. */
  abort(sessionKey: string, runId?: string, reason: 'rpc' | 'timeout' | 'shutdown' = 'rpc'): string[] {
    const key = canonicalSessionKey(sessionKey);
    if (runId !== undefined) {
      const run = this.#active.get(runId);
      if (run === undefined) return [];
      if (run.handle.sessionKey !== key) throw new GatewayError('RUN_SESSION_MISMATCH', {});
      run.controller.abort(reason);
      return [runId];
    }
    const aborted: string[] = [];
    for (const run of this.#active.values()) {
      if (run.handle.sessionKey !== key) continue;
      run.controller.abort(reason);
      aborted.push(run.handle.runId);
    }
    return aborted;
  }

  /** The outcome within `timeoutMs`, `pending` while queued, or undefined (still running or unknown). */
  async wait(runId: string, timeoutMs: number): Promise<RunOutcome | 'pending' | undefined> {
    const settled = this.#settled.get(runId);
    if (settled !== undefined) return settled.outcome;
    const active = this.#active.get(runId);
    if (active === undefined) return this.#storedOutcome(runId);
    const timers = this.#timers();
    let timer: unknown;
    const timeout = new Promise<undefined>((resolve) => {
      timer = timers.setTimeout(() => resolve(undefined), timeoutMs);
    });
    const outcome = await Promise.race([active.handle.done, timeout]);
    timers.clearTimeout(timer);
    if (outcome === undefined && !active.isRunning) return 'pending';
    return outcome;
  }

  /** Whether `sessionKey` has a run in flight (for sessions.list). */
  activeRunIds(sessionKey: string): string[] {
    return [...this.#active.values()].filter((run) => run.handle.sessionKey === sessionKey).map((run) => run.handle.runId);
  }

  /** Stops accepting turns and aborts every run; they end `interrupted`-like with reason `shutdown`. */
  async close(): Promise<void> {
    this.#isClosing = true;
    const runs = [...this.#active.values()];
    for (const run of runs) run.controller.abort('shutdown');
    await Promise.all(runs.map((run) => run.handle.done));
  }

  async #run(active: ActiveRun, session: SessionRecord, turn: TurnRequest, events: RunEvents): Promise<RunOutcome> {
    const { store, now } = this.#options;
    const { runId } = active.handle;
    active.isRunning = true;
    const startedAt = now();
    if (active.handle.isQueued) store.startRun(runId, startedAt);
    events.agent('lifecycle', { phase: 'start', startedAt }, { withSessionId: true });
    const budgetMs = turn.timeoutMs ?? runBudgetMs(this.#options.config.agents);
    const timers = this.#timers();
    const budgetTimer = budgetMs > 0 && !active.controller.signal.aborted ? timers.setTimeout(() => active.controller.abort('timeout'), budgetMs) : undefined;
    const tools = this.#options.config.tools?.exec;
    const result = active.controller.signal.aborted
      ? abortedBeforeStart(active.controller.signal)
      : await executeRun({
          store,
          session: store.getSession(session.sessionKey) ?? session,
          runId,
          agentId: active.handle.agentId,
          message: turn.message,
          events,
          signal: active.controller.signal,
          targets: this.#targets,
          loadProvider: this.#options.loadProvider,
          tools: [execTool, nodesTool],
          nodes: this.#options.nodes,
          approvals: this.approvals,
          execMode: tools?.mode ?? 'ask',
          ...(tools?.node === undefined ? {} : { defaultNode: tools.node }),
          systemPrompt: () => buildSystemPrompt({ configured: this.#options.config.agents?.defaults?.systemPrompt, workspaceDir: this.#options.workspaceDir }),
          resetSession: () => void store.resetSession(session.sessionKey, active.handle.agentId, now()),
          now,
          createId: this.#options.createId,
        });
    if (budgetTimer !== undefined) timers.clearTimeout(budgetTimer);
    const outcome = this.#finish(active.handle, result, startedAt, events);
    return outcome;
  }

  #timers(): ApprovalTimers {
    return this.#options.timers ?? REAL_TIMERS;
  }

  #finish(handle: RunHandle, result: RunResult, startedAt: number, events: RunEvents): RunOutcome {
    const endedAt = this.#options.now();
    const isAborted = result.state === 'aborted';
    const outcome: RunOutcome = {
      runId: handle.runId,
      sessionKey: handle.sessionKey,
      sessionId: handle.sessionId,
      agentId: handle.agentId,
      status: result.state === 'ok' ? 'ok' : isAborted ? 'timeout' : 'error',
      summary: result.state === 'ok' ? 'completed' : isAborted ? 'aborted' : 'failed',
      stopReason: result.stopReason,
      aborted: isAborted,
      text: result.text,
      usage: result.usage,
      toolNames: result.toolNames,
      startedAt,
      endedAt,
    };
    if (result.error !== undefined) outcome.error = result.error;
    if (result.provider !== undefined) outcome.provider = result.provider;
    if (result.model !== undefined) outcome.model = result.model;
    const storeStatus = result.state === 'ok' ? 'ok' : isAborted ? (result.abortReason === 'shutdown' ? 'interrupted' : result.abortReason === 'timeout' ? 'timeout' : 'aborted') : 'error';
    const finish: Parameters<AgentStore['finishRun']>[1] = { status: storeStatus, inputTokens: result.usage.input, outputTokens: result.usage.output, replyText: result.text, endedAtMs: endedAt };
    if (result.provider !== undefined) finish.provider = result.provider;
    if (result.model !== undefined) finish.model = result.model;
    if (result.error !== undefined) finish.error = { code: result.error.code, message: result.error.message };
    this.#options.store.finishRun(handle.runId, finish);
    emitEnd(events, outcome, result);
    return outcome;
  }

  #storedOutcome(runId: string): RunOutcome | undefined {
    const run = this.#options.store.getRun(runId);
    if (run === undefined || run.status === 'queued' || run.status === 'running') return undefined;
    return outcomeOfStoredRun(run);
  }

  #settledHandle(outcome: RunOutcome): RunHandle {
    return { runId: outcome.runId, sessionKey: outcome.sessionKey, sessionId: outcome.sessionId, agentId: outcome.agentId, acceptedAt: outcome.startedAt, isDuplicate: true, isQueued: false, done: Promise.resolve(outcome) };
  }

  #evictSettled(): void {
    const now = this.#options.now();
    for (const [runId, entry] of this.#settled) if (entry.expiresAtMs <= now) this.#settled.delete(runId);
    while (this.#settled.size > DEDUPE_MAX) this.#settled.delete(this.#settled.keys().next().value!);
  }
}

const REAL_TIMERS: ApprovalTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

function runBudgetMs(agents: AgentsConfig | undefined): number {
  const seconds = agents?.defaults?.timeoutSeconds;
  return seconds === undefined ? DEFAULT_RUN_TIMEOUT_MS : seconds * 1000;
}

function abortedBeforeStart(signal: AbortSignal): RunResult {
  const reason: unknown = signal.reason;
  const abortReason = reason === 'timeout' || reason === 'shutdown' ? reason : 'rpc';
  return { state: 'aborted', text: '', stopReason: abortReason, abortReason, usage: { input: 0, output: 0 }, toolNames: [] };
}

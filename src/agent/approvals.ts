/**
 * @module agent/approvals — pending exec approvals (OpenClaw §6.4): request, list, resolve.
 *
 * A request is bound to the exact plan (argv, cwd, agentId, sessionKey, node) when it is created; a
 * decision carries only `{id, decision}`, so nobody can alter what runs by approving. Each id is
 * single-use (a second resolve is EXEC_APPROVAL_NOT_FOUND) and expires (default 30 min). When the
 * request event reaches no approval-capable operator it is not parked: it is denied at once with
 * the reason, as OpenClaw's `no-approval-route` fallback does.
 */
import { GatewayError } from '../protocol/index.js';
import type { AgentEventSink } from './ports.js';

export const DEFAULT_APPROVAL_TTL_MS = 30 * 60_000;

export type ApprovalDecision = 'allow-once' | 'allow-always' | 'deny';
export type ApprovalOutcome = ApprovalDecision | 'expired' | 'no-approval-route' | 'aborted';

/**
 * What an operator may decide. OpenClaw also offers `allow-always`, which persists an allow rule on
 * the execution host; Clawgate keeps no such rules yet, so it is neither offered nor accepted.
 */
export const OFFERED_DECISIONS: readonly ApprovalDecision[] = ['allow-once', 'deny'];

/** The plan a decision is bound to. */
export interface ExecPlan {
  argv: string[];
  cwd: string | null;
  commandText: string;
  agentId: string;
  sessionKey: string;
  nodeId: string;
}

export interface ApprovalRecord {
  id: string;
  approvalKind: 'exec';
  request: Record<string, unknown>;
  createdAtMs: number;
  expiresAtMs: number;
}

export interface ApprovalTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

interface Pending {
  record: ApprovalRecord;
  timer: unknown;
  settle(outcome: ApprovalOutcome): void;
}

export interface ExecApprovalsOptions {
  events: AgentEventSink;
  now: () => number;
  createId: () => string;
  ttlMs?: number;
  timers?: ApprovalTimers;
}

const REAL_TIMERS: ApprovalTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export class ExecApprovals {
  readonly #options: ExecApprovalsOptions;
  readonly #timers: ApprovalTimers;
  readonly #pending = new Map<string, Pending>();

  constructor(options: ExecApprovalsOptions) {
    this.#options = options;
    this.#timers = options.timers ?? REAL_TIMERS;
  }

  /** Parks until a decision, expiry or abort; emits `exec.approval.requested` to approval clients. */
  request(plan: ExecPlan, context: { runId: string; toolCallId: string; security: string; ask: string; systemRunPlan: unknown }, signal: AbortSignal): Promise<{ outcome: ApprovalOutcome; id: string }> {
    const id = this.#options.createId();
    const createdAtMs = this.#options.now();
    const ttlMs = this.#options.ttlMs ?? DEFAULT_APPROVAL_TTL_MS;
    const record: ApprovalRecord = {
      id,
      approvalKind: 'exec',
      request: {
        command: plan.commandText,
        commandArgv: plan.argv,
        systemRunBinding: { argv: plan.argv, cwd: plan.cwd, agentId: plan.agentId, sessionKey: plan.sessionKey },
        systemRunPlan: context.systemRunPlan,
        cwd: plan.cwd,
        nodeId: plan.nodeId,
        host: 'node',
        security: context.security,
        ask: context.ask,
        allowedDecisions: [...OFFERED_DECISIONS],
        agentId: plan.agentId,
        sessionKey: plan.sessionKey,
        runId: context.runId,
        toolCallId: context.toolCallId,
      },
      createdAtMs,
      expiresAtMs: createdAtMs + ttlMs,
    };
    return new Promise((resolve) => {
      const settle = (outcome: ApprovalOutcome): void => {
        const pending = this.#pending.get(id);
        if (pending === undefined) return;
        this.#pending.delete(id);
        this.#timers.clearTimeout(pending.timer);
        signal.removeEventListener('abort', onAbort);
        resolve({ outcome, id });
      };
      const onAbort = (): void => settle('aborted');
      const timer = this.#timers.setTimeout(() => {
        settle('expired');
        this.#options.events.emit('exec.approval.resolved', { id, decision: 'deny', resolvedBy: 'expired', ts: this.#options.now(), request: record.request });
      }, ttlMs);
      this.#pending.set(id, { record, timer, settle });
      signal.addEventListener('abort', onAbort, { once: true });
      if (this.#options.events.emit('exec.approval.requested', { ...record }) === 0) settle('no-approval-route');
    });
  }

  /** Pending requests, oldest first. */
  list(): ApprovalRecord[] {
    return [...this.#pending.values()].map((pending) => pending.record);
  }

  /**
   * Decides a pending request once; a second decision, or an unknown id, is EXEC_APPROVAL_NOT_FOUND.
   * `allow-always` is refused (EXEC_APPROVAL_DECISION_UNSUPPORTED) and the request stays pending: it
   * is not in `allowedDecisions`, and silently running it once would betray what the operator chose.
   */
  resolve(id: string, decision: ApprovalDecision, resolvedBy: string): void {
    const pending = this.#pending.get(id);
    if (pending === undefined || this.#options.now() >= pending.record.expiresAtMs) throw new GatewayError('EXEC_APPROVAL_NOT_FOUND', { id });
    if (!OFFERED_DECISIONS.includes(decision)) throw new GatewayError('EXEC_APPROVAL_DECISION_UNSUPPORTED', { id, decision });
    pending.settle(decision);
    this.#options.events.emit('exec.approval.resolved', { id, decision, resolvedBy, ts: this.#options.now(), request: pending.record.request });
  }
}

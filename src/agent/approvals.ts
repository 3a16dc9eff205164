/**
 * @module agent/approvals — pending exec approvals (OpenClaw §6.4): request, list, resolve.
 *
 * A request is bound to the exact plan (argv, cwd, agentId, sessionKey, node) when it is created; a
 * decision carries only `{id, decision}`, so nobody can alter what runs by approving. Each id is
 * single-use (a second resolve is EXEC_APPROVAL_NOT_FOUND) and expires (default 30 min). When the
 * request event reaches no approval-capable operator it is not parked: it is denied at once with
 * the reason, as OpenClaw's `no-approval-route` fallback does.
 *
 * `allow-always` also stores an exec rule (store/exec-rules.ts) for exactly the approved argv, cwd,
 * node and agent, before the decision is acknowledged; later runs it covers skip the ask
 * (tools/node-exec.ts). It is not offered when the effective policy asks `always` (OpenClaw's
 * `resolveExecApprovalAllowedDecisions`): a rule could never be used there.
 */
import { GatewayError } from '../protocol/index.js';
import type { AgentEventSink } from './ports.js';
import type { ExecRule, ExecRuleKey, ExecRuleMeta } from './store/exec-rules.js';

export const DEFAULT_APPROVAL_TTL_MS = 30 * 60_000;
const DAY_MS = 86_400_000;

export type ApprovalDecision = 'allow-once' | 'allow-always' | 'deny';
export type ApprovalOutcome = ApprovalDecision | 'expired' | 'no-approval-route' | 'aborted';

/** What an operator may decide, as OpenClaw offers it (§6.4). */
export const OFFERED_DECISIONS: readonly ApprovalDecision[] = ['allow-once', 'allow-always', 'deny'];
/** The decisions when the effective policy asks `always`: a standing rule would never apply. */
export const ASK_ALWAYS_DECISIONS: readonly ApprovalDecision[] = ['allow-once', 'deny'];

/** Where `allow-always` decisions are kept (the agent's ExecRuleStore). */
export interface ExecRuleSink {
  add(key: ExecRuleKey, meta: ExecRuleMeta): ExecRule;
  find(key: ExecRuleKey, nowMs: number): ExecRule | undefined;
  markUsed(id: string, nowMs: number): void;
}

/** How a request ended; `ruleId` is set when an `allow-always` decision stored (or found) a rule. */
export interface ApprovalResult {
  outcome: ApprovalOutcome;
  id: string;
  ruleId?: string;
}

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
  plan: ExecPlan;
  allowedDecisions: readonly ApprovalDecision[];
  timer: unknown;
  settle(outcome: ApprovalOutcome, ruleId?: string): void;
}

export interface ExecApprovalsOptions {
  events: AgentEventSink;
  /** Where `allow-always` stores its rule. */
  rules: ExecRuleSink;
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

  /**
   * Parks until a decision, expiry or abort; emits `exec.approval.requested` to approval clients.
   * `context.ask` is the effective ask (`always` when the node's own policy says so).
   */
  request(plan: ExecPlan, context: { runId: string; toolCallId: string; security: string; ask: string; systemRunPlan: unknown }, signal: AbortSignal): Promise<ApprovalResult> {
    const id = this.#options.createId();
    const allowedDecisions = context.ask === 'always' ? ASK_ALWAYS_DECISIONS : OFFERED_DECISIONS;
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
        allowedDecisions: [...allowedDecisions],
        agentId: plan.agentId,
        sessionKey: plan.sessionKey,
        runId: context.runId,
        toolCallId: context.toolCallId,
      },
      createdAtMs,
      expiresAtMs: createdAtMs + ttlMs,
    };
    return new Promise((resolve) => {
      const settle = (outcome: ApprovalOutcome, ruleId?: string): void => {
        const pending = this.#pending.get(id);
        if (pending === undefined) return;
        this.#pending.delete(id);
        this.#timers.clearTimeout(pending.timer);
        signal.removeEventListener('abort', onAbort);
        resolve(ruleId === undefined ? { outcome, id } : { outcome, id, ruleId });
      };
      const onAbort = (): void => settle('aborted');
      const timer = this.#timers.setTimeout(() => {
        settle('expired');
        this.#options.events.emit('exec.approval.resolved', { id, decision: 'deny', resolvedBy: 'expired', ts: this.#options.now(), request: record.request });
      }, ttlMs);
      this.#pending.set(id, { record, plan, allowedDecisions, timer, settle });
      signal.addEventListener('abort', onAbort, { once: true });
      if (this.#options.events.emit('exec.approval.requested', { ...record }) === 0) settle('no-approval-route');
    });
  }

  /**
   * The operator's standing `allow-always` rule for exactly this argv, cwd, node and agent, marked as
   * used; undefined when there is none. The caller decides whether a rule may apply (ask mode, and
   * not when the node asks always).
   */
  coveringRule(key: ExecRuleKey): ExecRule | undefined {
    const nowMs = this.#options.now();
    const rule = this.#options.rules.find(key, nowMs);
    if (rule !== undefined) this.#options.rules.markUsed(rule.id, nowMs);
    return rule;
  }

  /** Pending requests, oldest first. */
  list(): ApprovalRecord[] {
    return [...this.#pending.values()].map((pending) => pending.record);
  }

  /**
   * Decides a pending request once; a second decision, or an unknown id, is EXEC_APPROVAL_NOT_FOUND.
   * A decision outside the request's `allowedDecisions` (allow-always while the policy asks always)
   * is EXEC_APPROVAL_DECISION_UNSUPPORTED and the request stays pending: silently running it once
   * would betray what the operator chose. `allow-always` stores its rule before the run is released,
   * so a failing store leaves the request pending instead of running on a rule that does not exist.
   * Returns the rule id for `allow-always`; `expiresInDays` (OpenClaw's `grantExpiresInDays`) bounds
   * the rule's life, else it lasts until removed.
   */
  resolve(id: string, decision: ApprovalDecision, resolvedBy: string, options: { expiresInDays?: number | undefined } = {}): { ruleId?: string } {
    const pending = this.#pending.get(id);
    if (pending === undefined || this.#options.now() >= pending.record.expiresAtMs) throw new GatewayError('EXEC_APPROVAL_NOT_FOUND', { id });
    if (!pending.allowedDecisions.includes(decision)) {
      throw new GatewayError('EXEC_APPROVAL_DECISION_UNSUPPORTED', { id, decision, allowed: pending.allowedDecisions.join(', ') });
    }
    const nowMs = this.#options.now();
    const { plan } = pending;
    const expiresAtMs = options.expiresInDays === undefined ? null : nowMs + options.expiresInDays * DAY_MS;
    const key = { agentId: plan.agentId, nodeId: plan.nodeId, argv: plan.argv, cwd: plan.cwd };
    const rule = decision === 'allow-always' ? this.#options.rules.add(key, { commandText: plan.commandText, approvalId: id, resolvedBy, nowMs, expiresAtMs }) : undefined;
    pending.settle(decision, rule?.id);
    this.#options.events.emit('exec.approval.resolved', { id, decision, resolvedBy, ts: nowMs, request: pending.record.request, ...(rule === undefined ? {} : { ruleId: rule.id }) });
    return rule === undefined ? {} : { ruleId: rule.id };
  }
}

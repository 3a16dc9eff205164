/**
 * @module agent/methods/exec-approvals — `exec.approval.list` / `exec.approval.resolve` (§6.4), and
 * the Clawgate extension `exec.approval.rules.list` / `.remove` ("Always allow" rules).
 * A decision names only the id: the approved plan was fixed when the request was made.
 */
import { execApprovalListContract, execApprovalResolveContract, execRulesListContract, execRulesRemoveContract, GatewayError } from '../../protocol/index.js';
import { implement, type MethodDefinition } from '../../gateway/index.js';
import type { AgentRuntime } from '../runtime.js';
import type { AgentStore } from '../store/agent-store.js';

/** Where standing-permission changes are reported (the feature's logger): they matter in an audit. */
export type RuleAuditLog = (fields: Record<string, unknown>, message: string) => void;

export function createExecApprovalMethods(runtime: () => AgentRuntime, store: () => AgentStore, audit: RuleAuditLog = () => undefined): MethodDefinition[] {
  return [
    implement(execApprovalListContract, () => ({ approvals: runtime().approvals.list() })),
    implement(execApprovalResolveContract, (params, { caller }) => {
      const resolvedBy = caller.deviceId ?? caller.client.id;
      const { ruleId } = runtime().approvals.resolve(params.id, params.decision, resolvedBy, { expiresInDays: params.grantExpiresInDays });
      if (ruleId !== undefined) {
        const rule = store().rules.get(ruleId);
        audit({ ruleId, argv: rule?.argv, cwd: rule?.cwd, nodeId: rule?.nodeId, agentId: rule?.agentId, expiresAtMs: rule?.expiresAtMs, approvalId: params.id, resolvedBy }, 'exec rule stored: this command now runs without asking');
      }
      return { ok: true as const };
    }),
    implement(execRulesListContract, (params) => ({ rules: store().rules.list({ nodeId: params.nodeId }) })),
    implement(execRulesRemoveContract, (params, { caller }) => {
      const rule = store().rules.get(params.id);
      if (rule === undefined || !store().rules.remove(params.id)) throw new GatewayError('EXEC_RULE_NOT_FOUND', { id: params.id });
      audit({ ruleId: rule.id, argv: rule.argv, nodeId: rule.nodeId, removedBy: caller.deviceId ?? caller.client.id }, 'exec rule removed: this command asks again');
      return { ok: true as const, rule };
    }),
  ];
}

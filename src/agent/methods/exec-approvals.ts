/**
 * @module agent/methods/exec-approvals — `exec.approval.list` / `exec.approval.resolve` (§6.4), and
 * the Clawgate extension `exec.approval.rules.list` / `.remove` ("Always allow" rules).
 * A decision names only the id: the approved plan was fixed when the request was made.
 */
import { execApprovalListContract, execApprovalResolveContract, execRulesListContract, execRulesRemoveContract, GatewayError } from '../../protocol/index.js';
import { implement, type MethodDefinition } from '../../gateway/index.js';
import type { AgentRuntime } from '../runtime.js';
import type { AgentStore } from '../store/agent-store.js';

export function createExecApprovalMethods(runtime: () => AgentRuntime, store: () => AgentStore): MethodDefinition[] {
  return [
    implement(execApprovalListContract, () => ({ approvals: runtime().approvals.list() })),
    implement(execApprovalResolveContract, (params, { caller }) => {
      runtime().approvals.resolve(params.id, params.decision, caller.deviceId ?? caller.client.id);
      return { ok: true as const };
    }),
    implement(execRulesListContract, (params) => ({ rules: store().rules.list({ nodeId: params.nodeId }) })),
    implement(execRulesRemoveContract, (params) => {
      const rule = store().rules.get(params.id);
      if (rule === undefined || !store().rules.remove(params.id)) throw new GatewayError('EXEC_RULE_NOT_FOUND', { id: params.id });
      return { ok: true as const, rule };
    }),
  ];
}

/**
 * @module agent/methods/exec-approvals — `exec.approval.list` / `exec.approval.resolve` (§6.4).
 * A decision names only the id: the approved plan was fixed when the request was made.
 */
import { execApprovalListContract, execApprovalResolveContract } from '../../protocol/index.js';
import { implement, type MethodDefinition } from '../../gateway/index.js';
import type { AgentRuntime } from '../runtime.js';

export function createExecApprovalMethods(runtime: () => AgentRuntime): MethodDefinition[] {
  return [
    implement(execApprovalListContract, () => ({ approvals: runtime().approvals.list() })),
    implement(execApprovalResolveContract, (params, { caller }) => {
      runtime().approvals.resolve(params.id, params.decision, caller.deviceId ?? caller.client.id);
      return { ok: true as const };
    }),
  ];
}

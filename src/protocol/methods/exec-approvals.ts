/**
 * @module protocol/methods/exec-approvals — `exec.approval.list` / `exec.approval.resolve` (§6.4),
 * and the Clawgate extension `exec.approval.rules.list` / `.remove` for "Always allow" rules.
 * A decision carries only the id and the decision: what runs is fixed when the request is made.
 */
import Type from 'typebox';
import { defineContract } from '../contract.js';

const Closed = { additionalProperties: false } as const;
const Open = { additionalProperties: true } as const;

export const ExecApprovalRecordSchema = Type.Object(
  { id: Type.String({ minLength: 1 }), approvalKind: Type.Literal('exec'), request: Type.Record(Type.String(), Type.Unknown()), createdAtMs: Type.Integer(), expiresAtMs: Type.Integer() },
  Open,
);

export const ExecApprovalListParamsSchema = Type.Object({}, Closed);
export const ExecApprovalListResultSchema = Type.Object({ approvals: Type.Array(ExecApprovalRecordSchema) }, Open);
export const execApprovalListContract = defineContract({ name: 'exec.approval.list', access: 'operator.approvals', params: ExecApprovalListParamsSchema, result: ExecApprovalListResultSchema });

export const EXEC_APPROVAL_DECISIONS = ['allow-once', 'allow-always', 'deny'] as const;

export const ExecApprovalResolveParamsSchema = Type.Object(
  {
    id: Type.String({ minLength: 1 }),
    decision: Type.Union([Type.Literal('allow-once'), Type.Literal('allow-always'), Type.Literal('deny')]),
    reviewer: Type.Optional(Type.Unknown()),
    /** With `allow-always`: the rule expires after this many days (OpenClaw's bound: 3650). */
    grantExpiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
  },
  Closed,
);
export const ExecApprovalResolveResultSchema = Type.Object({ ok: Type.Literal(true) }, Open);
export const execApprovalResolveContract = defineContract({ name: 'exec.approval.resolve', access: 'operator.approvals', params: ExecApprovalResolveParamsSchema, result: ExecApprovalResolveResultSchema });

/** The exec approval family. */
export const EXEC_APPROVAL_CONTRACTS = [execApprovalListContract, execApprovalResolveContract] as const;

/**
 * A stored "Always allow" rule: exactly this argv (no patterns), cwd, node and agent. OpenClaw has no
 * gateway-side equivalent (its allow-always persists on the node host; its `exec.approval.grants.*`
 * are cron standing grants), hence Clawgate's own methods below.
 */
export const ExecRuleSchema = Type.Object(
  {
    id: Type.String({ minLength: 1 }),
    agentId: Type.String(),
    nodeId: Type.String(),
    argv: Type.Array(Type.String()),
    cwd: Type.Union([Type.String(), Type.Null()]),
    commandText: Type.String(),
    approvalId: Type.String(),
    resolvedBy: Type.String(),
    createdAtMs: Type.Integer(),
    expiresAtMs: Type.Union([Type.Integer(), Type.Null()]),
    lastUsedAtMs: Type.Union([Type.Integer(), Type.Null()]),
    useCount: Type.Integer({ minimum: 0 }),
  },
  Closed,
);

export const ExecRulesListParamsSchema = Type.Object({ nodeId: Type.Optional(Type.String({ minLength: 1 })) }, Closed);
export const ExecRulesListResultSchema = Type.Object({ rules: Type.Array(ExecRuleSchema) }, Closed);
/** Clawgate extension: the stored rules. Admin, like the node hosts' own allowlists (`exec.approvals.get`). */
export const execRulesListContract = defineContract({ name: 'exec.approval.rules.list', access: 'operator.admin', params: ExecRulesListParamsSchema, result: ExecRulesListResultSchema });

export const ExecRulesRemoveParamsSchema = Type.Object({ id: Type.String({ minLength: 1 }) }, Closed);
export const ExecRulesRemoveResultSchema = Type.Object({ ok: Type.Literal(true), rule: ExecRuleSchema }, Closed);
/** Clawgate extension: revokes a rule (EXEC_RULE_NOT_FOUND when there is none); the command asks again. */
export const execRulesRemoveContract = defineContract({ name: 'exec.approval.rules.remove', access: 'operator.admin', params: ExecRulesRemoveParamsSchema, result: ExecRulesRemoveResultSchema });

/** Clawgate's extension methods of this family; OpenClaw does not publish these names. */
export const EXEC_APPROVAL_RULE_CONTRACTS = [execRulesListContract, execRulesRemoveContract] as const;

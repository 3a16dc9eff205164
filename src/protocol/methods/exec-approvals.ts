/**
 * @module protocol/methods/exec-approvals — `exec.approval.list` / `exec.approval.resolve` (§6.4).
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
    grantExpiresInDays: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  Closed,
);
export const ExecApprovalResolveResultSchema = Type.Object({ ok: Type.Literal(true) }, Open);
export const execApprovalResolveContract = defineContract({ name: 'exec.approval.resolve', access: 'operator.approvals', params: ExecApprovalResolveParamsSchema, result: ExecApprovalResolveResultSchema });

/** Every exec.approval.* contract, for tables and tests. */
export const EXEC_APPROVAL_CONTRACTS = [execApprovalListContract, execApprovalResolveContract] as const;

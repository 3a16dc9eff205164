/**
 * @module protocol/events/agent — the agent feature's events: `agent` (run streams), `chat` (WebChat's
 * view of a run), and the exec approval pair (§3, §4.3, §6.4).
 *
 * Payloads are open objects on purpose: live OpenClaw payloads carry more keys than its closed
 * schemas (sessionKey, agentId on `agent` events), and clients must tolerate them.
 */
import Type from 'typebox';
import { defineEvent } from './define.js';

const Payload = Type.Record(Type.String(), Type.Unknown());

/** Run streams (lifecycle, assistant, usage, item, command_output …) with a per-run `seq`. */
export const agentEvent = defineEvent({ name: 'agent', scope: 'operator.read', payload: Payload, delivery: 'broadcast' });

/** `status` → `delta` → `final | error | aborted`, always with the canonical sessionKey. */
export const chatEvent = defineEvent({ name: 'chat', scope: 'operator.read', payload: Payload, delivery: 'broadcast' });

/** A pending exec approval; only operators who can decide it receive it. */
export const execApprovalRequestedEvent = defineEvent({ name: 'exec.approval.requested', scope: 'operator.approvals', payload: Payload, delivery: 'broadcast' });

export const execApprovalResolvedEvent = defineEvent({ name: 'exec.approval.resolved', scope: 'operator.approvals', payload: Payload, delivery: 'broadcast' });

export const AGENT_EVENTS = [agentEvent, chatEvent, execApprovalRequestedEvent, execApprovalResolvedEvent] as const;

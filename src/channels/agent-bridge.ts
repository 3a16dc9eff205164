/**
 * @module channels/agent-bridge — joins the agent feature and the channels without either reaching
 * into the other's internals.
 *
 * Turns go through the agent's own `agent` method definition, called in process (the same code path
 * as an operator's `agent` RPC: transcript, queueing, built-in commands, exec approvals). The run's
 * stream (deltas, tool items) and exec approval requests are read from the event bus by one internal
 * listener. `agent {deliver, channel, to}` gets its delivery here: the wrapped handler sends the
 * final text through the channels and adds OpenClaw's `deliveryStatus`. The agent's placeholder
 * `send` is dropped: the channels implement `send`.
 */
import { randomUUID } from 'node:crypto';
import type { CallerInfo, FeatureContext, GatewayFeature, MethodContext, MethodDefinition, PreparedEvent } from '../gateway/index.js';
import { CLAWGATE_VERSION } from '../protocol/index.js';
import type { AgentPort, TurnOutcome, TurnRequest } from './agent-port.js';
import type { ChannelApprovalDecision } from './channel.js';
import type { ChannelsRuntime } from './runtime.js';

const BRIDGE_CONN_ID = 'internal:channels-agent-bridge';
/** A second listener, present only while a channel owner can decide approvals (else the agent must see no route). */
const APPROVALS_CONN_ID = 'internal:channels-approvals';

interface RunListener {
  onDelta(text: string): void;
  onProgress(line: string): void;
}

/** An exec approval request as the agent emits it. */
export interface ApprovalPrompt {
  id: string;
  command: string;
  nodeId: string;
  sessionKey: string;
  expiresAtMs: number;
  /** Whether `allow-always` is among the request's `allowedDecisions` (not when the node asks always). */
  canAllowAlways: boolean;
}

export interface AgentBridge {
  /** The agent feature to register: `send` removed, `agent {deliver}` delivering through channels. */
  readonly agentFeature: GatewayFeature;
  /** The AgentPort the channels feature runs turns with (`createChannelsFeature({ agent })`). */
  port(ctx: FeatureContext): AgentPort;
  /** Re-checks whether a channel owner exists and (un)registers the approval route accordingly. */
  syncApprovalRoute(): void;
  /** Decides an exec approval as `resolvedBy` (a Telegram owner); false when unknown or failed. */
  resolveApproval(id: string, decision: ChannelApprovalDecision, resolvedBy: string): Promise<boolean>;
}

export interface AgentBridgeOptions {
  /** The running channels (for `agent {deliver}`). */
  channels(): ChannelsRuntime | undefined;
  /** Called for each exec approval request (the channels show it to their owners). */
  onApprovalRequested?(prompt: ApprovalPrompt): void;
  /** True when some channel owner could decide an approval. */
  hasApprovalRoute?(): boolean;
}

export function createAgentBridge(agent: GatewayFeature, options: AgentBridgeOptions): AgentBridge {
  const agentMethod = agent.methods?.find((method) => method.name === 'agent');
  const resolveMethod = agent.methods?.find((method) => method.name === 'exec.approval.resolve');
  const abortMethod = agent.methods?.find((method) => method.name === 'chat.abort');
  const runs = new Map<string, RunListener>();
  let context: FeatureContext | undefined;
  let approvalsAttached = false;

  const internalCall = async (method: MethodDefinition | undefined, params: Record<string, unknown>, scopes: string[], deviceId?: string): Promise<unknown> => {
    if (method === undefined) throw new Error('the agent feature has no such method');
    const controller = new AbortController();
    const context = { caller: internalCaller(scopes, deviceId), requestId: randomUUID(), services: undefined, signal: controller.signal, accept: () => undefined } as unknown as MethodContext<never>;
    // The dispatcher's per-method check (e.g. `/new` needs operator.admin, so only an owner may reset).
    (method.authorize as ((p: unknown, c: MethodContext<never>) => void) | undefined)?.(params, context);
    return (method.handler as (p: unknown, c: MethodContext<never>) => unknown)(params, context);
  };

  const onEvent = (prepared: PreparedEvent): void => {
    if (prepared.event !== 'chat' && prepared.event !== 'agent') return;
    // Only runs a channel started are of interest; parse nothing for the others.
    if (runs.size === 0) return;
    handleRunEvent(prepared);
  };

  const onApprovalEvent = (prepared: PreparedEvent): void => {
    if (prepared.event !== 'exec.approval.requested') return;
    const frame = JSON.parse(`${prepared.head},"seq":0${prepared.tail}`) as { payload?: Record<string, unknown> };
    const payload = frame.payload ?? {};
    {
      const request = (payload['request'] ?? {}) as Record<string, unknown>;
      const canAllowAlways = Array.isArray(request['allowedDecisions']) && request['allowedDecisions'].includes('allow-always');
      options.onApprovalRequested?.({ id: String(payload['id']), command: String(request['command'] ?? ''), nodeId: String(request['nodeId'] ?? ''), sessionKey: String(request['sessionKey'] ?? ''), expiresAtMs: Number(payload['expiresAtMs'] ?? 0), canAllowAlways });
    }
  };

  const handleRunEvent = (prepared: PreparedEvent): void => {
    const frame = JSON.parse(`${prepared.head},"seq":0${prepared.tail}`) as { payload?: Record<string, unknown> };
    const payload = frame.payload ?? {};
    const listener = runs.get(String(payload['runId']));
    if (listener === undefined) return;
    if (prepared.event === 'chat' && payload['state'] === 'delta') {
      const message = payload['message'] as { content?: { type: string; text?: string }[] } | undefined;
      const text = message?.content?.map((block) => block.text ?? '').join('') ?? '';
      if (text !== '') listener.onDelta(text);
    }
    if (prepared.event === 'agent' && payload['stream'] === 'item') {
      const data = (payload['data'] ?? {}) as Record<string, unknown>;
      if (data['phase'] === 'start') listener.onProgress(String(data['title'] ?? data['name'] ?? 'working'));
    }
  };

  const syncApprovalRoute = (): void => {
    if (context === undefined) return;
    const wanted = options.hasApprovalRoute?.() === true;
    if (wanted === approvalsAttached) return;
    approvalsAttached = wanted;
    if (wanted) context.events.attach({ connId: APPROVALS_CONN_ID, caller: internalCaller(['operator.approvals']), sendPreparedEvent: onApprovalEvent });
    else context.events.detach(APPROVALS_CONN_ID);
  };

  const wrapped = agent.methods?.filter((method) => method.name !== 'send').map((method) => (method.name === 'agent' ? withDelivery(method, options) : method)) ?? [];

  return {
    agentFeature: { ...agent, methods: wrapped },
    port(ctx: FeatureContext): AgentPort {
      // A new context is a new gateway (in-process restarts reuse the feature objects): listen on its bus.
      if (context !== ctx) {
        context = ctx;
        approvalsAttached = false;
        // A read-only listener for run streams; approvals get their own, only while an owner exists.
        ctx.events.attach({ connId: BRIDGE_CONN_ID, caller: internalCaller(['operator.read']), sendPreparedEvent: onEvent });
        syncApprovalRoute();
      }
      return {
        async abort(sessionKey: string): Promise<number> {
          const result = (await internalCall(abortMethod, { sessionKey }, ['operator.write'])) as { runIds?: string[] };
          return result.runIds?.length ?? 0;
        },
        async runTurn(request: TurnRequest): Promise<TurnOutcome> {
          const runId = randomUUID();
          runs.set(runId, { onDelta: request.onDelta, onProgress: request.onProgress });
          try {
            if (/^\/(new|reset)(\s|$)/i.test(request.text.trim()) && !request.sender.isOwner) {
              return { status: 'error', text: 'Only the owner can start a new session (commands.ownerAllowFrom).' };
            }
            const result = (await internalCall(agentMethod, { message: request.text, idempotencyKey: runId, sessionKey: request.sessionKey }, ['operator.write', ...(request.sender.isOwner ? ['operator.admin'] : [])])) as AgentResultLike;
            const text = (result.result?.payloads ?? []).map((payload) => payload.text ?? '').join('\n\n').trim();
            if (result.status === 'ok') return { status: 'ok', text };
            if (result.summary === 'aborted') return { status: 'aborted', text };
            return { status: 'error', text: shortFailure(text) };
          } finally {
            runs.delete(runId);
          }
        },
      };
    },
    syncApprovalRoute,
    async resolveApproval(id, decision, resolvedBy) {
      try {
        await internalCall(resolveMethod, { id, decision }, ['operator.approvals'], resolvedBy);
        return true;
      } catch {
        return false;
      }
    },
  };
}

interface AgentResultLike {
  status: string;
  summary?: string;
  result?: { payloads?: { text?: string }[]; [key: string]: unknown };
}

/** One short readable line for the phone: the agent's own failure text, first lines only. */
function shortFailure(text: string): string {
  const firstLines = text.split('\n').filter((line) => line.trim() !== '').slice(-2).join('\n');
  const line = firstLines === '' ? '⚠️ The agent could not answer. Try again in a moment.' : firstLines;
  return line.length > 400 ? `${line.slice(0, 399)}…` : line;
}

/** Wraps `agent` so `deliver:true` sends the final text through a channel and reports `deliveryStatus`. */
function withDelivery(method: MethodDefinition, options: AgentBridgeOptions): MethodDefinition {
  const original = method.handler as (params: Record<string, unknown>, context: MethodContext<never>) => Promise<AgentResultLike>;
  const handler = async (params: Record<string, unknown>, context: MethodContext<never>): Promise<AgentResultLike> => {
    const result = await original(params, context);
    if (params['deliver'] !== true || result.status === 'in_flight') return result;
    const status = await deliver(params, result, options);
    const inner = result.result ?? { payloads: [] };
    return { ...result, result: { ...inner, deliverySucceeded: status['succeeded'] === true, deliveryStatus: status } };
  };
  return { ...method, handler: handler as unknown as MethodDefinition['handler'] };
}

async function deliver(params: Record<string, unknown>, result: AgentResultLike, options: AgentBridgeOptions): Promise<Record<string, unknown>> {
  const failed = (reason: string, attempted = false, error?: string): Record<string, unknown> => ({ requested: true, attempted, status: 'failed', succeeded: false, error: true, reason, ...(error === undefined ? {} : { message: error }) });
  const text = (result.result?.payloads ?? []).map((payload) => payload.text ?? '').join('\n\n').trim();
  if (text === '') return { requested: true, attempted: false, status: 'suppressed', succeeded: false, reason: 'no_visible_payload' };
  const channels = options.channels();
  const channel = typeof params['channel'] === 'string' ? params['channel'] : undefined;
  const to = typeof params['to'] === 'string' ? params['to'] : undefined;
  if (channels === undefined) return failed('unknown_channel');
  if (channel !== undefined && !channels.manager.configuredChannels().includes(channel)) return failed('unknown_channel');
  if (to === undefined || to.trim() === '') return failed('no_delivery_target');
  try {
    const request: { to: string; text: string; threadId?: string } = { to, text };
    if (typeof params['threadId'] === 'string') request.threadId = params['threadId'];
    const sent = await channels.deliver(channel, request);
    if (sent.status === 'sent') return { requested: true, attempted: true, status: 'sent', succeeded: true, channel: sent.channel, messageId: sent.messageId };
    return { ...failed(sent.reason ?? 'delivery_failed', true, sent.error), status: sent.status };
  } catch (error) {
    const code = (error as { code?: string }).code;
    return failed(code === 'CHANNEL_TARGET_INVALID' ? 'invalid_delivery_target' : code === 'CHANNEL_REQUIRED' || code === 'CHANNEL_UNSUPPORTED' ? 'unknown_channel' : 'delivery_failed', false, error instanceof Error ? error.message : String(error));
  }
}

function internalCaller(scopes: string[], deviceId?: string): CallerInfo {
  return {
    connId: BRIDGE_CONN_ID,
    role: 'operator',
    scopes,
    client: { id: 'gateway-client', version: CLAWGATE_VERSION, platform: process.platform, mode: 'backend' },
    remoteAddress: 'internal',
    ...(deviceId === undefined ? {} : { deviceId }),
  } as CallerInfo;
}

/**
 * @module agent/feature — the agent as a gateway feature: its methods, events, migrations and
 * lifecycle, plugged into the core through the feature seam (gateway/feature.ts).
 *
 * The runtime is built in `onReady` from the feature context: the store's database, the event bus
 * (behind the AgentEventSink port) and the node invoker (behind AgentNodePort). At start, runs a
 * previous process left unfinished are marked `interrupted`; at stop, running turns are aborted
 * and recorded as interrupted.
 */
import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { AGENT_EVENTS, agentEvent, chatEvent, execApprovalRequestedEvent, execApprovalResolvedEvent, GatewayError } from '../protocol/index.js';
import { writeJson, type FeatureContext, type GatewayFeature, type SessionDefaults } from '../gateway/index.js';
import { handleChatCompletions, handleModels } from './http/chat-completions.js';
import { createAgentMethods } from './methods/agent.js';
import { createChatMethods } from './methods/chat.js';
import { createExecApprovalMethods } from './methods/exec-approvals.js';
import { createSessionMethods } from './methods/sessions.js';
import type { AgentEventName, AgentEventSink, AgentNodePort } from './ports.js';
import { createAiSdkProvider } from './providers/ai-sdk.js';
import type { ModelProvider } from './providers/provider.js';
import { AgentRuntime } from './runtime.js';
import { DEFAULT_AGENT_ID } from './session-keys.js';
import { AgentStore } from './store/agent-store.js';
import { AGENT_MIGRATIONS } from './store/migrations.js';

export interface AgentFeatureOptions {
  /** The model client (default: the AI SDK, imported on the first model call). */
  loadProvider?: () => ModelProvider;
}

const EVENTS_BY_NAME = { agent: agentEvent, chat: chatEvent, 'exec.approval.requested': execApprovalRequestedEvent, 'exec.approval.resolved': execApprovalResolvedEvent } as const;

/** Builds the agent feature; add it to daemon/features.ts. */
export function createAgentFeature(options: AgentFeatureOptions = {}): GatewayFeature {
  let runtime: AgentRuntime | undefined;
  let context: FeatureContext | undefined;
  const deltaListeners = new Map<string, (delta: string) => void>();
  // Off unless enabled; then the endpoints answer like unknown paths, as OpenClaw does (404).
  const isChatCompletionsEnabled = (): boolean => context?.config.config.gateway?.http?.endpoints?.chatCompletions?.enabled === true;
  let store: AgentStore | undefined;
  let now: () => number = Date.now;
  let provider: ModelProvider | undefined;
  const loadProvider = options.loadProvider ?? (() => (provider ??= createAiSdkProvider()));
  const getRuntime = (): AgentRuntime => {
    if (runtime === undefined) throw new GatewayError('AGENT_NOT_READY');
    return runtime;
  };
  const getStore = (): AgentStore => {
    if (store === undefined) throw new GatewayError('AGENT_NOT_READY');
    return store;
  };
  return {
    name: 'agent',
    migrations: AGENT_MIGRATIONS,
    events: AGENT_EVENTS,
    methods: [
      ...createAgentMethods(getRuntime),
      ...createChatMethods(getRuntime, getStore),
      ...createSessionMethods(getRuntime, getStore, () => now()),
      ...createExecApprovalMethods(getRuntime, getStore, (fields, message) => context?.logger.info(fields, message)),
    ],
    // OpenClaw 2026.9.6's shape (op capture): modelConfigured tells a UI whether to offer chat or setup.
    sessionDefaults: (): SessionDefaults => ({
      defaultAgentId: DEFAULT_AGENT_ID,
      mainKey: 'main',
      mainSessionKey: `agent:${DEFAULT_AGENT_ID}:main`,
      scope: 'per-sender',
      modelConfigured: runtime?.modelRef !== undefined,
      ownership: 'sole',
      selectionRequired: false,
    }),
    httpRoutes: [
      {
        method: 'POST',
        path: '/v1/chat/completions',
        handler: (request, response) => {
          if (!isChatCompletionsEnabled()) return writeJson(response, 404, { ok: false, error: 'not found' });
          return handleChatCompletions(request, response, {
            runtime: () => runtime,
            isAuthorized: (req) => context?.httpAuth.isAuthorized(req) === true,
            onDelta: (runId, listener) => {
              deltaListeners.set(runId, listener);
              return () => deltaListeners.delete(runId);
            },
          });
        },
      },
      {
        method: 'GET',
        path: '/v1/models',
        handler: (request, response) => {
          if (!isChatCompletionsEnabled()) return writeJson(response, 404, { ok: false, error: 'not found' });
          return handleModels(request, response, (req) => context?.httpAuth.isAuthorized(req) === true);
        },
      },
    ],
    contributeHealth: (snapshot) => {
      if (store === undefined) return;
      snapshot.sessions.count = store.countSessions();
      snapshot.sessions.path = 'clawgate.sqlite#agent_sessions';
      snapshot.agents = [{ agentId: DEFAULT_AGENT_ID, isDefault: true, model: runtime?.modelRef ?? null }];
    },
    contributeStatus: (status) => {
      if (store !== undefined) status.sessions.count = store.countSessions();
    },
    readiness: () => (runtime === undefined ? { ready: false, reason: 'agent runtime not started' } : { ready: true }),
    onReady(ready: FeatureContext) {
      context = ready;
      now = () => ready.clock.now();
      store = new AgentStore(ready.store.database, randomUUID, now);
      const config = ready.config.config;
      runtime = new AgentRuntime({
        store,
        events: eventSink(ready, deltaListeners),
        nodes: nodePort(ready),
        config: { models: config.models, agents: config.agents, tools: config.tools },
        loadProvider,
        now,
        createId: randomUUID,
        workspaceDir: config.agents?.defaults?.workspace ?? join(dirname(ready.config.path), 'workspace'),
        timers: { setTimeout: (callback, ms) => ready.clock.setTimeout(callback, ms), clearTimeout: (handle) => ready.clock.clearTimeout(handle as never) },
      });
      const interrupted = runtime.recoverInterrupted();
      if (interrupted.length > 0) ready.logger.warn({ runIds: interrupted }, 'agent runs interrupted by the previous stop were marked interrupted');
      ready.logger.info({ model: runtime.modelRef ?? 'none' }, runtime.modelRef === undefined ? 'agent: no model configured (built-in commands only)' : `agent model: ${runtime.modelRef}`);
    },
    async preClose() {
      await runtime?.close();
    },
  };
}

/** The event bus behind the agent's sink; a `connId` target narrows a broadcast event to that connection (the tool stream). */
function eventSink(context: FeatureContext, deltaListeners: ReadonlyMap<string, (delta: string) => void>): AgentEventSink {
  return {
    emit(event: AgentEventName, payload: Record<string, unknown>, target) {
      if (event === 'chat' && payload['state'] === 'delta') deltaListeners.get(String(payload['runId']))?.(String(payload['deltaText']));
      return context.events.emit(EVENTS_BY_NAME[event], payload, target?.connId === undefined ? {} : { connId: target.connId });
    },
  };
}

/** Nodes through the core's invoker port, with the agent's own (write) scope. */
function nodePort(context: FeatureContext): AgentNodePort {
  return {
    list: () =>
      context.nodes.list().map((entry) => ({
        nodeId: entry.nodeId,
        ...(entry.displayName === undefined ? {} : { displayName: entry.displayName }),
        ...(entry.platform === undefined ? {} : { platform: entry.platform }),
        connected: entry.connected,
        commands: entry.approvalState === 'approved' ? entry.commands : [],
      })),
    async invoke(request, signal) {
      const result = await context.nodes.invoke(
        { nodeId: request.nodeId, command: request.command, params: request.params, timeoutMs: request.timeoutMs, idempotencyKey: request.idempotencyKey, ...(request.sessionKey === undefined ? {} : { sessionKey: request.sessionKey }) },
        { signal, scopes: ['operator.write'], ...(request.approval === undefined ? {} : { approval: request.approval }) },
      );
      if (result.payload !== undefined && result.payload !== null) return result.payload;
      return typeof result.payloadJSON === 'string' ? (JSON.parse(result.payloadJSON) as unknown) : undefined;
    },
  };
}

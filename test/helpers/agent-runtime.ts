/** @module test/helpers/agent-runtime — an AgentRuntime over an in-memory store, recording ports, and a FAKE model server. */
import { randomUUID } from 'node:crypto';
import { AgentRuntime, type AgentConfigSections } from '../../src/agent/runtime.js';
import { AgentStore } from '../../src/agent/store/agent-store.js';
import { AGENT_MIGRATIONS } from '../../src/agent/store/migrations.js';
import { createAiSdkProvider } from '../../src/agent/providers/ai-sdk.js';
import type { AgentEventName, AgentEventSink, AgentNode, AgentNodeInvoke, AgentNodePort } from '../../src/agent/ports.js';
import { openDatabase, type SqliteDatabase } from '../../src/store/index.js';

export interface RecordedEvent {
  event: AgentEventName;
  payload: Record<string, unknown>;
  connId?: string;
}

export class RecordingSink implements AgentEventSink {
  readonly events: RecordedEvent[] = [];
  isApprovalClientConnected = false;
  readonly #listeners: ((event: RecordedEvent) => void)[] = [];

  emit(event: AgentEventName, payload: Record<string, unknown>, target?: { connId?: string }): number {
    const recorded: RecordedEvent = { event, payload, ...(target?.connId === undefined ? {} : { connId: target.connId }) };
    this.events.push(recorded);
    for (const listener of this.#listeners) listener(recorded);
    return event === 'exec.approval.requested' && !this.isApprovalClientConnected ? 0 : 1;
  }

  /** Resolves with the first event (already seen or future) matching `predicate`. */
  next(predicate: (event: RecordedEvent) => boolean): Promise<RecordedEvent> {
    const seen = this.events.find(predicate);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve) => this.#listeners.push((event) => predicate(event) && resolve(event)));
  }

  of(event: AgentEventName, runId?: string): Record<string, unknown>[] {
    return this.events.filter((e) => e.event === event && (runId === undefined || e.payload['runId'] === runId)).map((e) => e.payload);
  }
}

/** A node port answering system.run from a scripted function (the real node host is in the e2e tests). */
export class ScriptedNodes implements AgentNodePort {
  readonly invokes: AgentNodeInvoke[] = [];
  nodes: AgentNode[] = [{ nodeId: 'node-1', displayName: 'box', connected: true, commands: ['system.run', 'system.which'] }];
  answer: (request: AgentNodeInvoke, signal: AbortSignal) => Promise<unknown> = async (request) => ({ exitCode: 0, success: true, timedOut: false, stdout: `ran ${JSON.stringify((request.params as { command: string[] }).command)}`, stderr: '' });

  list(): AgentNode[] {
    return this.nodes;
  }

  invoke(request: AgentNodeInvoke, signal: AbortSignal): Promise<unknown> {
    this.invokes.push(request);
    return this.answer(request, signal);
  }
}

export interface TestRuntime {
  runtime: AgentRuntime;
  store: AgentStore;
  db: SqliteDatabase;
  sink: RecordingSink;
  nodes: ScriptedNodes;
}

export function modelConfig(baseUrl: string, extra: Record<string, unknown> = {}): AgentConfigSections {
  return {
    models: { providers: { local: { baseUrl, api: 'openai-completions', apiKey: 'test-key', models: [{ id: 'test-model', name: 'test-model' }], ...extra } } },
    agents: { defaults: { model: { primary: 'local/test-model' } } },
  };
}

export function createTestRuntime(config: AgentConfigSections, options: { db?: SqliteDatabase } = {}): TestRuntime {
  const db = options.db ?? openDatabase(':memory:', AGENT_MIGRATIONS);
  const store = new AgentStore(db, randomUUID);
  const sink = new RecordingSink();
  const nodes = new ScriptedNodes();
  const runtime = new AgentRuntime({ store, events: sink, nodes, config, loadProvider: () => createAiSdkProvider({ sleep: async () => undefined }), now: Date.now, createId: randomUUID });
  return { runtime, store, db, sink, nodes };
}

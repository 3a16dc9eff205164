/**
 * @module agent/run-events — one run's `agent` and `chat` events with their shared per-run seq.
 *
 * Order and shapes follow the 2026.9.6 captures (openclaw-agent-chat.md §3.4, §4.3): every `agent`
 * event takes the next seq; a `chat` event reuses the seq of the `agent` event it mirrors, and the
 * `chat` final carries the seq of `lifecycle end`. `tool` stream events go only to the connection
 * that started the run and asked for `tool-events`.
 */
import type { AgentEventSink } from './ports.js';

export interface RunIdentity {
  runId: string;
  sessionKey: string;
  sessionId: string;
  agentId: string;
  /** Connection that asked for tool events (`caps: ["tool-events"]`) and started the run. */
  toolEventsConnId?: string;
}

export class RunEvents {
  readonly #sink: AgentEventSink;
  readonly #run: RunIdentity;
  readonly #now: () => number;
  #seq = 0;

  constructor(sink: AgentEventSink, run: RunIdentity, now: () => number) {
    this.#sink = sink;
    this.#run = run;
    this.#now = now;
  }

  get seq(): number {
    return this.#seq;
  }

  /** Emits `agent {stream, data}` with the next seq; returns that seq. */
  agent(stream: string, data: Record<string, unknown>, options: { withSessionId?: boolean } = {}): number {
    const seq = ++this.#seq;
    const payload: Record<string, unknown> = { runId: this.#run.runId, stream, data, sessionKey: this.#run.sessionKey, agentId: this.#run.agentId, seq, ts: this.#now() };
    if (options.withSessionId === true) payload['sessionId'] = this.#run.sessionId;
    if (stream === 'tool') {
      if (this.#run.toolEventsConnId !== undefined) this.#sink.emit('agent', payload, { connId: this.#run.toolEventsConnId });
      return seq;
    }
    this.#sink.emit('agent', payload);
    return seq;
  }

  /** Emits `chat {state, …}` at the current seq. */
  chat(state: 'status' | 'delta' | 'final' | 'aborted' | 'error', fields: Record<string, unknown>): void {
    this.#sink.emit('chat', { runId: this.#run.runId, sessionKey: this.#run.sessionKey, agentId: this.#run.agentId, seq: this.#seq, state, ...fields });
  }

  /** The live assistant `message` snapshot `chat` events carry. */
  message(text: string): Record<string, unknown> {
    return { role: 'assistant', content: [{ type: 'text', text }], timestamp: this.#now() };
  }
}

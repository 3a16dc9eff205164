/**
 * @module agent/http/chat-completions — the gateway's own OpenAI-compatible `POST /v1/chat/completions`
 * (openclaw-agent-chat.md §8): off unless `gateway.http.endpoints.chatCompletions.enabled`, Bearer
 * auth with the gateway token, `model` names an agent (`openclaw`, `openclaw/<agentId>`, `agent:<id>`).
 *
 * The newest user message becomes one agent turn; the session is new per request unless the OpenAI
 * `user` field or `x-openclaw-session-key` names one. Streaming answers with `chat.completion.chunk`s
 * (role, content deltas, finish, usage when asked) and `data: [DONE]`.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AgentRuntime } from '../runtime.js';

/** 20 MB, as OpenClaw. */
export const MAX_CHAT_COMPLETIONS_BODY_BYTES = 20 * 1024 * 1024;

export interface ChatCompletionsOptions {
  runtime: () => AgentRuntime | undefined;
  /** True when the request carries the gateway's credential (`Authorization: Bearer <token>`). */
  isAuthorized: (request: IncomingMessage) => boolean;
  /** Subscribes to the run's `chat` deltas; returns the unsubscribe. */
  onDelta: (runId: string, listener: (delta: string) => void) => () => void;
}

/** Handles one request; never throws. */
export async function handleChatCompletions(request: IncomingMessage, response: ServerResponse, options: ChatCompletionsOptions): Promise<void> {
  if (request.method !== 'POST') return sendError(response, 405, 'Method Not Allowed', 'invalid_request_error');
  if (!options.isAuthorized(request)) return sendError(response, 401, 'Unauthorized', 'unauthorized');
  const runtime = options.runtime();
  if (runtime === undefined) return sendError(response, 503, 'agent is starting', 'unavailable');
  let body: Record<string, unknown>;
  try {
    body = await readJson(request);
  } catch (error) {
    return sendError(response, error instanceof RangeError ? 413 : 400, error instanceof RangeError ? 'request body too large' : 'request body must be JSON', 'invalid_request_error');
  }
  const messages = Array.isArray(body['messages']) ? (body['messages'] as Record<string, unknown>[]) : [];
  const lastUser = [...messages].reverse().find((m) => m['role'] === 'user');
  const text = lastUser === undefined ? '' : contentText(lastUser['content']);
  if (text.trim() === '') return sendError(response, 400, 'messages must contain a user message with text', 'invalid_request_error');
  const model = typeof body['model'] === 'string' ? body['model'] : 'openclaw';
  const agentId = agentOfModel(model);
  if (agentId === undefined) return sendError(response, 400, `model must name an agent (openclaw, openclaw/<agentId>): ${model}`, 'invalid_request_error');
  const sessionHeader = request.headers['x-openclaw-session-key'];
  const sessionKey = typeof sessionHeader === 'string' && sessionHeader !== '' ? sessionHeader : typeof body['user'] === 'string' ? `openai-user:${body['user']}` : `openai:${randomUUID()}`;
  if (/^(subagent|cron|acp):/.test(sessionKey)) return sendError(response, 400, 'reserved session key prefix', 'invalid_request_error');
  const runId = randomUUID();
  const id = `chatcmpl_${runId}`;
  const created = Math.floor(Date.now() / 1000);
  const isStream = body['stream'] === true;
  const includeUsage = isStream && (body['stream_options'] as { include_usage?: unknown } | undefined)?.include_usage === true;
  if (!isStream) {
    const outcome = await runtime.submit({ message: text, idempotencyKey: runId, sessionKey, agentId }).done;
    if (outcome.status !== 'ok') return sendError(response, 502, outcome.error?.message ?? `agent run ${outcome.summary}`, 'agent_error');
    response.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        id,
        object: 'chat.completion',
        created,
        model,
        choices: [{ index: 0, message: { role: 'assistant', content: outcome.text }, finish_reason: 'stop' }],
        usage: { prompt_tokens: outcome.usage.input, completion_tokens: outcome.usage.output, total_tokens: outcome.usage.input + outcome.usage.output },
      }),
    );
    return;
  }
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  const chunk = (delta: Record<string, unknown>, finish: string | null = null): void => {
    response.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`);
  };
  chunk({ role: 'assistant' });
  const unsubscribe = options.onDelta(runId, (delta) => chunk({ content: delta }));
  const handle = runtime.submit({ message: text, idempotencyKey: runId, sessionKey, agentId });
  response.on('close', () => {
    if (!response.writableEnded) runtime.abort(handle.sessionKey, runId);
  });
  const outcome = await handle.done;
  unsubscribe();
  if (outcome.status === 'ok') {
    chunk({}, 'stop');
    if (includeUsage) {
      response.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [], usage: { prompt_tokens: outcome.usage.input, completion_tokens: outcome.usage.output, total_tokens: outcome.usage.input + outcome.usage.output } })}\n\n`);
    }
  } else {
    response.write(`data: ${JSON.stringify({ error: { message: outcome.error?.message ?? `agent run ${outcome.summary}`, type: 'agent_error' } })}\n\n`);
  }
  response.end('data: [DONE]\n\n');
}

/** `openclaw`, `openclaw/default` → main; `openclaw/<id>`, `openclaw:<id>`, `agent:<id>` → id. */
export function agentOfModel(model: string): string | undefined {
  if (model === 'openclaw' || model === 'openclaw/default') return 'main';
  const match = /^(?:openclaw\/|openclaw:|agent:)([A-Za-z0-9_-]+)$/.exec(model);
  return match?.[1];
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part: { type?: unknown; text?: unknown }) => (part.type === 'text' && typeof part.text === 'string' ? part.text : '')).join('');
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_CHAT_COMPLETIONS_BODY_BYTES) throw new RangeError('too large');
    chunks.push(chunk as Buffer);
  }
  const value: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TypeError('not an object');
  return value as Record<string, unknown>;
}

function sendError(response: ServerResponse, status: number, message: string, type: string): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message, type } }));
}

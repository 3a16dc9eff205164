/**
 * @module agent/providers/ai-sdk — model calls through the Vercel AI SDK (`ai`, `@ai-sdk/openai-compatible`,
 * `@ai-sdk/anthropic`), loaded with a dynamic import the first time a run calls a model.
 *
 * Why the AI SDK: it parses the SSE of both APIs, assembles fragmented tool-call arguments and reports
 * usage; 30 MB installed and ~150 ms to import, against ~140 MB and ~400 ms for pi-ai. Nothing here is
 * imported at gateway start (the bundle keeps these packages external), so ready time and idle RSS
 * are unchanged when no model is used.
 *
 * Retries are ours, not the SDK's (`maxRetries: 0`): 429 and 5xx before the first streamed byte are
 * retried with exponential backoff, honouring `retry-after`/`retry-after-ms` (capped at 60 s), so the
 * delay is injectable in tests and each retry is reported to the run (chat `status` with `retry`).
 */
import type { AssistantModelMessage, ModelMessage, ToolModelMessage, ToolSet } from 'ai';
import { GatewayError } from '../../protocol/index.js';
import type { AssistantMessage, ToolResultMessage, TranscriptMessage } from '../transcript.js';
import { resolveApiKey, type ModelTarget } from './model-config.js';
import type { ModelEvent, ModelProvider, ModelRequest } from './provider.js';

export interface AiSdkProviderOptions {
  /** Attempts per model call, the first included (default 3). */
  maxAttempts?: number;
  /** First backoff delay; doubles each attempt (default 1,000 ms). */
  baseDelayMs?: number;
  /** Waits `ms` unless `signal` aborts first (injected by tests). */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  env?: NodeJS.ProcessEnv;
}

const MAX_RETRY_AFTER_MS = 60_000;

type AiModule = typeof import('ai');
type LanguageModel = Parameters<AiModule['streamText']>[0]['model'];

interface Sdk {
  ai: AiModule;
  openaiCompatible: typeof import('@ai-sdk/openai-compatible');
  anthropic: typeof import('@ai-sdk/anthropic');
}

let sdkPromise: Promise<Sdk> | undefined;

/** Imports the SDK once, on first use. */
function loadSdk(): Promise<Sdk> {
  sdkPromise ??= (async () => {
    // The SDK prints warnings (e.g. unsupported settings) to the console; ours is the log.
    (globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;
    const [ai, openaiCompatible, anthropic] = await Promise.all([import('ai'), import('@ai-sdk/openai-compatible'), import('@ai-sdk/anthropic')]);
    return { ai, openaiCompatible, anthropic };
  })();
  return sdkPromise;
}

/** A `ModelProvider` for every configured API, through the AI SDK. */
export function createAiSdkProvider(options: AiSdkProviderOptions = {}): ModelProvider {
  const maxAttempts = options.maxAttempts ?? 3;
  const baseDelayMs = options.baseDelayMs ?? 1000;
  const sleep = options.sleep ?? sleepUnlessAborted;
  return {
    async *stream(request: ModelRequest, signal: AbortSignal): AsyncIterable<ModelEvent> {
      const sdk = await loadSdk();
      const apiKey = resolveApiKey(request.target, options.env);
      const model = createModel(sdk, request.target, apiKey);
      for (let attempt = 1; ; attempt++) {
        let hasOutput = false;
        try {
          for await (const event of streamOnce(sdk.ai, model, request, signal)) {
            hasOutput = true;
            yield event;
          }
          return;
        } catch (error) {
          const failure = classify(sdk.ai, error, request.target, signal);
          if (hasOutput || !failure.isRetryable || attempt >= maxAttempts) throw failure.error;
          const delayMs = failure.retryAfterMs ?? baseDelayMs * 2 ** (attempt - 1);
          yield { type: 'retry', attempt, maxAttempts, reason: failure.httpStatus === 429 ? 'rate_limit' : 'server_error', delayMs };
          await sleep(delayMs, signal);
          if (signal.aborted) throw new GatewayError('RUN_ABORTED', { runId: '' });
        }
      }
    },
  };
}

function createModel(sdk: Sdk, target: ModelTarget, apiKey: string | undefined): LanguageModel {
  if (target.api === 'anthropic-messages') {
    // OpenClaw's anthropic baseUrl is the host (the SDK appends /v1/messages); the AI SDK wants .../v1.
    const baseURL = /\/v1$/.test(target.baseUrl) ? target.baseUrl : `${target.baseUrl}/v1`;
    return sdk.anthropic.createAnthropic({ baseURL, apiKey: apiKey ?? '', headers: { ...target.headers } })(target.model);
  }
  const settings: Parameters<Sdk['openaiCompatible']['createOpenAICompatible']>[0] = {
    name: target.provider,
    baseURL: target.baseUrl,
    includeUsage: true,
    headers: { ...target.headers },
  };
  if (apiKey !== undefined) settings.apiKey = apiKey;
  return sdk.openaiCompatible.createOpenAICompatible(settings).chatModel(target.model);
}

/** One HTTP request and its stream; the idle timer restarts on every part. */
async function* streamOnce(ai: AiModule, model: LanguageModel, request: ModelRequest, runSignal: AbortSignal): AsyncIterable<ModelEvent> {
  const idle = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const armIdleTimer = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => idle.abort(new GatewayError('MODEL_TIMEOUT', { provider: request.target.provider, model: request.target.model, timeoutMs: request.target.timeoutMs })), request.target.timeoutMs);
  };
  armIdleTimer();
  const tools: ToolSet = {};
  for (const spec of request.tools) tools[spec.name] = { description: spec.description, inputSchema: ai.jsonSchema<Record<string, unknown>>(spec.parameters) } as ToolSet[string];
  try {
    const result = ai.streamText({
      model,
      system: request.system,
      messages: toModelMessages(request.messages),
      tools,
      maxOutputTokens: request.target.maxTokens,
      maxRetries: 0,
      abortSignal: AbortSignal.any([runSignal, idle.signal]),
      onError: () => undefined,
    });
    for await (const part of result.fullStream) {
      armIdleTimer();
      switch (part.type) {
        case 'text-delta':
          if (part.text !== '') yield { type: 'text', delta: part.text };
          break;
        case 'tool-call':
          yield { type: 'toolCall', id: part.toolCallId, name: part.toolName, arguments: asRecord(part.input) };
          break;
        case 'finish':
          yield { type: 'usage', input: part.totalUsage.inputTokens ?? 0, output: part.totalUsage.outputTokens ?? 0 };
          yield { type: 'finish', reason: part.finishReason === 'tool-calls' ? 'toolUse' : part.finishReason === 'stop' ? 'stop' : part.finishReason === 'length' ? 'length' : 'other' };
          break;
        case 'error':
          throw part.error;
        case 'abort':
          throw idle.signal.aborted ? idle.signal.reason : runSignal.reason ?? new Error('aborted');
        default:
          break;
      }
    }
  } catch (error) {
    if (idle.signal.aborted && !runSignal.aborted) throw idle.signal.reason;
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

interface Failure {
  error: GatewayError;
  isRetryable: boolean;
  httpStatus?: number;
  retryAfterMs?: number;
}

/** Maps whatever the SDK threw to our catalogue; the cause's text never carries the API key. */
function classify(ai: AiModule, error: unknown, target: ModelTarget, signal: AbortSignal): Failure {
  const names = { provider: target.provider, model: target.model };
  if (signal.aborted) return { error: new GatewayError('RUN_ABORTED', { runId: '' }), isRetryable: false };
  // A model silent for timeoutSeconds is slow, not flaky: retrying would only double the wait.
  if (error instanceof GatewayError) return { error, isRetryable: false };
  if (ai.APICallError.isInstance(error)) {
    const status = error.statusCode;
    if (status === 401 || status === 403) return { error: new GatewayError('MODEL_AUTH_FAILED', { ...names, httpStatus: status }), isRetryable: false, httpStatus: status };
    if (status === 404) return { error: new GatewayError('MODEL_NOT_FOUND', { ...names, httpStatus: status }), isRetryable: false, httpStatus: status };
    const isRetryable = status === undefined || status === 408 || status === 409 || status === 429 || status >= 500;
    const failure: Failure = {
      error: new GatewayError('MODEL_REQUEST_FAILED', { ...names, httpStatus: status, reason: status === undefined ? 'no response' : `HTTP ${status}` }),
      isRetryable,
    };
    if (status !== undefined) failure.httpStatus = status;
    const retryAfterMs = parseRetryAfter(error.responseHeaders);
    if (retryAfterMs !== undefined) failure.retryAfterMs = retryAfterMs;
    return failure;
  }
  const reason = error instanceof Error ? error.name === 'TypeError' ? 'connection failed' : error.name : 'unknown';
  return { error: new GatewayError('MODEL_REQUEST_FAILED', { ...names, reason }), isRetryable: true };
}

/** `retry-after-ms`, or `retry-after` in seconds or as an HTTP date; capped at 60 s. */
export function parseRetryAfter(headers: Record<string, string> | undefined, now = Date.now()): number | undefined {
  if (headers === undefined) return undefined;
  const ms = Number(headers['retry-after-ms']);
  if (headers['retry-after-ms'] !== undefined && Number.isFinite(ms) && ms >= 0) return Math.min(ms, MAX_RETRY_AFTER_MS);
  const value = headers['retry-after'];
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, MAX_RETRY_AFTER_MS);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.min(Math.max(0, date - now), MAX_RETRY_AFTER_MS);
}

/** Our transcript → the SDK's messages (tool results as text; aborted partial replies keep their text). */
function toModelMessages(messages: readonly TranscriptMessage[]): ModelMessage[] {
  return messages.flatMap((message): ModelMessage[] => {
    if (message.role === 'user') return [{ role: 'user', content: message.content }];
    if (message.role === 'assistant') return assistantToModel(message);
    return [toolResultToModel(message)];
  });
}

function assistantToModel(message: AssistantMessage): AssistantModelMessage[] {
  const content: Exclude<AssistantModelMessage['content'], string> = [];
  for (const block of message.content) {
    if (block.type === 'text' && block.text !== '') content.push({ type: 'text', text: block.text });
    if (block.type === 'toolCall') content.push({ type: 'tool-call', toolCallId: block.id, toolName: block.name, input: block.arguments });
  }
  return content.length === 0 ? [] : [{ role: 'assistant', content }];
}

function toolResultToModel(message: ToolResultMessage): ToolModelMessage {
  const value = message.content.map((block) => block.text).join('\n');
  return { role: 'tool', content: [{ type: 'tool-result', toolCallId: message.toolCallId, toolName: message.toolName, output: { type: 'text', value } }] };
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}

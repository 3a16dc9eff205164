/**
 * @module agent/providers/ai-sdk — model calls through the Vercel AI SDK's provider packages
 * (`@ai-sdk/openai-compatible`, `@ai-sdk/anthropic`), loaded with a dynamic import the first time a
 * run calls a model.
 *
 * Why the AI SDK: its providers parse the SSE of both APIs, assemble fragmented tool-call arguments
 * and report usage; with `ai` it is 30 MB and ~150 ms to import, against ~140 MB and ~400 ms for
 * pi-ai. We call the providers' `doStream` directly and skip `ai`'s `streamText` (and the package):
 * the run loop already owns tool execution, retries and timeouts. Nothing here is imported at
 * gateway start (the bundle keeps these packages external), so ready time and idle RSS are
 * unchanged when no model is used.
 *
 * Retries are ours, not the SDK's (`maxRetries: 0`): 429 and 5xx before the first streamed byte are
 * retried with exponential backoff, honouring `retry-after`/`retry-after-ms` (capped at 60 s), so the
 * delay is injectable in tests and each retry is reported to the run (chat `status` with `retry`).
 */
import type { LanguageModelV3, LanguageModelV3FunctionTool, LanguageModelV3Prompt } from '@ai-sdk/provider';
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

type ProviderModule = typeof import('@ai-sdk/provider');

interface Sdk {
  provider: ProviderModule;
  openaiCompatible: typeof import('@ai-sdk/openai-compatible');
  anthropic: typeof import('@ai-sdk/anthropic');
}

let sdkPromise: Promise<Sdk> | undefined;
/** Set once the import settled, so later runs skip even the await. */
let sdkLoaded: Sdk | undefined;

/** Imports the SDK once, on first use. */
function loadSdk(): Promise<Sdk> {
  sdkPromise ??= (async () => {
    const [provider, openaiCompatible, anthropic] = await Promise.all([import('@ai-sdk/provider'), import('@ai-sdk/openai-compatible'), import('@ai-sdk/anthropic')]);
    sdkLoaded = { provider, openaiCompatible, anthropic };
    return sdkLoaded;
  })();
  return sdkPromise;
}

/** A `ModelProvider` for every configured API, through the AI SDK. */
export function createAiSdkProvider(options: AiSdkProviderOptions = {}): ModelProvider {
  const maxAttempts = options.maxAttempts ?? 3;
  const baseDelayMs = options.baseDelayMs ?? 1000;
  const sleep = options.sleep ?? sleepUnlessAborted;
  // One model object per target, reused by every run: building one compiles the provider's zod
  // chunk schemas (~1 ms, several under load), which sat on every turn's first-token path. A new
  // API key (a rotated key file or env value) builds a fresh one.
  const models = new WeakMap<ModelTarget, { apiKey: string | undefined; model: LanguageModelV3 }>();
  const modelFor = (sdk: Sdk, target: ModelTarget): LanguageModelV3 => {
    const apiKey = resolveApiKey(target, options.env);
    const cached = models.get(target);
    if (cached !== undefined && cached.apiKey === apiKey) return cached.model;
    const model = createModel(sdk, target, apiKey);
    models.set(target, { apiKey, model });
    return model;
  };
  return {
    async *stream(request: ModelRequest, signal: AbortSignal): AsyncIterable<ModelEvent> {
      const sdk = sdkLoaded ?? (await loadSdk());
      const model = modelFor(sdk, request.target);
      for (let attempt = 1; ; attempt++) {
        let hasOutput = false;
        try {
          for await (const event of streamOnce(model, request, signal)) {
            hasOutput = true;
            yield event;
          }
          return;
        } catch (error) {
          const failure = classify(sdk.provider, error, request.target, signal);
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

function createModel(sdk: Sdk, target: ModelTarget, apiKey: string | undefined): LanguageModelV3 {
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

/**
 * One HTTP request and its stream, through the provider's `doStream` (the SDK's SSE parsing and
 * tool-call assembly without `streamText`'s per-call machinery, which cost ~7 ms of first-token
 * latency here). The model is silent too long when no part arrived for `timeoutMs`: each part only
 * notes its time, and the one timer re-arms itself for the remainder when it fires early (re-creating
 * a timer per streamed part showed up in the first-token profile).
 */
async function* streamOnce(model: LanguageModelV3, request: ModelRequest, runSignal: AbortSignal): AsyncIterable<ModelEvent> {
  const idle = new AbortController();
  const timeoutMs = request.target.timeoutMs;
  let lastPartAt = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const armIdleTimer = (delayMs: number): void => {
    timer = setTimeout(() => {
      const silentMs = performance.now() - lastPartAt;
      if (silentMs < timeoutMs) return armIdleTimer(timeoutMs - silentMs);
      idle.abort(new GatewayError('MODEL_TIMEOUT', { provider: request.target.provider, model: request.target.model, timeoutMs }));
    }, delayMs);
  };
  armIdleTimer(timeoutMs);
  const tools: LanguageModelV3FunctionTool[] = request.tools.map((spec) => ({ type: 'function', name: spec.name, description: spec.description, inputSchema: spec.parameters }));
  try {
    const { stream } = await model.doStream({
      prompt: toPrompt(request.system, request.messages),
      tools,
      toolChoice: { type: 'auto' },
      maxOutputTokens: request.target.maxTokens,
      abortSignal: AbortSignal.any([runSignal, idle.signal]),
    });
    const reader = stream.getReader();
    for (;;) {
      const { done, value: part } = await reader.read();
      if (done) break;
      lastPartAt = performance.now();
      switch (part.type) {
        case 'text-delta':
          if (part.delta !== '') yield { type: 'text', delta: part.delta };
          break;
        case 'tool-call':
          yield { type: 'toolCall', id: part.toolCallId, name: part.toolName, arguments: parseArguments(part.input) };
          break;
        case 'finish': {
          yield { type: 'usage', input: part.usage.inputTokens.total ?? 0, output: part.usage.outputTokens.total ?? 0 };
          const reason = part.finishReason.unified;
          yield { type: 'finish', reason: reason === 'tool-calls' ? 'toolUse' : reason === 'stop' ? 'stop' : reason === 'length' ? 'length' : 'other' };
          break;
        }
        case 'error':
          throw part.error;
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
function classify(provider: ProviderModule, error: unknown, target: ModelTarget, signal: AbortSignal): Failure {
  const names = { provider: target.provider, model: target.model };
  if (signal.aborted) return { error: new GatewayError('RUN_ABORTED', { runId: '' }), isRetryable: false };
  // A model silent for timeoutSeconds is slow, not flaky: retrying would only double the wait.
  if (error instanceof GatewayError) return { error, isRetryable: false };
  if (provider.APICallError.isInstance(error)) {
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

/** Our transcript → the provider prompt (tool results as text; aborted partial replies keep their text). */
function toPrompt(system: string, messages: readonly TranscriptMessage[]): LanguageModelV3Prompt {
  const prompt: LanguageModelV3Prompt = [{ role: 'system', content: system }];
  for (const message of messages) {
    if (message.role === 'user') prompt.push({ role: 'user', content: [{ type: 'text', text: message.content }] });
    else if (message.role === 'assistant') prompt.push(...assistantToPrompt(message));
    else prompt.push(toolResultToPrompt(message));
  }
  return prompt;
}

function assistantToPrompt(message: AssistantMessage): LanguageModelV3Prompt {
  const content: Extract<LanguageModelV3Prompt[number], { role: 'assistant' }>['content'] = [];
  for (const block of message.content) {
    if (block.type === 'text' && block.text !== '') content.push({ type: 'text', text: block.text });
    if (block.type === 'toolCall') content.push({ type: 'tool-call', toolCallId: block.id, toolName: block.name, input: block.arguments });
  }
  return content.length === 0 ? [] : [{ role: 'assistant', content }];
}

function toolResultToPrompt(message: ToolResultMessage): LanguageModelV3Prompt[number] {
  const value = message.content.map((block) => block.text).join('\n');
  return { role: 'tool', content: [{ type: 'tool-result', toolCallId: message.toolCallId, toolName: message.toolName, output: { type: 'text', value } }] };
}

/** Tool-call arguments arrive as JSON text; anything but an object becomes `{}` (the tool reports what is missing). */
function parseArguments(input: string): Record<string, unknown> {
  try {
    return asRecord(JSON.parse(input));
  } catch {
    return {};
  }
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

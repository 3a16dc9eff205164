/**
 * @module agent/providers/provider — what the run loop needs from a model: one streamed call.
 *
 * A provider turns a request (system prompt, transcript, tool specs) into a stream of events: text
 * deltas, complete tool calls, usage and a finish reason. Failures are thrown as coded
 * `GatewayError`s (MODEL_AUTH_FAILED, MODEL_TIMEOUT, …) after the provider's own retries.
 */
import type { TranscriptMessage } from '../transcript.js';
import type { ModelTarget } from './model-config.js';

export interface ToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the arguments. */
  parameters: Record<string, unknown>;
}

export interface ModelRequest {
  target: ModelTarget;
  system: string;
  messages: readonly TranscriptMessage[];
  tools: readonly ToolSpec[];
}

export type ModelEvent =
  | { type: 'text'; delta: string }
  | { type: 'toolCall'; id: string; name: string; arguments: Record<string, unknown> }
  | { type: 'usage'; input: number; output: number }
  | { type: 'retry'; attempt: number; maxAttempts: number; reason: 'rate_limit' | 'server_error'; delayMs: number }
  | { type: 'finish'; reason: 'stop' | 'toolUse' | 'length' | 'other' };

export interface ModelProvider {
  stream(request: ModelRequest, signal: AbortSignal): AsyncIterable<ModelEvent>;
}

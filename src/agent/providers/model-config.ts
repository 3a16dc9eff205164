/**
 * @module agent/providers/model-config — turns `models` + `agents.defaults.model` into the ordered list
 * of model targets a run tries (primary, then each fallback), and resolves API keys at run start.
 *
 * Keys are resolved late on purpose: a `${VAR}` set after the gateway started still works, and the
 * key lives in memory only for the request. It is never logged; errors name the provider, not the key.
 */
import { readFileSync } from 'node:fs';
import type { AgentsConfig, ModelApi, ModelsConfig } from '../../config/index.js';
import { GatewayError } from '../../protocol/index.js';

/** One configured model, as a run addresses it. */
export interface ModelTarget {
  /** `<provider>/<model>`. */
  readonly ref: string;
  readonly provider: string;
  readonly model: string;
  readonly api: ModelApi;
  readonly baseUrl: string;
  readonly apiKey: ApiKeySource;
  readonly headers: Readonly<Record<string, string>>;
  /** Idle timeout of one request, ms (default 120,000: OpenClaw's cloud watchdog). */
  readonly timeoutMs: number;
  readonly maxTokens: number;
  /** What is sent to the model is trimmed to fit this many tokens. */
  readonly contextWindow: number;
}

export type ApiKeySource = string | { source: 'env'; id: string } | { source: 'file'; path: string } | undefined;

export const DEFAULT_MODEL_TIMEOUT_MS = 120_000;
export const DEFAULT_CONTEXT_WINDOW = 128_000;
/** OpenClaw sends `max_completion_tokens: 8192` (provider-requests capture). */
export const DEFAULT_MAX_TOKENS = 8192;

/** The primary model ref and fallbacks from `agents.defaults.model`, or none when unset. */
export function configuredModelRefs(agents: AgentsConfig | undefined): string[] {
  const model = agents?.defaults?.model;
  if (model === undefined) return [];
  if (typeof model === 'string') return [model];
  return [...(model.primary === undefined ? [] : [model.primary]), ...(model.fallbacks ?? [])];
}

/** Resolves each ref against `models.providers`; an unknown ref is MODEL_REF_UNKNOWN (checked at start-up). */
export function resolveModelTargets(models: ModelsConfig | undefined, refs: readonly string[]): ModelTarget[] {
  return refs.map((ref) => resolveModelTarget(models, ref));
}

export function resolveModelTarget(models: ModelsConfig | undefined, ref: string): ModelTarget {
  const slash = ref.indexOf('/');
  const providerId = slash > 0 ? ref.slice(0, slash) : '';
  const modelId = slash > 0 ? ref.slice(slash + 1) : ref;
  const provider = models?.providers?.[providerId];
  const model = provider?.models.find((m) => m.id === modelId);
  if (provider === undefined || model === undefined) throw new GatewayError('MODEL_REF_UNKNOWN', { ref, provider: providerId || '<provider>' });
  return {
    ref,
    provider: providerId,
    model: modelId,
    api: provider.api ?? 'openai-completions',
    baseUrl: provider.baseUrl.replace(/\/+$/, ''),
    apiKey: provider.apiKey,
    headers: provider.headers ?? {},
    timeoutMs: provider.timeoutSeconds === undefined ? DEFAULT_MODEL_TIMEOUT_MS : Math.round(provider.timeoutSeconds * 1000),
    maxTokens: model.maxTokens ?? provider.maxTokens ?? DEFAULT_MAX_TOKENS,
    contextWindow: model.contextWindow ?? model.contextTokens ?? DEFAULT_CONTEXT_WINDOW,
  };
}

/**
 * The key for one request: literal (with `${VAR}` substituted), `{source:'env', id}` or
 * `{source:'file', path}`. Undefined means keyless (a local server): no Authorization header is sent.
 */
export function resolveApiKey(target: ModelTarget, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const source = target.apiKey;
  if (source === undefined) return undefined;
  if (typeof source === 'string') {
    return source.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_whole, name: string) => {
      const value = env[name];
      if (value === undefined || value === '') throw new GatewayError('MODEL_API_KEY_UNAVAILABLE', { provider: target.provider, reason: `env var ${name} is not set` });
      return value;
    });
  }
  if (source.source === 'env') {
    const value = env[source.id];
    if (value === undefined || value === '') throw new GatewayError('MODEL_API_KEY_UNAVAILABLE', { provider: target.provider, reason: `env var ${source.id} is not set` });
    return value;
  }
  try {
    return readFileSync(source.path, 'utf8').trim();
  } catch {
    throw new GatewayError('MODEL_API_KEY_UNAVAILABLE', { provider: target.provider, reason: `cannot read key file ${source.path}` });
  }
}

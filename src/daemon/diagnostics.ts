/**
 * @module daemon/diagnostics — live reachability of what the features talk to (model providers, the
 * Telegram Bot API), for `clawgate doctor`. Lives in the composition root because it reads features'
 * config the way the features themselves do; the CLI loads it on demand only.
 *
 * Each probe is one bounded request with the configured credential; a credential never appears in a
 * finding (a 401 says "refused", not what was sent).
 */
import type { ClawgateConfig } from '../config/index.js';
import { configuredModelRefs, resolveApiKey, resolveModelTarget, type ModelTarget } from '../agent/providers/model-config.js';
import { isTelegramConfigured, resolveTelegramSettings } from '../channels/telegram/settings.js';
import { GatewayError } from '../protocol/index.js';

/** One reachability result, in the doctor's vocabulary. */
export interface ReachabilityFinding {
  id: string;
  status: 'ok' | 'warn' | 'fail' | 'info';
  title: string;
  detail: string;
  fix?: string;
}

export interface ReachabilityOptions {
  env: NodeJS.ProcessEnv;
  /** Budget of each request (ms). */
  timeoutMs: number;
  fetch?: typeof fetch;
}

/** Probes every configured model ref and the Telegram channel; says so when neither is configured. */
export async function probeFeatureReachability(config: ClawgateConfig, options: ReachabilityOptions): Promise<ReachabilityFinding[]> {
  const refs = configuredModelRefs(config.agents);
  const findings: ReachabilityFinding[] = [];
  if (refs.length === 0) {
    findings.push({
      id: 'models',
      status: 'info',
      title: 'model',
      detail: 'no model configured: the built-in commands (/help, /status, /nodes, /run, /new) answer, anything else gets "no model configured"',
      fix: 'set agents.defaults.model.primary to "<provider>/<model>" with a models.providers entry (README: Models)',
    });
  }
  for (const ref of refs) findings.push(await probeModel(config, ref, options));
  const telegram = config.channels?.telegram;
  if (isTelegramConfigured(telegram, options.env) && telegram !== undefined) findings.push(await probeTelegram(telegram, options));
  return findings;
}

async function probeModel(config: ClawgateConfig, ref: string, options: ReachabilityOptions): Promise<ReachabilityFinding> {
  const title = `model ${ref}`;
  let target: ModelTarget;
  let apiKey: string | undefined;
  try {
    target = resolveModelTarget(config.models, ref);
    apiKey = resolveApiKey(target, options.env);
  } catch (error) {
    const detail = error instanceof GatewayError ? error.message : 'cannot resolve the model';
    return { id: 'models', status: 'fail', title, detail, fix: `check models.providers and agents.defaults.model (clawgate config get models)` };
  }
  const anthropic = target.api === 'anthropic-messages';
  const url = `${target.baseUrl}${anthropic ? (target.baseUrl.endsWith('/v1') ? '' : '/v1') : ''}/models`;
  const headers: Record<string, string> = { ...target.headers };
  if (apiKey !== undefined) {
    if (anthropic) {
      headers['x-api-key'] = apiKey;
      headers['anthropic-version'] = '2023-06-01';
    } else {
      headers['authorization'] = `Bearer ${apiKey}`;
    }
  }
  const answer = await request(url, { headers }, options);
  if ('error' in answer) return { id: 'models', status: 'fail', title, detail: `${target.provider} at ${target.baseUrl} is unreachable: ${answer.error}`, fix: `check models.providers.${target.provider}.baseUrl and that the server is running` };
  if (answer.status === 401 || answer.status === 403) {
    return { id: 'models', status: 'fail', title, detail: `${target.provider} refused the API key (HTTP ${answer.status})`, fix: `set a valid key: clawgate config set models.providers.${target.provider}.apiKey '\${YOUR_KEY_VAR}'` };
  }
  if (answer.status >= 500) return { id: 'models', status: 'warn', title, detail: `${target.provider} answered HTTP ${answer.status}; runs retry on 5xx`, fix: 'check the provider status; runs will retry with backoff' };
  // A 404 on /models is common for minimal servers (llama.cpp variants): reachable and not refused.
  return { id: 'models', status: 'ok', title, detail: `${target.provider} at ${target.baseUrl} answers (HTTP ${answer.status})` };
}

async function probeTelegram(telegram: NonNullable<NonNullable<ClawgateConfig['channels']>['telegram']>, options: ReachabilityOptions): Promise<ReachabilityFinding> {
  const title = 'telegram';
  let settings: ReturnType<typeof resolveTelegramSettings>;
  try {
    settings = resolveTelegramSettings(telegram, options.env);
  } catch (error) {
    return { id: 'telegram', status: 'fail', title, detail: error instanceof GatewayError ? error.message : 'invalid channels.telegram', fix: 'clawgate config get channels.telegram' };
  }
  // The Bot API puts the token in the path; the URL is never printed or logged.
  const answer = await request(`${settings.apiRoot}/bot${settings.token}/getMe`, { headers: {} }, options);
  if ('error' in answer) return { id: 'telegram', status: 'fail', title, detail: `the Bot API at ${settings.apiRoot} is unreachable: ${answer.error}`, fix: 'check the network or channels.telegram.apiRoot' };
  if (answer.status === 401 || answer.status === 404) {
    return { id: 'telegram', status: 'fail', title, detail: `Telegram refused the bot token from ${settings.tokenSource} (HTTP ${answer.status}): revoked or mistyped`, fix: 'get the token from @BotFather and set channels.telegram.botToken (or tokenFile)' };
  }
  const username = typeof answer.body === 'object' && answer.body !== null ? (answer.body as { result?: { username?: unknown } }).result?.username : undefined;
  if (answer.status !== 200) return { id: 'telegram', status: 'warn', title, detail: `getMe answered HTTP ${answer.status}`, fix: 'clawgate channels status --probe once the gateway runs' };
  return { id: 'telegram', status: 'ok', title, detail: `bot ${typeof username === 'string' ? `@${username}` : ''} answers getMe`.replace('bot  ', 'the bot ') };
}

async function request(url: string, init: { headers: Record<string, string> }, options: ReachabilityOptions): Promise<{ status: number; body: unknown } | { error: string }> {
  const fetchImpl = options.fetch ?? fetch;
  try {
    const response = await fetchImpl(url, { headers: init.headers, signal: AbortSignal.timeout(options.timeoutMs) });
    const body: unknown = await response.json().catch(() => undefined);
    return { status: response.status, body };
  } catch (error) {
    if (error instanceof Error && error.name === 'TimeoutError') return { error: `no answer within ${options.timeoutMs} ms` };
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : error instanceof Error ? error.message : 'request failed';
    return { error: cause };
  }
}

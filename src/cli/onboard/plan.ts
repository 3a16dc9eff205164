/**
 * @module cli/onboard/plan — what `clawgate onboard` writes, from the answers (pure, tested).
 *
 * Loopback + token is the default and needs no config at all (the gateway generates its token on
 * first start; onboard creates it right away so `gateway auth-token` works). A wider bind always
 * gets a secret in the config, because the gateway refuses a non-loopback bind without one.
 */
import { randomBytes } from 'node:crypto';
import { DEFAULT_GATEWAY_PORT, type BindMode } from '../../config/index.js';

export const ONBOARD_BINDS = ['loopback', 'lan', 'tailnet'] as const satisfies readonly BindMode[];
export type OnboardBind = (typeof ONBOARD_BINDS)[number];

export interface OnboardAnswers {
  bind: OnboardBind;
  port: number;
  auth: 'token' | 'password';
  /** A token or password the user gave; a token is generated when absent. */
  secret?: string | undefined;
  installService: boolean;
  /** Optional model provider: written as models.providers.<provider> + agents.defaults.model.primary. */
  model?: OnboardModel | undefined;
  /** Optional Telegram bot token file (channels.telegram.tokenFile); the token itself never goes in the config. */
  telegramTokenFile?: string | undefined;
}

/** One model, as onboarding asks for it. The key is named by an env variable, never stored. */
export interface OnboardModel {
  /** `<provider>/<model>`, e.g. `local/llama3.1`. */
  ref: string;
  baseUrl: string;
  api: 'openai-completions' | 'anthropic-messages';
  /** Env variable holding the API key (written as `${VAR}`); undefined for keyless local servers. */
  apiKeyEnv?: string | undefined;
}

export interface OnboardPlan {
  /** Dotted config path → value, applied with config/edit (validated, atomic). */
  settings: [path: string, value: unknown][];
  /** Create the generated token file now (loopback + token without a given token). */
  shouldCreateGeneratedToken: boolean;
  /** Human lines describing the outcome (never a secret). */
  summary: string[];
}

/** A 256-bit base64url token. */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Turns answers into config settings; a password is required for password auth. */
export function planOnboarding(answers: OnboardAnswers, createToken: () => string = generateToken): OnboardPlan {
  const settings: [string, unknown][] = [['gateway.bind', answers.bind]];
  if (answers.port !== DEFAULT_GATEWAY_PORT) settings.push(['gateway.port', answers.port]);
  const summary = [`Bind: ${answers.bind}${answers.bind === 'loopback' ? ' (this machine only)' : ''}, port ${answers.port}`];
  let shouldCreateGeneratedToken = false;
  if (answers.auth === 'password') {
    settings.push(['gateway.auth.mode', 'password'], ['gateway.auth.password', answers.secret ?? '']);
    summary.push('Auth: password (stored in the config, mode 0600)');
  } else if (answers.secret !== undefined) {
    settings.push(['gateway.auth.mode', 'token'], ['gateway.auth.token', answers.secret]);
    summary.push('Auth: token (the one you gave, stored in the config, mode 0600)');
  } else if (answers.bind === 'loopback') {
    shouldCreateGeneratedToken = true;
    summary.push('Auth: token (generated into the state dir; `clawgate gateway auth-token` prints it)');
  } else {
    settings.push(['gateway.auth.mode', 'token'], ['gateway.auth.token', createToken()]);
    summary.push('Auth: token (generated, stored in the config, mode 0600; `clawgate gateway auth-token` prints it)');
  }
  if (answers.model !== undefined) {
    const { provider, model } = splitModelRef(answers.model.ref);
    const entry: Record<string, unknown> = { baseUrl: answers.model.baseUrl, api: answers.model.api, models: [{ id: model, name: model }] };
    if (answers.model.apiKeyEnv !== undefined) entry['apiKey'] = `\${${answers.model.apiKeyEnv}}`;
    // models.providers is a record: the plan gives the whole map with this provider; the caller
    // merges it into the providers already configured (mergeProviders).
    settings.push(['models.providers', { [provider]: entry }], ['agents.defaults.model', { primary: answers.model.ref }]);
    summary.push(`Model: ${answers.model.ref} at ${answers.model.baseUrl}${answers.model.apiKeyEnv === undefined ? ' (no key)' : ` (key from $${answers.model.apiKeyEnv})`}`);
  }
  if (answers.telegramTokenFile !== undefined) {
    settings.push(['channels.telegram.enabled', true], ['channels.telegram.tokenFile', answers.telegramTokenFile]);
    summary.push(`Telegram: bot token from ${answers.telegramTokenFile}; DMs need pairing (clawgate pairing approve telegram <code>)`);
  }
  return { settings, shouldCreateGeneratedToken, summary };
}

/** `<provider>/<model>` → its parts; the provider is a config key, so it is kept simple. */
export function splitModelRef(ref: string): { provider: string; model: string } {
  const match = /^([A-Za-z0-9_-]+)\/(.+)$/.exec(ref);
  if (match === null) throw new RangeError(`--model must look like <provider>/<model>, e.g. local/llama3.1 (got "${ref}")`);
  return { provider: match[1]!, model: match[2]! };
}

/**
 * The value to write at `path`, keeping what is already configured beside it: other providers under
 * `models.providers`, and the fallbacks of `agents.defaults.model` (both are written whole, since the
 * config path resolver does not descend into records and unions).
 */
export function mergedValue(config: Record<string, unknown>, path: string, value: unknown): unknown {
  if (path !== 'models.providers' && path !== 'agents.defaults.model') return value;
  let existing: unknown = config;
  for (const segment of path.split('.')) existing = typeof existing === 'object' && existing !== null ? (existing as Record<string, unknown>)[segment] : undefined;
  return typeof existing === 'object' && existing !== null && !Array.isArray(existing) ? { ...(existing as Record<string, unknown>), ...(value as Record<string, unknown>) } : value;
}

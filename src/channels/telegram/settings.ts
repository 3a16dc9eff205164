/**
 * @module channels/telegram/settings — `channels.telegram.*` resolved into what the channel runs with.
 *
 * Token precedence as OpenClaw (A2): tokenFile > botToken > TELEGRAM_BOT_TOKEN. A tokenFile must be a
 * regular file (symlinks rejected). `apiRoot` is normalized as in A3 (trimmed, trailing slashes and
 * a trailing `/bot<token>` removed). Fail-closed checks: `allowlist` with an empty `allowFrom`,
 * `open` without `"*"`, and webhook mode without a secret stop the channel with a coded error.
 */
import { lstatSync, readFileSync } from 'node:fs';
import { GatewayError } from '../../protocol/index.js';
import type { TelegramConfig } from '../../config/index.js';

export const DEFAULT_API_ROOT = 'https://api.telegram.org';
export const MAX_TEXT_CHUNK = 4000;

export type TokenSource = 'tokenFile' | 'config' | 'env' | 'none';
export type DmPolicy = 'pairing' | 'allowlist' | 'open' | 'disabled';
export type GroupPolicy = 'allowlist' | 'open' | 'disabled';
export type StreamingMode = 'off' | 'partial' | 'block' | 'progress';

export interface TelegramGroupRule {
  requireMention: boolean;
  groupPolicy?: GroupPolicy;
  allowFrom?: Set<string>;
  enabled: boolean;
  topics: Map<string, { requireMention?: boolean; enabled?: boolean; allowFrom?: Set<string> }>;
}

export interface TelegramWebhookSettings {
  url: string;
  secret: string;
  path: string;
  host: string;
  port: number;
}

export interface TelegramSettings {
  accountId: string;
  enabled: boolean;
  token: string;
  tokenSource: TokenSource;
  apiRoot: string;
  dmPolicy: DmPolicy;
  /** Normalized numeric ids; `*` kept as is. */
  allowFrom: Set<string>;
  groupPolicy: GroupPolicy;
  groupAllowFrom: Set<string>;
  groups: Map<string, TelegramGroupRule>;
  textChunkLimit: number;
  streamingMode: StreamingMode;
  replyToMode: 'off' | 'first' | 'all' | 'batched';
  webhook: TelegramWebhookSettings | undefined;
}

/** True when `channels.telegram` asks for a running channel (so grammY gets loaded). */
export function isTelegramConfigured(config: TelegramConfig | undefined, env: NodeJS.ProcessEnv): boolean {
  if (config === undefined) return false;
  if (config.enabled === false) return false;
  return config.tokenFile !== undefined || config.botToken !== undefined || (env['TELEGRAM_BOT_TOKEN'] ?? '').trim() !== '';
}

/** Resolves and checks the config; throws a coded GatewayError naming the key to fix. */
export function resolveTelegramSettings(config: TelegramConfig, env: NodeJS.ProcessEnv): TelegramSettings {
  const { token, source } = resolveToken(config, env);
  const dmPolicy = config.dmPolicy ?? 'pairing';
  const allowFrom = normalizeAllowList(config.allowFrom);
  if (dmPolicy === 'allowlist' && allowFrom.size === 0) {
    throw new GatewayError('TELEGRAM_CONFIG_INVALID', { reason: 'dmPolicy "allowlist" needs at least one id in allowFrom' });
  }
  if (dmPolicy === 'open' && !allowFrom.has('*')) {
    throw new GatewayError('TELEGRAM_CONFIG_INVALID', { reason: 'dmPolicy "open" needs "*" in allowFrom (so opening DMs to everyone is explicit)' });
  }
  const groupAllowFrom = config.groupAllowFrom === undefined ? allowFrom : normalizeAllowList(config.groupAllowFrom);
  return {
    accountId: 'default',
    enabled: config.enabled !== false,
    token,
    tokenSource: source,
    apiRoot: normalizeApiRoot(config.apiRoot ?? DEFAULT_API_ROOT),
    dmPolicy,
    allowFrom,
    groupPolicy: config.groupPolicy ?? 'allowlist',
    groupAllowFrom,
    groups: resolveGroups(config.groups),
    textChunkLimit: Math.min(config.textChunkLimit ?? MAX_TEXT_CHUNK, MAX_TEXT_CHUNK),
    streamingMode: config.streaming?.mode ?? 'progress',
    replyToMode: config.replyToMode ?? 'off',
    webhook: resolveWebhook(config),
  };
}

/** A3: trims, drops trailing slashes and a trailing `/bot<id>:<secret>` segment. */
export function normalizeApiRoot(raw: string): string {
  return raw.trim().replace(/\/+$/, '').replace(/\/bot\d+:[^/]*$/, '').replace(/\/+$/, '');
}

/** `123`, `"telegram:123"`, `"tg:123"` → `"123"`; `"*"` stays. Entries that are not numeric ids are dropped. */
export function normalizeAllowList(entries: readonly (string | number)[] | undefined): Set<string> {
  const result = new Set<string>();
  for (const entry of entries ?? []) {
    const text = String(entry).trim().replace(/^(telegram|tg):/i, '');
    if (text === '*' || /^-?\d+$/.test(text)) result.add(text);
  }
  return result;
}

function resolveToken(config: TelegramConfig, env: NodeJS.ProcessEnv): { token: string; source: TokenSource } {
  if (config.tokenFile !== undefined) return { token: readTokenFile(config.tokenFile), source: 'tokenFile' };
  const configured = config.botToken;
  if (typeof configured === 'string') return { token: configured.trim(), source: 'config' };
  if (configured?.source === 'env') {
    const value = (env[configured.id] ?? '').trim();
    if (value === '') throw new GatewayError('TELEGRAM_TOKEN_MISSING');
    return { token: value, source: 'env' };
  }
  if (configured?.source === 'file') return { token: readTokenFile(configured.path), source: 'tokenFile' };
  const fromEnv = (env['TELEGRAM_BOT_TOKEN'] ?? '').trim();
  if (fromEnv !== '') return { token: fromEnv, source: 'env' };
  throw new GatewayError('TELEGRAM_TOKEN_MISSING');
}

function readTokenFile(path: string): string {
  let stat;
  try {
    stat = lstatSync(path);
  } catch (error) {
    throw new GatewayError('TELEGRAM_TOKEN_FILE_INVALID', { path, reason: `cannot read (${errnoCode(error)})` });
  }
  if (stat.isSymbolicLink()) throw new GatewayError('TELEGRAM_TOKEN_FILE_INVALID', { path, reason: 'is a symlink; point tokenFile at the file itself' });
  if (!stat.isFile()) throw new GatewayError('TELEGRAM_TOKEN_FILE_INVALID', { path, reason: 'is not a regular file' });
  const token = readFileSync(path, 'utf8').trim();
  if (token === '') throw new GatewayError('TELEGRAM_TOKEN_FILE_INVALID', { path, reason: 'is empty' });
  return token;
}

function resolveGroups(groups: TelegramConfig['groups']): Map<string, TelegramGroupRule> {
  const result = new Map<string, TelegramGroupRule>();
  for (const [chatId, group] of Object.entries(groups ?? {})) {
    const rule: TelegramGroupRule = { requireMention: group.requireMention ?? true, enabled: group.enabled !== false, topics: new Map() };
    if (group.groupPolicy !== undefined) rule.groupPolicy = group.groupPolicy;
    if (group.allowFrom !== undefined) rule.allowFrom = normalizeAllowList(group.allowFrom);
    for (const [threadId, topic] of Object.entries(group.topics ?? {})) {
      const topicRule: { requireMention?: boolean; enabled?: boolean; allowFrom?: Set<string> } = {};
      if (topic.requireMention !== undefined) topicRule.requireMention = topic.requireMention;
      if (topic.enabled !== undefined) topicRule.enabled = topic.enabled;
      if (topic.allowFrom !== undefined) topicRule.allowFrom = normalizeAllowList(topic.allowFrom);
      rule.topics.set(threadId, topicRule);
    }
    result.set(chatId, rule);
  }
  return result;
}

function resolveWebhook(config: TelegramConfig): TelegramWebhookSettings | undefined {
  if (config.webhookUrl === undefined) return undefined;
  if (config.webhookSecret === undefined) {
    throw new GatewayError('TELEGRAM_CONFIG_INVALID', { reason: 'webhookUrl is set but webhookSecret is not; Telegram must prove each POST with the secret header' });
  }
  return {
    url: config.webhookUrl,
    secret: config.webhookSecret,
    path: config.webhookPath ?? '/telegram-webhook',
    host: config.webhookHost ?? '127.0.0.1',
    port: config.webhookPort ?? 8787,
  };
}

function errnoCode(error: unknown): string {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : 'unknown error';
}

/**
 * @module config/channels-schema — the `channels`, `session` and `commands` sections, keyed as OpenClaw
 * keys them (reference A2, A7, A9), so an OpenClaw user's Telegram block reads the same here.
 */
import Type, { type Static } from 'typebox';
import { Secret } from './secrets.js';

const Closed = { additionalProperties: false } as const;

export const TELEGRAM_DM_POLICIES = ['pairing', 'allowlist', 'open', 'disabled'] as const;
export const TELEGRAM_GROUP_POLICIES = ['allowlist', 'open', 'disabled'] as const;
export const TELEGRAM_STREAMING_MODES = ['off', 'partial', 'block', 'progress'] as const;
export const TELEGRAM_REPLY_TO_MODES = ['off', 'first', 'all', 'batched'] as const;
export const SESSION_DM_SCOPES = ['main', 'per-peer', 'per-channel-peer', 'per-account-channel-peer'] as const;

/** Numeric Telegram ids (`123`, `"123"`, `"telegram:123"`, `"tg:123"`), or `"*"` where allowed. */
const AllowList = Type.Array(Type.Union([Type.String({ minLength: 1 }), Type.Integer()]));

const TelegramTopicSchema = Type.Object(
  {
    requireMention: Type.Optional(Type.Boolean()),
    enabled: Type.Optional(Type.Boolean()),
    allowFrom: Type.Optional(AllowList),
    agentId: Type.Optional(Type.String({ minLength: 1 })),
  },
  Closed,
);

const TelegramGroupSchema = Type.Object(
  {
    requireMention: Type.Optional(Type.Boolean()),
    groupPolicy: Type.Optional(Type.Enum(TELEGRAM_GROUP_POLICIES)),
    allowFrom: Type.Optional(AllowList),
    enabled: Type.Optional(Type.Boolean()),
    topics: Type.Optional(Type.Record(Type.String({ minLength: 1 }), TelegramTopicSchema)),
  },
  Closed,
);

/** A literal token, or a reference to an env var or file holding it (OpenClaw's SecretRef subset). */
const BotTokenSchema = Type.Union([
  Secret(),
  Type.Object({ source: Type.Literal('env'), id: Type.String({ minLength: 1 }) }, Closed),
  Type.Object({ source: Type.Literal('file'), path: Type.String({ minLength: 1 }) }, Closed),
]);

export const TelegramConfigSchema = Type.Object(
  {
    enabled: Type.Optional(Type.Boolean()),
    /** Secret. Precedence: tokenFile > botToken > TELEGRAM_BOT_TOKEN. */
    botToken: Type.Optional(BotTokenSchema),
    /** A regular file holding the token (symlinks rejected). */
    tokenFile: Type.Optional(Type.String({ minLength: 1 })),
    /** Bot API base URL (default https://api.telegram.org); a trailing /bot<token> is stripped. */
    apiRoot: Type.Optional(Type.String({ minLength: 1 })),
    dmPolicy: Type.Optional(Type.Enum(TELEGRAM_DM_POLICIES)),
    allowFrom: Type.Optional(AllowList),
    groupPolicy: Type.Optional(Type.Enum(TELEGRAM_GROUP_POLICIES)),
    groupAllowFrom: Type.Optional(AllowList),
    groups: Type.Optional(Type.Record(Type.String({ minLength: 1 }), TelegramGroupSchema)),
    /** Characters per message (default 4000, at most 4000). */
    textChunkLimit: Type.Optional(Type.Integer({ minimum: 200, maximum: 4000 })),
    streaming: Type.Optional(Type.Object({ mode: Type.Optional(Type.Enum(TELEGRAM_STREAMING_MODES)) }, Closed)),
    replyToMode: Type.Optional(Type.Enum(TELEGRAM_REPLY_TO_MODES)),
    /** Webhook mode turns on when set (the public HTTPS URL Telegram posts to). */
    webhookUrl: Type.Optional(Type.String({ minLength: 1 })),
    /** Secret. Sent by Telegram as X-Telegram-Bot-Api-Secret-Token; required in webhook mode. */
    webhookSecret: Type.Optional(Secret({ maxLength: 256 })),
    webhookPath: Type.Optional(Type.String({ minLength: 1, pattern: '^/' })),
    webhookHost: Type.Optional(Type.String({ minLength: 1 })),
    /** Local listener port (default 8787; 0 = ephemeral). */
    webhookPort: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535 })),
  },
  Closed,
);

export const ChannelsConfigSchema = Type.Object({ telegram: Type.Optional(TelegramConfigSchema) }, Closed);

export const SessionConfigSchema = Type.Object({ dmScope: Type.Optional(Type.Enum(SESSION_DM_SCOPES)) }, Closed);

export const CommandsConfigSchema = Type.Object(
  {
    /** Who may run owner-only commands and decide exec approvals from a channel (`telegram:<id>`). */
    ownerAllowFrom: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
  },
  Closed,
);

export type TelegramConfig = Static<typeof TelegramConfigSchema>;
export type ChannelsConfig = Static<typeof ChannelsConfigSchema>;
export type SessionConfig = Static<typeof SessionConfigSchema>;
export type CommandsConfig = Static<typeof CommandsConfigSchema>;

/**
 * @module protocol/methods/send — contract of `send`: direct outbound delivery through a channel.
 *
 * Params mirror OpenClaw's closed `SendParams` (shared/reference/openclaw-agent-chat.md §5.1); the
 * result is open because channels add their own ids (chatId, toJid, pollId …).
 */
import Type, { type Static } from 'typebox';
import { defineContract } from '../contract.js';

const NonEmptyString = Type.String({ minLength: 1 });

/** `send` params: OpenClaw's closed `SendParams`. Text or media must be present (checked by the handler). */
export const SendParamsSchema = Type.Object(
  {
    to: NonEmptyString,
    message: Type.Optional(Type.String()),
    mediaUrl: Type.Optional(Type.String()),
    mediaUrls: Type.Optional(Type.Array(Type.String())),
    buffer: Type.Optional(Type.String()),
    filename: Type.Optional(Type.String()),
    contentType: Type.Optional(Type.String()),
    asVoice: Type.Optional(Type.Boolean()),
    gifPlayback: Type.Optional(Type.Boolean()),
    channel: Type.Optional(Type.String()),
    accountId: Type.Optional(Type.String()),
    agentId: Type.Optional(Type.String()),
    replyToId: Type.Optional(Type.String()),
    threadId: Type.Optional(Type.String()),
    forceDocument: Type.Optional(Type.Boolean()),
    silent: Type.Optional(Type.Boolean()),
    parseMode: Type.Optional(Type.Literal('HTML')),
    sessionKey: Type.Optional(Type.String()),
    /** Dedupe key; OpenClaw returns it as `runId`. */
    idempotencyKey: NonEmptyString,
  },
  { additionalProperties: false },
);
export type SendParams = Static<typeof SendParamsSchema>;

/** `send` result: `{runId, messageId, channel}` plus whatever ids the channel returns. */
export const SendResultSchema = Type.Object(
  { runId: NonEmptyString, messageId: Type.Optional(Type.String()), channel: Type.Optional(Type.String()) },
  { additionalProperties: true },
);
export type SendResult = Static<typeof SendResultSchema>;

/** `send`: delivers one message (text or media) to a recipient on a channel. */
export const send = defineContract({ name: 'send', access: 'operator.write', params: SendParamsSchema, result: SendResultSchema });

/** The messaging family as far as Clawgate's clients use it today. */
export const SEND_CONTRACTS = [send] as const;

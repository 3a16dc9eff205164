/**
 * @module protocol/methods/send — `send`: direct outbound delivery through a channel (§5.1).
 * Until a channel feature exists the agent feature answers SEND_CHANNEL_UNAVAILABLE.
 */
import Type, { type Static } from 'typebox';
import { defineContract } from '../contract.js';

const Closed = { additionalProperties: false } as const;
const Open = { additionalProperties: true } as const;
const NonEmpty = Type.String({ minLength: 1 });

export const SendParamsSchema = Type.Object(
  {
    to: NonEmpty,
    idempotencyKey: NonEmpty,
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
  },
  Closed,
);

export type SendParams = Static<typeof SendParamsSchema>;

export const SendResultSchema = Type.Object({ runId: NonEmpty, messageId: Type.String(), channel: Type.String() }, Open);

export const send = defineContract({ name: 'send', access: 'operator.write', params: SendParamsSchema, result: SendResultSchema });

export const SEND_CONTRACTS = [send] as const;

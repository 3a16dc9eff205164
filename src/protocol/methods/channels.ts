/**
 * @module protocol/methods/channels — `channels.status|start|stop` and `channels.pairing.*`, in
 * OpenClaw's shapes (reference A8 step 8, A13). Results are open where OpenClaw's are (account
 * snapshots carry channel-specific fields).
 */
import Type, { type Static } from 'typebox';
import { defineContract } from '../contract.js';

const Closed = { additionalProperties: false } as const;
const Open = { additionalProperties: true } as const;
const NonEmpty = Type.String({ minLength: 1 });

export const ChannelsStatusParamsSchema = Type.Object(
  { probe: Type.Optional(Type.Boolean()), timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 120_000 })), channel: Type.Optional(NonEmpty) },
  Closed,
);

export const ChannelStatusIssueSchema = Type.Object(
  {
    channel: Type.String(),
    accountId: Type.String(),
    kind: Type.Union([Type.Literal('intent'), Type.Literal('permissions'), Type.Literal('config'), Type.Literal('auth'), Type.Literal('runtime')]),
    message: Type.String(),
    fix: Type.Optional(Type.String()),
  },
  Closed,
);

export const ChannelsStatusResultSchema = Type.Object(
  {
    ts: Type.Integer({ minimum: 0 }),
    channelOrder: Type.Array(Type.String()),
    channelLabels: Type.Record(Type.String(), Type.String()),
    channelDetailLabels: Type.Optional(Type.Record(Type.String(), Type.String())),
    channelSystemImages: Type.Optional(Type.Record(Type.String(), Type.String())),
    channelMeta: Type.Optional(Type.Array(Type.Object({ id: Type.String(), label: Type.String(), detailLabel: Type.String(), systemImage: Type.Optional(Type.String()) }, Closed))),
    channels: Type.Record(Type.String(), Type.Record(Type.String(), Type.Unknown())),
    channelAccounts: Type.Record(Type.String(), Type.Array(Type.Object({ accountId: Type.String() }, Open))),
    channelDefaultAccountId: Type.Record(Type.String(), Type.String()),
    statusIssues: Type.Optional(Type.Array(ChannelStatusIssueSchema, { maxItems: 50 })),
  },
  Open,
);
export type ChannelsStatusResult = Static<typeof ChannelsStatusResultSchema>;

export const channelsStatus = defineContract({ name: 'channels.status', access: 'operator.read', params: ChannelsStatusParamsSchema, result: ChannelsStatusResultSchema });

export const ChannelsControlParamsSchema = Type.Object({ channel: NonEmpty, accountId: Type.Optional(NonEmpty) }, Closed);
export const ChannelsControlResultSchema = Type.Object({ channel: Type.String(), accountId: Type.Optional(Type.String()), started: Type.Optional(Type.Boolean()), stopped: Type.Optional(Type.Boolean()) }, Open);

export const channelsStart = defineContract({ name: 'channels.start', access: 'operator.admin', params: ChannelsControlParamsSchema, result: ChannelsControlResultSchema });
export const channelsStop = defineContract({ name: 'channels.stop', access: 'operator.admin', params: ChannelsControlParamsSchema, result: ChannelsControlResultSchema });

export const ChannelPairingListParamsSchema = Type.Object({ channel: Type.Optional(NonEmpty), accountId: Type.Optional(NonEmpty) }, Closed);

export const ChannelPairingRequestSchema = Type.Object(
  {
    requestId: NonEmpty,
    channel: Type.String(),
    channelLabel: Type.String(),
    accountId: Type.String(),
    senderId: Type.String(),
    senderLabel: Type.Optional(Type.String()),
    metadata: Type.Optional(Type.Record(Type.String(), Type.String())),
    createdAt: Type.Integer(),
    lastSeenAt: Type.Integer(),
    expiresAt: Type.Integer(),
    notifySupported: Type.Boolean(),
    /** Clawgate addition: the code the sender received (callers hold operator.pairing, which can approve anyway). */
    code: Type.Optional(Type.String()),
  },
  Open,
);

export const ChannelPairingListResultSchema = Type.Object(
  {
    accounts: Type.Array(Type.Object({ channel: Type.String(), channelLabel: Type.String(), accountId: Type.String(), accountLabel: Type.Optional(Type.String()), notifySupported: Type.Boolean() }, Open)),
    requests: Type.Array(ChannelPairingRequestSchema),
    commandOwnerConfigured: Type.Boolean(),
    limits: Type.Object({ pendingPerAccount: Type.Integer(), ttlMs: Type.Integer() }, Open),
  },
  Open,
);
export type ChannelPairingListResult = Static<typeof ChannelPairingListResultSchema>;

export const channelsPairingList = defineContract({ name: 'channels.pairing.list', access: 'operator.pairing', params: ChannelPairingListParamsSchema, result: ChannelPairingListResultSchema });

/** `requestId` as OpenClaw; Clawgate also accepts the `code` the sender got (what the CLI passes). */
export const ChannelPairingApproveParamsSchema = Type.Object(
  {
    channel: NonEmpty,
    accountId: Type.Optional(NonEmpty),
    requestId: Type.Optional(NonEmpty),
    code: Type.Optional(NonEmpty),
    notify: Type.Optional(Type.Boolean()),
    bootstrapCommandOwner: Type.Optional(Type.Boolean()),
  },
  Closed,
);

export const ChannelPairingApproveResultSchema = Type.Object(
  {
    requestId: Type.String(),
    senderId: Type.String(),
    notification: Type.Union([Type.Literal('not-requested'), Type.Literal('sent'), Type.Literal('unsupported'), Type.Literal('failed')]),
    commandOwnerBootstrap: Type.Union([Type.Literal('not-requested'), Type.Literal('configured'), Type.Literal('already-configured'), Type.Literal('unavailable')]),
    commandOwner: Type.Optional(Type.String()),
  },
  Open,
);
export type ChannelPairingApproveResult = Static<typeof ChannelPairingApproveResultSchema>;

export const channelsPairingApprove = defineContract({ name: 'channels.pairing.approve', access: 'operator.pairing', params: ChannelPairingApproveParamsSchema, result: ChannelPairingApproveResultSchema });

export const ChannelPairingDismissParamsSchema = Type.Object({ channel: NonEmpty, accountId: Type.Optional(NonEmpty), requestId: NonEmpty }, Closed);
export const channelsPairingDismiss = defineContract({
  name: 'channels.pairing.dismiss',
  access: 'operator.pairing',
  params: ChannelPairingDismissParamsSchema,
  result: Type.Object({ requestId: Type.String(), dismissed: Type.Boolean() }, Open),
});

export const CHANNELS_CONTRACTS = [channelsStatus, channelsStart, channelsStop, channelsPairingList, channelsPairingApprove, channelsPairingDismiss] as const;

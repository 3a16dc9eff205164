/**
 * @module protocol/events/core — the events the gateway core emits (transport, presence, pairing, nodes).
 *
 * The order here is the order advertised in `hello-ok.features.events`; features' events follow.
 */
import Type from 'typebox';
import { PresenceEntrySchema } from '../frames.js';
import { HealthSummarySchema } from '../methods/system.js';
import { NodeInvokeRequestEventSchema, NodePendingSurfaceSchema } from '../methods/node.js';
import { defineEvent } from './define.js';

const Ms = Type.Integer({ minimum: 0 });
const NonEmptyString = Type.String({ minLength: 1 });
/** Pairing payloads carry the request record as stored; only the fields every reader needs are pinned. */
const Open = { additionalProperties: true } as const;

/** Sent as soon as a socket opens, before auth, without a `seq` (OpenClaw). */
export const connectChallengeEvent = defineEvent({
  name: 'connect.challenge',
  scope: null,
  payload: Type.Object({ nonce: NonEmptyString, ts: Ms }),
  delivery: 'direct',
});

export const tickEvent = defineEvent({
  name: 'tick',
  scope: null,
  payload: Type.Object({ ts: Ms }),
  delivery: 'broadcast',
  toNodes: true,
  dropIfSlow: true,
});

export const presenceEvent = defineEvent({
  name: 'presence',
  scope: null,
  payload: Type.Object({ presence: Type.Array(PresenceEntrySchema) }),
  delivery: 'broadcast',
  dropIfSlow: true,
});

/** The health snapshot, broadcast when its summary changes (see gateway/health-broadcaster.ts). */
export const healthEvent = defineEvent({
  name: 'health',
  scope: null,
  payload: HealthSummarySchema,
  delivery: 'broadcast',
  toNodes: true,
  dropIfSlow: true,
});

export const shutdownEvent = defineEvent({
  name: 'shutdown',
  scope: null,
  payload: Type.Object({ reason: Type.String(), restartExpectedMs: Type.Optional(Ms) }),
  delivery: 'broadcast',
  toNodes: true,
});

// Pairing events carry device ids, keys and addresses: pairing managers only (OpenClaw broadcast scoping).
export const devicePairRequestedEvent = defineEvent({
  name: 'device.pair.requested',
  scope: 'operator.pairing',
  payload: Type.Object({ requestId: NonEmptyString, deviceId: NonEmptyString, ts: Ms }, Open),
  delivery: 'broadcast',
});

export const devicePairResolvedEvent = defineEvent({
  name: 'device.pair.resolved',
  scope: 'operator.pairing',
  payload: Type.Object({ requestId: NonEmptyString, deviceId: NonEmptyString, decision: Type.Union([Type.Literal('approved'), Type.Literal('rejected')]), ts: Ms }),
  delivery: 'broadcast',
});

export const nodePairRequestedEvent = defineEvent({
  name: 'node.pair.requested',
  scope: 'operator.pairing',
  payload: NodePendingSurfaceSchema,
  delivery: 'broadcast',
});

export const nodePairResolvedEvent = defineEvent({
  name: 'node.pair.resolved',
  scope: 'operator.pairing',
  payload: Type.Object({
    requestId: NonEmptyString,
    nodeId: NonEmptyString,
    decision: Type.Union(['approved', 'rejected', 'superseded', 'expired'].map((d) => Type.Literal(d))),
    ts: Ms,
  }),
  delivery: 'broadcast',
});

export const nodePresenceEvent = defineEvent({
  name: 'node.presence',
  scope: 'operator.read',
  payload: Type.Object({
    nodeId: NonEmptyString,
    displayName: Type.Optional(Type.String()),
    connected: Type.Boolean(),
    reason: Type.Union([Type.Literal('connect'), Type.Literal('disconnect'), Type.Literal('alive')]),
    ts: Ms,
  }),
  delivery: 'broadcast',
});

/** Sent only to the target node's socket. */
export const nodeInvokeRequestEvent = defineEvent({
  name: 'node.invoke.request',
  scope: null,
  payload: NodeInvokeRequestEventSchema,
  delivery: 'direct',
  toNodes: true,
});

/** Every core event, in advertised order. */
export const CORE_EVENTS = [
  connectChallengeEvent,
  tickEvent,
  presenceEvent,
  healthEvent,
  shutdownEvent,
  devicePairRequestedEvent,
  devicePairResolvedEvent,
  nodePairRequestedEvent,
  nodePairResolvedEvent,
  nodePresenceEvent,
  nodeInvokeRequestEvent,
] as const;

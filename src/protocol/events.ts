/** @module protocol/events — the events the gateway emits and the scope each needs to be delivered. */
import type { OperatorScope } from './scopes.js';

/**
 * Event name → the operator scope a connection needs to receive it; `null` means any authenticated
 * connection (transport and status events, as in OpenClaw's broadcast scoping). Events not listed
 * here are fail-closed: only `operator.admin` receives them.
 */
export const EVENT_SCOPES = {
  'connect.challenge': null,
  tick: null,
  // Presence lists other clients' addresses, device ids and scopes: readers only (security hole 6).
  presence: 'operator.read',
  health: null,
  shutdown: null,
  // Pairing events carry device ids, keys and addresses: pairing managers only (OpenClaw broadcast scoping).
  'device.pair.requested': 'operator.pairing',
  'device.pair.resolved': 'operator.pairing',
  'node.pair.requested': 'operator.pairing',
  'node.pair.resolved': 'operator.pairing',
  'node.presence': 'operator.read',
} as const satisfies Record<string, OperatorScope | null>;

export type GatewayEventName = keyof typeof EVENT_SCOPES;

/**
 * Broadcast events a `node` connection receives. Nodes act on their own `node.invoke.request`, not on
 * other clients' presence; sending every presence change to every node made each connect cost
 * O(nodes²) serialized entries (1,000 nodes stalled the gateway for minutes in bench/nodes.ts).
 */
export const NODE_BROADCAST_EVENTS: ReadonlySet<string> = new Set(['tick', 'shutdown', 'health']);

/** Events sent to one connection only, never broadcast (so they need no scope entry). */
export const DIRECT_EVENTS = ['node.invoke.request'] as const;

/** Every event name Clawgate may emit, advertised in `hello-ok.features.events`. */
export const GATEWAY_EVENTS = [...Object.keys(EVENT_SCOPES), ...DIRECT_EVENTS] as (GatewayEventName | (typeof DIRECT_EVENTS)[number])[];

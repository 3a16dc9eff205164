/** @module gateway/hello — the `hello-ok` payload a successful `connect` answers with. */
import { CLAWGATE_VERSION, scopeSatisfies, type HelloOk, type PresenceEntry, type StateVersion } from '../protocol/index.js';
import type { AcceptedConnect } from './handshake.js';
import type { GatewaySettings } from './settings.js';

export interface HelloInput {
  connId: string;
  bootId: string;
  accepted: AcceptedConnect;
  settings: GatewaySettings;
  configPath: string;
  methods: string[];
  /** Declared events (core, then features'), for `features.events`. */
  events: string[];
  presence: PresenceEntry[];
  health: unknown;
  stateVersion: StateVersion;
  uptimeMs: number;
  /** From the agent feature when one is plugged in; OpenClaw's defaults otherwise. */
  sessionDefaults?: NonNullable<HelloOk['snapshot']['sessionDefaults']>;
}

/** OpenClaw's session defaults for a gateway with one `main` agent. */
const DEFAULT_SESSION_DEFAULTS = { defaultAgentId: 'main', mainKey: 'main', mainSessionKey: 'agent:main:main', scope: 'per-sender' };

/** Builds `hello-ok`: protocol, server, features, snapshot, the granted auth, and the limits to respect. */
export function buildHelloOk(input: HelloInput): HelloOk {
  const { accepted, settings } = input;
  const hello: HelloOk = {
    type: 'hello-ok',
    protocol: accepted.protocol,
    server: { version: CLAWGATE_VERSION, connId: input.connId, bootId: input.bootId },
    features: { methods: input.methods, events: input.events },
    snapshot: {
      // Other clients' addresses, device ids and scopes are for readers; others see the gateway's own entry.
      presence: canSeePresence(accepted) ? input.presence : input.presence.filter((entry) => entry.reason === 'self'),
      health: input.health,
      stateVersion: input.stateVersion,
      uptimeMs: Math.max(0, input.uptimeMs),
      sessionDefaults: input.sessionDefaults ?? DEFAULT_SESSION_DEFAULTS,
    },
    auth: { role: accepted.role, scopes: accepted.scopes },
    policy: { maxPayload: settings.maxPayloadBytes, maxBufferedBytes: settings.maxBufferedBytes, tickIntervalMs: settings.tickIntervalMs },
  };
  if (accepted.deviceToken !== undefined) {
    hello.auth.deviceToken = accepted.deviceToken.token;
    hello.auth.issuedAtMs = accepted.deviceToken.issuedAtMs;
  }
  // Paths and auth mode are configuration details: admins only, as in OpenClaw.
  if (accepted.role === 'operator' && scopeSatisfies(accepted.scopes, 'operator.admin')) {
    hello.snapshot.authMode = settings.auth.mode;
    hello.snapshot.configPath = input.configPath;
    hello.snapshot.stateDir = settings.paths.stateDir;
  }
  return hello;
}

/** A hello-ok response whose presence list is bytes shared by every connect (sent as one fragmented message). */
export interface SplicedHelloResponse {
  /** The frame text up to `"presence":`. */
  head: string;
  /** The serialized presence list. */
  presence: Buffer;
  /** The rest of the frame text. */
  tail: string;
}

/**
 * Splits the hello-ok response frame around its presence list, so the registry's cached serialization
 * is sent instead of serializing the list again for every connect. `hello` must have been built with
 * an empty presence list; a JSON string value cannot contain the unescaped marker.
 */
export function spliceHelloResponse(requestId: string, hello: HelloOk, presence: Buffer): SplicedHelloResponse {
  const text = JSON.stringify({ type: 'res', id: requestId, ok: true, payload: hello });
  const at = text.indexOf(EMPTY_PRESENCE_MARKER) + EMPTY_PRESENCE_MARKER.length - 2;
  return { head: text.slice(0, at), presence, tail: text.slice(at + 2) };
}

const EMPTY_PRESENCE_MARKER = '"snapshot":{"presence":[]';

/** The `presence` event's scope rule (protocol/events/core.ts) applied to the hello-ok snapshot. */
export function canSeePresence(accepted: AcceptedConnect): boolean {
  return accepted.role === 'operator' && scopeSatisfies(accepted.scopes, 'operator.read');
}

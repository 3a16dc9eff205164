/**
 * @module protocol/frames — the JSON frames on the wire and the handshake payloads.
 *
 * Shapes follow OpenClaw's published `@openclaw/gateway-protocol` schema (protocol v4): closed
 * objects, a frame union discriminated on `type`. test/compat/schema-conformance.test.ts checks
 * what we send against that package's protocol.schema.json.
 */
import Type, { type Static } from 'typebox';

const NonEmptyString = Type.String({ minLength: 1 });
const Closed = { additionalProperties: false } as const;

export const ErrorShapeSchema = Type.Object(
  {
    code: NonEmptyString,
    message: NonEmptyString,
    details: Type.Optional(Type.Unknown()),
    retryable: Type.Optional(Type.Boolean()),
    retryAfterMs: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  Closed,
);

export const RequestFrameSchema = Type.Object(
  {
    type: Type.Literal('req'),
    id: NonEmptyString,
    method: NonEmptyString,
    params: Type.Optional(Type.Unknown()),
    traceparent: Type.Optional(Type.String({ maxLength: 128 })),
  },
  Closed,
);
export type RequestFrame = Static<typeof RequestFrameSchema>;

export const ResponseFrameSchema = Type.Object(
  {
    type: Type.Literal('res'),
    id: NonEmptyString,
    ok: Type.Boolean(),
    payload: Type.Optional(Type.Unknown()),
    error: Type.Optional(ErrorShapeSchema),
  },
  Closed,
);
export type ResponseFrame = Static<typeof ResponseFrameSchema>;

export const StateVersionSchema = Type.Object(
  { presence: Type.Integer({ minimum: 0 }), health: Type.Integer({ minimum: 0 }) },
  Closed,
);
export type StateVersion = Static<typeof StateVersionSchema>;

export const EventFrameSchema = Type.Object(
  {
    type: Type.Literal('event'),
    event: NonEmptyString,
    payload: Type.Optional(Type.Unknown()),
    seq: Type.Optional(Type.Integer({ minimum: 0 })),
    stateVersion: Type.Optional(StateVersionSchema),
  },
  Closed,
);
export type EventFrame = Static<typeof EventFrameSchema>;

/** Every frame either side may send. */
export const GatewayFrameSchema = Type.Union([RequestFrameSchema, ResponseFrameSchema, EventFrameSchema]);
export type GatewayFrame = Static<typeof GatewayFrameSchema>;

/** Client ids OpenClaw accepts in `connect.params.client.id` (closed enum in its schema). */
export const CLIENT_IDS = [
  'webchat-ui',
  'openclaw-control-ui',
  'openclaw-browser-copilot',
  'openclaw-tui',
  'webchat',
  'cli',
  'gateway-client',
  'openclaw-macos',
  'openclaw-linux',
  'openclaw-ios',
  'openclaw-watchos',
  'openclaw-android',
  'node-host',
  'openclaw-worker',
  'test',
  'fingerprint',
  'openclaw-probe',
] as const;

/** Client modes OpenClaw accepts in `connect.params.client.mode`. */
export const CLIENT_MODES = ['webchat', 'cli', 'ui', 'backend', 'node', 'worker', 'probe', 'test'] as const;

export const ClientInfoSchema = Type.Object(
  {
    id: Type.Enum(CLIENT_IDS),
    displayName: Type.Optional(NonEmptyString),
    version: NonEmptyString,
    buildId: Type.Optional(Type.String({ minLength: 1, maxLength: 96 })),
    platform: NonEmptyString,
    deviceFamily: Type.Optional(NonEmptyString),
    modelIdentifier: Type.Optional(NonEmptyString),
    timeZone: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    mode: Type.Enum(CLIENT_MODES),
    instanceId: Type.Optional(NonEmptyString),
  },
  Closed,
);
export type ClientInfo = Static<typeof ClientInfoSchema>;

export const DeviceProofSchema = Type.Object(
  {
    id: NonEmptyString,
    publicKey: NonEmptyString,
    signature: NonEmptyString,
    signedAt: Type.Integer({ minimum: 0 }),
    nonce: NonEmptyString,
  },
  Closed,
);
export type DeviceProof = Static<typeof DeviceProofSchema>;

export const ConnectAuthSchema = Type.Object(
  {
    token: Type.Optional(Type.String()),
    bootstrapToken: Type.Optional(Type.String()),
    deviceToken: Type.Optional(Type.String()),
    password: Type.Optional(Type.String()),
    approvalRuntimeToken: Type.Optional(Type.String()),
    agentRuntimeIdentityToken: Type.Optional(Type.String()),
  },
  Closed,
);
export type ConnectAuth = Static<typeof ConnectAuthSchema>;

/** `connect` params (closed, as in OpenClaw's schema; `computerUse`/`workerRuns` accepted and ignored). */
export const ConnectParamsSchema = Type.Object(
  {
    minProtocol: Type.Integer({ minimum: 1 }),
    maxProtocol: Type.Integer({ minimum: 1 }),
    client: ClientInfoSchema,
    caps: Type.Optional(Type.Array(NonEmptyString)),
    commands: Type.Optional(Type.Array(NonEmptyString)),
    computerUse: Type.Optional(Type.Unknown()),
    workerRuns: Type.Optional(Type.Unknown()),
    permissions: Type.Optional(Type.Record(Type.String(), Type.Boolean())),
    pathEnv: Type.Optional(Type.String()),
    role: Type.Optional(NonEmptyString),
    scopes: Type.Optional(Type.Array(NonEmptyString)),
    device: Type.Optional(DeviceProofSchema),
    auth: Type.Optional(ConnectAuthSchema),
    locale: Type.Optional(Type.String()),
    userAgent: Type.Optional(Type.String()),
  },
  Closed,
);
export type ConnectParams = Static<typeof ConnectParamsSchema>;

export const PresenceEntrySchema = Type.Object(
  {
    host: Type.Optional(NonEmptyString),
    ip: Type.Optional(NonEmptyString),
    version: Type.Optional(NonEmptyString),
    platform: Type.Optional(NonEmptyString),
    deviceFamily: Type.Optional(NonEmptyString),
    modelIdentifier: Type.Optional(NonEmptyString),
    mode: Type.Optional(NonEmptyString),
    reason: Type.Optional(NonEmptyString),
    tags: Type.Optional(Type.Array(NonEmptyString)),
    text: Type.Optional(Type.String()),
    ts: Type.Integer({ minimum: 0 }),
    onlineSince: Type.Optional(Type.Integer({ minimum: 0 })),
    deviceId: Type.Optional(NonEmptyString),
    roles: Type.Optional(Type.Array(NonEmptyString)),
    scopes: Type.Optional(Type.Array(NonEmptyString)),
    instanceId: Type.Optional(NonEmptyString),
  },
  Closed,
);
export type PresenceEntry = Static<typeof PresenceEntrySchema>;

export const AUTH_MODES = ['none', 'token', 'password'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

/** `hello-ok`, the payload of a successful `connect` response. */
export interface HelloOk {
  type: 'hello-ok';
  protocol: number;
  server: { version: string; connId: string; bootId?: string };
  features: { methods: string[]; events: string[]; capabilities?: string[] };
  snapshot: {
    presence: PresenceEntry[];
    health: unknown;
    stateVersion: StateVersion;
    uptimeMs: number;
    authMode?: AuthMode;
    configPath?: string;
    stateDir?: string;
    sessionDefaults?: { defaultAgentId: string; mainKey: string; mainSessionKey: string; scope?: string; modelConfigured?: boolean; ownership?: 'sole' | 'legacy' | 'explicit'; selectionRequired?: boolean };
  };
  auth: { role: string; scopes: string[]; deviceToken?: string; issuedAtMs?: number };
  policy: { maxPayload: number; maxBufferedBytes: number; tickIntervalMs: number };
}

/** `connect.challenge` event payload, sent as soon as a socket opens. */
export interface ConnectChallenge {
  nonce: string;
  ts: number;
}

/** `tick` event payload. */
export interface TickPayload {
  ts: number;
}

/** `shutdown` event payload, broadcast before sockets close. */
export interface ShutdownPayload {
  reason: string;
  restartExpectedMs?: number;
}

/** OpenClaw's `deviceFamily` for a Node.js `os.platform()` value (`Mac`, `Windows`, else `Linux`). */
export function deviceFamilyFor(platform: string): string {
  switch (platform) {
    case 'darwin':
      return 'Mac';
    case 'win32':
      return 'Windows';
    default:
      return 'Linux';
  }
}

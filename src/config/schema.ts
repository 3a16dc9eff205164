/**
 * @module config/schema — the strict schema of clawgate.json and its defaults.
 *
 * Every object is closed: an unknown key stops the gateway with the exact path and a suggestion
 * (see load.ts). Keys mirror OpenClaw's `gateway.*` names so a config reads the same in both.
 */
import Type, { type Static } from 'typebox';

const Closed = { additionalProperties: false } as const;

export const BIND_MODES = ['loopback', 'lan', 'tailnet', 'custom', 'auto'] as const;
export type BindMode = (typeof BIND_MODES)[number];

export const GATEWAY_MODES = ['local', 'remote'] as const;
export type GatewayMode = (typeof GATEWAY_MODES)[number];

export const CONFIG_AUTH_MODES = ['none', 'token', 'password'] as const;

const Port = Type.Integer({ minimum: 1, maximum: 65535 });

export const GatewayAuthConfigSchema = Type.Object(
  {
    mode: Type.Optional(Type.Enum(CONFIG_AUTH_MODES)),
    token: Type.Optional(Type.String({ minLength: 1 })),
    password: Type.Optional(Type.String({ minLength: 1 })),
    allowTailscale: Type.Optional(Type.Boolean()),
    rateLimit: Type.Optional(
      Type.Object(
        {
          /** Default true: turning it off lets anyone who can reach the port guess the secret at full speed. */
          enabled: Type.Optional(Type.Boolean()),
          maxAttempts: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
          windowMs: Type.Optional(Type.Integer({ minimum: 1000, maximum: 86_400_000 })),
          lockoutMs: Type.Optional(Type.Integer({ minimum: 1000, maximum: 86_400_000 })),
        },
        Closed,
      ),
    ),
  },
  Closed,
);

/** Browser (Control UI) access: which origins and Host names may open a WebSocket. */
export const GatewayControlUiConfigSchema = Type.Object(
  {
    /** Extra origins allowed besides same-origin, e.g. `https://gw.example.com`; `"*"` allows every page (unsafe). */
    allowedOrigins: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
    /** Extra `Host` names (`name` or `name:port`) a browser may use, e.g. a reverse proxy's name. */
    allowedHosts: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
  },
  Closed,
);

export const GatewayRemoteConfigSchema = Type.Object(
  {
    url: Type.Optional(Type.String({ minLength: 1 })),
    token: Type.Optional(Type.String({ minLength: 1 })),
    password: Type.Optional(Type.String({ minLength: 1 })),
    tlsFingerprint: Type.Optional(Type.String({ minLength: 1 })),
  },
  Closed,
);

/** `gateway.nodes`: which node commands `node.invoke` may relay (deny always wins over allow). */
export const GatewayNodesConfigSchema = Type.Object(
  {
    commands: Type.Optional(
      Type.Object(
        {
          /** Extra commands allowed (exact names, or a `prefix.*` wildcard); needed for dangerous ones like camera.snap. */
          allow: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
          /** Commands never relayed, even when declared and approved. */
          deny: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
        },
        Closed,
      ),
    ),
  },
  Closed,
);

export const GatewayConfigSchema = Type.Object(
  {
    port: Type.Optional(Port),
    bind: Type.Optional(Type.Enum(BIND_MODES)),
    customBindHost: Type.Optional(Type.String({ minLength: 1 })),
    mode: Type.Optional(Type.Enum(GATEWAY_MODES)),
    auth: Type.Optional(GatewayAuthConfigSchema),
    remote: Type.Optional(GatewayRemoteConfigSchema),
    controlUi: Type.Optional(GatewayControlUiConfigSchema),
    /** IPs or CIDRs of reverse proxies whose forwarded headers are believed. */
    trustedProxies: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
    handshakeTimeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 120_000 })),
    tickIntervalMs: Type.Optional(Type.Integer({ minimum: 1000, maximum: 600_000 })),
    maxPayloadBytes: Type.Optional(Type.Integer({ minimum: 65_536, maximum: 256 * 1024 * 1024 })),
    maxBufferedBytes: Type.Optional(Type.Integer({ minimum: 65_536, maximum: 1024 * 1024 * 1024 })),
    nodes: Type.Optional(GatewayNodesConfigSchema),
  },
  Closed,
);

export const LoggingConfigSchema = Type.Object(
  {
    level: Type.Optional(
      Type.Enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    ),
  },
  Closed,
);

export const ClawgateConfigSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    gateway: Type.Optional(GatewayConfigSchema),
    logging: Type.Optional(LoggingConfigSchema),
  },
  Closed,
);

export type ClawgateConfig = Static<typeof ClawgateConfigSchema>;
export type GatewayConfig = Static<typeof GatewayConfigSchema>;

/** The default gateway port (OpenClaw's). */
export const DEFAULT_GATEWAY_PORT = 18789;

/** Config paths whose values are secrets: redacted in `config.get`, logs and CLI output. */
export const SECRET_CONFIG_PATHS = [
  'gateway.auth.token',
  'gateway.auth.password',
  'gateway.remote.token',
  'gateway.remote.password',
] as const;

/**
 * @module config/schema — the strict schema of clawgate.json and its defaults.
 *
 * Every object is closed: an unknown key stops the gateway with the exact path and a suggestion
 * (see load.ts). Keys mirror OpenClaw's `gateway.*` names so a config reads the same in both.
 */
import Type, { type Static } from 'typebox';
import { Secret, secretPathsOf } from './secrets.js';
import { AgentsConfigSchema, ModelsConfigSchema, ToolsConfigSchema } from './agent-schema.js';
import { ChannelsConfigSchema, CommandsConfigSchema, SessionConfigSchema } from './channels-schema.js';

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
    token: Type.Optional(Secret()),
    password: Type.Optional(Secret()),
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
    /** Serve the Control UI from the gateway's port (default true). */
    enabled: Type.Optional(Type.Boolean()),
    /** URL prefix of the Control UI, e.g. `/ui` (default `/`). */
    basePath: Type.Optional(Type.String({ pattern: '^/[A-Za-z0-9._~/-]*$', maxLength: 200 })),
  },
  Closed,
);

export const SSH_HOST_KEY_POLICIES = ['strict', 'openssh'] as const;
export type SshHostKeyPolicy = (typeof SSH_HOST_KEY_POLICIES)[number];

/** `gateway.remote.ssh`: reach a loopback-bound gateway through a supervised `ssh -N -L` tunnel. */
export const GatewayRemoteSshConfigSchema = Type.Object(
  {
    /** `user@host[:port]` (port = sshd port, default 22). */
    target: Type.String({ minLength: 1, maxLength: 512 }),
    /** Private key file passed as `-i` (with IdentitiesOnly=yes). */
    identity: Type.Optional(Type.String({ minLength: 1 })),
    /** known_hosts file passed as UserKnownHostsFile. */
    knownHostsFile: Type.Optional(Type.String({ minLength: 1 })),
    /** Gateway port on the remote host (default 18789). */
    remotePort: Type.Optional(Port),
    /** Preferred local port (default 18789; a free one is picked if it is taken). */
    localPort: Type.Optional(Port),
    /** strict: the host key must already be known; openssh: defer to the user's OpenSSH config. */
    hostKeyPolicy: Type.Optional(Type.Union(SSH_HOST_KEY_POLICIES.map((m) => Type.Literal(m)))),
  },
  Closed,
);

/** `gateway.tls`: HTTPS/WSS on the gateway port. */
export const GatewayTlsConfigSchema = Type.Object(
  {
    enabled: Type.Optional(Type.Boolean()),
    /** PEM certificate (default <stateDir>/tls/gateway-cert.pem). */
    certPath: Type.Optional(Type.String({ minLength: 1 })),
    /** PEM private key (default <stateDir>/tls/gateway-key.pem). */
    keyPath: Type.Optional(Type.String({ minLength: 1 })),
    /** Make a self-signed certificate on first start when the files are missing (default true). */
    autoGenerate: Type.Optional(Type.Boolean()),
  },
  Closed,
);

export const TAILSCALE_MODES = ['off', 'serve', 'funnel'] as const;
export type TailscaleMode = (typeof TAILSCALE_MODES)[number];

/** `gateway.tailscale`: expose the loopback gateway with `tailscale serve|funnel`. */
export const GatewayTailscaleConfigSchema = Type.Object(
  {
    mode: Type.Optional(Type.Union(TAILSCALE_MODES.map((m) => Type.Literal(m)))),
    /** Undo serve/funnel when the gateway stops (default true). */
    resetOnExit: Type.Optional(Type.Boolean()),
  },
  Closed,
);

export const GatewayRemoteConfigSchema = Type.Object(
  {
    url: Type.Optional(Type.String({ minLength: 1 })),
    token: Type.Optional(Secret()),
    password: Type.Optional(Secret()),
    tlsFingerprint: Type.Optional(Type.String({ minLength: 1 })),
    ssh: Type.Optional(GatewayRemoteSshConfigSchema),
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
    tls: Type.Optional(GatewayTlsConfigSchema),
    tailscale: Type.Optional(GatewayTailscaleConfigSchema),
    handshakeTimeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 120_000 })),
    tickIntervalMs: Type.Optional(Type.Integer({ minimum: 1000, maximum: 600_000 })),
    maxPayloadBytes: Type.Optional(Type.Integer({ minimum: 65_536, maximum: 256 * 1024 * 1024 })),
    maxBufferedBytes: Type.Optional(Type.Integer({ minimum: 65_536, maximum: 1024 * 1024 * 1024 })),
    /** All authenticated connections together (owner included); raise for very large fleets. */
    maxConnections: Type.Optional(Type.Integer({ minimum: 128, maximum: 65_536 })),
    nodes: Type.Optional(GatewayNodesConfigSchema),
    /** OpenClaw's `gateway.http.endpoints.chatCompletions.enabled`: the OpenAI-compatible endpoint (default off). */
    http: Type.Optional(
      Type.Object(
        { endpoints: Type.Optional(Type.Object({ chatCompletions: Type.Optional(Type.Object({ enabled: Type.Optional(Type.Boolean()) }, Closed)) }, Closed)) },
        Closed,
      ),
    ),
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

/** `discovery.mdns.mode`: auto (default) advertises when the bind is not loopback; minimal always; off never. */
export const DiscoveryConfigSchema = Type.Object(
  {
    mdns: Type.Optional(Type.Object({ mode: Type.Optional(Type.Enum(['off', 'minimal', 'auto'])) }, Closed)),
  },
  Closed,
);

export const ClawgateConfigSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    gateway: Type.Optional(GatewayConfigSchema),
    logging: Type.Optional(LoggingConfigSchema),
    discovery: Type.Optional(DiscoveryConfigSchema),
    models: Type.Optional(ModelsConfigSchema),
    agents: Type.Optional(AgentsConfigSchema),
    tools: Type.Optional(ToolsConfigSchema),
    channels: Type.Optional(ChannelsConfigSchema),
    session: Type.Optional(SessionConfigSchema),
    commands: Type.Optional(CommandsConfigSchema),
  },
  Closed,
);

export type ClawgateConfig = Static<typeof ClawgateConfigSchema>;
export type GatewayConfig = Static<typeof GatewayConfigSchema>;

/** The default gateway port (OpenClaw's). */
export const DEFAULT_GATEWAY_PORT = 18789;

/**
 * Config paths of the core schema whose values are secrets (derived from the `Secret()` marks):
 * redacted in `config.get`, logs and CLI output. Features' sections add theirs (see load.ts).
 */
export const SECRET_CONFIG_PATHS: readonly string[] = secretPathsOf(ClawgateConfigSchema);

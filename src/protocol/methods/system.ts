/** @module protocol/methods/system — params and results of health, status, system-presence, logs.tail, config.get. */
import Type, { type Static } from 'typebox';
import { PresenceEntrySchema } from '../frames.js';
import { LOGS_TAIL_MAX_BYTES, LOGS_TAIL_MAX_LINES } from '../limits.js';
import { defineContract } from '../contract.js';

const Closed = { additionalProperties: false } as const;

export const HealthParamsSchema = Type.Object({ probe: Type.Optional(Type.Boolean()) }, Closed);

/** Event-loop health, in OpenClaw's `HealthSummary.eventLoop` shape. */
export const EventLoopHealthSchema = Type.Object(
  {
    degraded: Type.Boolean(),
    degradedSinceMs: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
    reasons: Type.Array(Type.String()),
    intervalMs: Type.Number({ minimum: 0 }),
    delayP99Ms: Type.Number({ minimum: 0 }),
    delayMaxMs: Type.Number({ minimum: 0 }),
    utilization: Type.Number({ minimum: 0 }),
    cpuCoreRatio: Type.Number({ minimum: 0 }),
  },
  Closed,
);

/** The `health` result; a subset of OpenClaw's closed `HealthSummary`, so its CLI prints it as is. */
export const HealthSummarySchema = Type.Object(
  {
    ok: Type.Literal(true),
    ts: Type.Integer({ minimum: 0 }),
    durationMs: Type.Integer({ minimum: 0 }),
    eventLoop: EventLoopHealthSchema,
    channels: Type.Record(Type.String(), Type.Unknown()),
    channelOrder: Type.Array(Type.String()),
    channelLabels: Type.Record(Type.String(), Type.String()),
    heartbeatSeconds: Type.Integer({ minimum: 0 }),
    defaultAgentId: Type.String(),
    agents: Type.Array(Type.Unknown()),
    sessions: Type.Object(
      { path: Type.String(), count: Type.Integer({ minimum: 0 }), recent: Type.Array(Type.Unknown()) },
      Closed,
    ),
  },
  Closed,
);
export type HealthSummary = Static<typeof HealthSummarySchema>;

export const StatusParamsSchema = Type.Object({}, Closed);

export const StatusResultSchema = Type.Object(
  {
    ok: Type.Literal(true),
    ts: Type.Integer({ minimum: 0 }),
    gateway: Type.Object(
      {
        version: Type.String(),
        protocol: Type.Integer(),
        pid: Type.Integer(),
        uptimeMs: Type.Integer({ minimum: 0 }),
        bind: Type.String(),
        addresses: Type.Array(Type.String()),
        port: Type.Integer(),
        tls: Type.Boolean(),
        authMode: Type.String(),
        /** SHA-256 of the certificate DER, 64 lowercase hex (only when tls is true). */
        tlsFingerprint: Type.Optional(Type.String({ pattern: '^[0-9a-f]{64}$' })),
        /** Startup warnings (e.g. tailnet bind without a tailnet address). */
        warnings: Type.Optional(Type.Array(Type.String())),
        /** Tailscale Serve/Funnel state when the gateway manages it. */
        tailscale: Type.Optional(Type.Object({ mode: Type.String(), url: Type.Optional(Type.String()) }, Closed)),
      },
      Closed,
    ),
    connections: Type.Object(
      { total: Type.Integer({ minimum: 0 }), operators: Type.Integer({ minimum: 0 }), nodes: Type.Integer({ minimum: 0 }) },
      Closed,
    ),
    memory: Type.Object({ rssBytes: Type.Integer({ minimum: 0 }), heapUsedBytes: Type.Integer({ minimum: 0 }) }, Closed),
    channels: Type.Array(Type.Unknown()),
    sessions: Type.Object({ count: Type.Integer({ minimum: 0 }) }, Closed),
  },
  Closed,
);
export type StatusResult = Static<typeof StatusResultSchema>;

export const SystemPresenceParamsSchema = Type.Object({}, Closed);
export const SystemPresenceResultSchema = Type.Array(PresenceEntrySchema);

export const LogsTailParamsSchema = Type.Object(
  {
    cursor: Type.Optional(Type.Integer({ minimum: 0 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: LOGS_TAIL_MAX_LINES })),
    maxBytes: Type.Optional(Type.Integer({ minimum: 1, maximum: LOGS_TAIL_MAX_BYTES })),
  },
  Closed,
);
export type LogsTailParams = Static<typeof LogsTailParamsSchema>;

export const LogsTailResultSchema = Type.Object(
  {
    file: Type.String({ minLength: 1 }),
    cursor: Type.Integer({ minimum: 0 }),
    size: Type.Integer({ minimum: 0 }),
    lines: Type.Array(Type.String()),
    truncated: Type.Optional(Type.Boolean()),
    reset: Type.Optional(Type.Boolean()),
  },
  Closed,
);
export type LogsTailResult = Static<typeof LogsTailResultSchema>;

/** `logs.tail`: pages through the gateway's own log, redacted. */
export const logsTail = defineContract({
  name: 'logs.tail',
  access: 'operator.read',
  params: LogsTailParamsSchema,
  result: LogsTailResultSchema,
});

export const ConfigGetParamsSchema = Type.Object({}, Closed);
export const ConfigGetResultSchema = Type.Object(
  {
    path: Type.String(),
    exists: Type.Boolean(),
    hash: Type.String(),
    config: Type.Record(Type.String(), Type.Unknown()),
    valid: Type.Boolean(),
  },
  Closed,
);
export type ConfigGetResult = Static<typeof ConfigGetResultSchema>;

/** `health`: the gateway's health snapshot (`probe: true` runs a live probe first). */
export const health = defineContract({ name: 'health', access: 'operator.read', params: HealthParamsSchema, result: HealthSummarySchema });

/** `status`: where the gateway listens, its auth mode, connections and memory. */
export const status = defineContract({ name: 'status', access: 'operator.read', params: StatusParamsSchema, result: StatusResultSchema });

/** `system-presence`: the presence list (OpenClaw's legacy dash-spelled name). */
export const systemPresence = defineContract({
  name: 'system-presence',
  access: 'operator.read',
  params: SystemPresenceParamsSchema,
  result: SystemPresenceResultSchema,
});

/**
 * `config.get`: the running config with every secret redacted. operator.read, as OpenClaw's published
 * method table has it (its CLI's read probe calls config.get): reading it reveals no credential.
 */
export const configGet = defineContract({ name: 'config.get', access: 'operator.read', params: ConfigGetParamsSchema, result: ConfigGetResultSchema });

/** The system family (health, status, presence, logs, config), for tables and tests. */
export const SYSTEM_CONTRACTS = [health, status, systemPresence, logsTail, configGet] as const;

/** @module gateway/methods/system — `health`, `status`, `system-presence`. */
import { memoryUsage } from 'node:process';
import {
  HealthParamsSchema,
  HealthSummarySchema,
  PROTOCOL_VERSION,
  StatusParamsSchema,
  StatusResultSchema,
  type StatusResult,
  SystemPresenceParamsSchema,
  SystemPresenceResultSchema,
} from '../../protocol/index.js';
import { defineMethod } from '../method-registry.js';

function tailscaleField(info: { mode: string; url?: string } | undefined): { tailscale?: { mode: string; url?: string } } {
  if (info === undefined) return {};
  return { tailscale: info.url === undefined ? { mode: info.mode } : { mode: info.mode, url: info.url } };
}

export const systemMethods = [
  defineMethod({
    name: 'health',
    access: 'operator.read',
    params: HealthParamsSchema,
    result: HealthSummarySchema,
    handler: (_params, { services }) => services.health.snapshot(),
  }),
  defineMethod({
    name: 'status',
    access: 'operator.read',
    params: StatusParamsSchema,
    result: StatusResultSchema,
    handler: (_params, { services }) => {
      const { runtime } = services;
      const memory = memoryUsage();
      const nowMs = services.now();
      const result: StatusResult = {
        ok: true as const,
        ts: nowMs,
        gateway: {
          version: runtime.version,
          protocol: PROTOCOL_VERSION,
          pid: runtime.pid,
          uptimeMs: Math.max(0, nowMs - runtime.startedAtMs()),
          bind: runtime.bind,
          addresses: runtime.addresses(),
          port: runtime.port(),
          tls: runtime.tls,
          authMode: runtime.authMode,
          ...(runtime.tlsFingerprint === undefined ? {} : { tlsFingerprint: runtime.tlsFingerprint }),
          ...(runtime.warnings.length === 0 ? {} : { warnings: [...runtime.warnings] }),
          ...tailscaleField(runtime.tailscale()),
        },
        connections: runtime.connectionCounts(),
        memory: { rssBytes: memory.rss, heapUsedBytes: memory.heapUsed },
        channels: [],
        sessions: { count: 0 },
      };
      services.contributeStatus(result);
      return result;
    },
  }),
  defineMethod({
    name: 'system-presence',
    access: 'operator.read',
    params: SystemPresenceParamsSchema,
    result: SystemPresenceResultSchema,
    handler: (_params, { services }) => services.presence.list(),
  }),
];

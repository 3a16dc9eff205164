/** @module gateway/methods/system — `health`, `status`, `system-presence`. */
import { memoryUsage } from 'node:process';
import {
  health,
  PROTOCOL_VERSION,
  status,
  systemPresence,
  type StatusResult,
} from '../../protocol/index.js';
import { implement } from '../method-registry.js';

function tailscaleField(info: { mode: string; url?: string } | undefined): { tailscale?: { mode: string; url?: string } } {
  if (info === undefined) return {};
  return { tailscale: info.url === undefined ? { mode: info.mode } : { mode: info.mode, url: info.url } };
}

export const systemMethods = [
  implement(health, (_params, { services }) => services.health.snapshot()),
  implement(status, (_params, { services }) => {
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
  }),
  implement(systemPresence, (_params, { services }) => services.presence.list()),
];

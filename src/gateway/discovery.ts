/**
 * @module gateway/discovery — mDNS / DNS-SD advertising of `_openclaw-gw._tcp` (OpenClaw's service
 * type) with `@homebridge/ciao`, which OpenClaw uses too. Loaded only when it advertises.
 *
 * On when the bind is not loopback-only and `discovery.mdns.mode` is `auto` (the default), or when the
 * mode is `minimal`; never with `off`. The TXT record is minimal on purpose: role, transport, port and
 * whether TLS is on. No TLS fingerprint (a discovery answer is unauthenticated and must never become a
 * pin), no paths, usernames, SSH ports or tailnet names (OpenClaw's "full" mode leaked those).
 */
import { hostname, networkInterfaces } from 'node:os';
import type { Logger } from '../logging/index.js';
import type { GatewaySettings } from './settings.js';

/** DNS-SD service type, without the leading underscore ciao adds: `_openclaw-gw._tcp`. */
export const MDNS_SERVICE_TYPE = 'openclaw-gw';
export const MDNS_MODES = ['off', 'minimal', 'auto'] as const;
export type MdnsMode = (typeof MDNS_MODES)[number];

export interface DiscoveryOptions {
  mode?: MdnsMode | undefined;
  /** The port actually bound (settings.port may be 0). */
  port: number;
  isTls: boolean;
  /** Instance name (default `Clawgate on <short hostname>`). */
  instanceName?: string;
}

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '']);
const LOOPBACK_HOST = /^(127\.|::1$|localhost$)/;

/** True when the gateway should advertise itself for this mode and bind. */
export function shouldAdvertise(mode: MdnsMode, settings: Pick<GatewaySettings, 'bind' | 'listenHosts'>): boolean {
  if (mode === 'off') return false;
  if (mode === 'minimal') return true;
  // Tailnets carry no multicast: advertising a tailnet bind on the LAN would point at nothing.
  if (settings.bind === 'tailnet') return false;
  return settings.listenHosts.some((entry) => !LOOPBACK_HOST.test(entry.host));
}

/** The TXT record: hints only, nothing a client may trust (it routes by SRV + A/AAAA). */
export function discoveryTxt(options: Pick<DiscoveryOptions, 'port' | 'isTls'>): Record<string, string> {
  return { role: 'gateway', transport: 'gateway', gatewayPort: String(options.port), ...(options.isTls ? { gatewayTls: '1' } : {}) };
}

/**
 * The interface names to advertise on: every non-internal one for a wildcard bind, else the ones that
 * carry a bound address (pure; exported for tests).
 */
export function advertisingInterfaces(hosts: readonly string[], interfaces: ReturnType<typeof networkInterfaces>): string[] {
  const isWildcard = hosts.some((host) => WILDCARD_HOSTS.has(host));
  return Object.entries(interfaces)
    .filter(([, entries]) => (entries ?? []).some((entry) => !entry.internal && (isWildcard || hosts.includes(entry.address))))
    .map(([name]) => name)
    .sort();
}

/**
 * Starts advertising when the mode and bind call for it; resolves with a stop hook (a no-op when
 * nothing was advertised). A failure to advertise is logged, never fatal: discovery is a convenience.
 */
export async function startDiscovery(settings: GatewaySettings, logger: Logger, options: DiscoveryOptions): Promise<() => Promise<void>> {
  const mode = options.mode ?? 'auto';
  if (!shouldAdvertise(mode, settings)) return async () => undefined;
  const interfaces = advertisingInterfaces(settings.listenHosts.map((entry) => entry.host), networkInterfaces());
  if (interfaces.length === 0) {
    logger.warn({ hosts: settings.listenHosts.map((entry) => entry.host) }, 'mDNS: no network interface carries the bound address; not advertising');
    return async () => undefined;
  }
  const name = options.instanceName ?? `Clawgate on ${hostname().split('.')[0] ?? 'host'}`;
  try {
    const ciao = await import('@homebridge/ciao');
    // Interface names are passed explicitly: ciao's own Linux lookup parses `ip -o link` and drops
    // names such as `veth0@if9` (containers, namespaces), then advertises on nothing.
    const responder = (ciao.default ?? ciao).getResponder({ interface: interfaces });
    const service = responder.createService({ name, type: MDNS_SERVICE_TYPE, port: options.port, txt: discoveryTxt(options) });
    await service.advertise();
    logger.info({ type: `_${MDNS_SERVICE_TYPE}._tcp`, name: service.getFQDN(), port: options.port, mode }, 'mDNS: advertising the gateway on the local network');
    return async () => {
      await service.end().catch(() => undefined);
      await responder.shutdown().catch(() => undefined);
    };
  } catch (error) {
    logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'mDNS: could not advertise the gateway (discovery stays off)');
    return async () => undefined;
  }
}

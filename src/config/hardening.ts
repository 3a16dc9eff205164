/**
 * @module config/hardening — the browser, proxy and rate-limit settings, checked and defaulted.
 *
 * Entries that could never match (an origin without a scheme, a proxy that is not an IP or CIDR, a
 * host that is not `name[:port]`) are refused with the exact config path, so the gateway stops at
 * startup and `clawgate security audit` reports the same finding without loading the gateway.
 */
import { GatewayError } from '../protocol/index.js';
import type { ClawgateConfig } from './schema.js';
import { parseCidr, parseHostPort, type ParsedCidr } from './network-address.js';

export interface AuthRateLimitSettings {
  enabled: boolean;
  /** Wrong credentials allowed within `windowMs` (default 10). */
  maxAttempts: number;
  /** Sliding window for counting failures (default 60 000 ms). */
  windowMs: number;
  /** How long a client stays locked out (default 300 000 ms). */
  lockoutMs: number;
}

export const DEFAULT_AUTH_RATE_LIMIT: AuthRateLimitSettings = { enabled: true, maxAttempts: 10, windowMs: 60_000, lockoutMs: 300_000 };

/** The checked hardening config, before the gateway compiles the proxy list. */
export interface HardeningConfig {
  trustedProxies: string[];
  controlUi: { allowedOrigins: string[]; allowedHosts: string[] };
  authRateLimit: AuthRateLimitSettings;
}

/** Reads `gateway.trustedProxies`, `gateway.controlUi.*` and `gateway.auth.rateLimit`; throws `CONFIG_INVALID` naming a bad entry. */
export function resolveHardeningConfig(config: ClawgateConfig): HardeningConfig {
  const gateway = config.gateway ?? {};
  const allowedOrigins = gateway.controlUi?.allowedOrigins ?? [];
  const allowedHosts = gateway.controlUi?.allowedHosts ?? [];
  allowedOrigins.forEach((origin, index) => checkOrigin(origin, index));
  allowedHosts.forEach((host, index) => {
    if (parseHostPort(host) === undefined) {
      throw new GatewayError('CONFIG_INVALID', {
        path: `gateway.controlUi.allowedHosts[${index}]`,
        reason: `"${host}" is not a host name or host:port (e.g. gateway.example.com or gateway.example.com:8443)`,
      });
    }
  });
  const trustedProxies = gateway.trustedProxies ?? [];
  for (const entry of trustedProxies) parseTrustedProxy(entry);
  const rateLimit = gateway.auth?.rateLimit ?? {};
  return {
    trustedProxies: [...trustedProxies],
    controlUi: { allowedOrigins: [...allowedOrigins], allowedHosts: [...allowedHosts] },
    authRateLimit: {
      enabled: rateLimit.enabled ?? DEFAULT_AUTH_RATE_LIMIT.enabled,
      maxAttempts: rateLimit.maxAttempts ?? DEFAULT_AUTH_RATE_LIMIT.maxAttempts,
      windowMs: rateLimit.windowMs ?? DEFAULT_AUTH_RATE_LIMIT.windowMs,
      lockoutMs: rateLimit.lockoutMs ?? DEFAULT_AUTH_RATE_LIMIT.lockoutMs,
    },
  };
}

/** One `gateway.trustedProxies` entry as a CIDR; throws `CONFIG_INVALID` naming it otherwise. */
export function parseTrustedProxy(entry: string): ParsedCidr {
  const parsed = parseCidr(entry);
  if (parsed === undefined) {
    throw new GatewayError('CONFIG_INVALID', {
      path: 'gateway.trustedProxies',
      reason: `"${entry}" is not an IP address or CIDR (e.g. 127.0.0.1, 10.0.0.0/8, ::1, fd00::/8)`,
    });
  }
  return parsed;
}

function checkOrigin(origin: string, index: number): void {
  if (origin.trim() === '*') return;
  let url: URL | undefined;
  try {
    url = new URL(origin.trim());
  } catch {
    url = undefined;
  }
  const isOrigin = url !== undefined && (url.protocol === 'http:' || url.protocol === 'https:') && (url.pathname === '/' || url.pathname === '') && url.search === '' && url.username === '';
  if (!isOrigin) {
    throw new GatewayError('CONFIG_INVALID', {
      path: `gateway.controlUi.allowedOrigins[${index}]`,
      reason: `"${origin}" is not an origin: write scheme://host[:port] with no path (e.g. https://gateway.example.com or http://localhost:5173)`,
    });
  }
}

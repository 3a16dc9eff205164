/**
 * @module gateway/hardening-settings — resolve and check the browser, proxy and rate-limit settings.
 *
 * Kept apart from settings.ts so the hardening layer stays one unit. Entries that could never match
 * (an origin without a scheme, a proxy that is not an IP or CIDR) stop the gateway at startup with the
 * exact path, instead of silently matching nothing.
 */
import type { ClawgateConfig } from '../config/index.js';
import { GatewayError } from '../protocol/index.js';
import { DEFAULT_AUTH_RATE_LIMIT, type AuthRateLimitSettings } from './pairing/auth-rate-limit.js';
import { parseHostPort } from './http/browser-access.js';
import { TrustedProxies } from './http/trusted-proxies.js';

export interface HardeningSettings {
  trustedProxies: TrustedProxies;
  controlUi: { allowedOrigins: string[]; allowedHosts: string[] };
  authRateLimit: AuthRateLimitSettings;
}

/** Reads `gateway.trustedProxies`, `gateway.controlUi.*` and `gateway.auth.rateLimit`, applying defaults. */
export function resolveHardeningSettings(config: ClawgateConfig): HardeningSettings {
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
  const rateLimit = gateway.auth?.rateLimit ?? {};
  return {
    trustedProxies: new TrustedProxies(gateway.trustedProxies ?? []),
    controlUi: { allowedOrigins: [...allowedOrigins], allowedHosts: [...allowedHosts] },
    authRateLimit: {
      enabled: rateLimit.enabled ?? DEFAULT_AUTH_RATE_LIMIT.enabled,
      maxAttempts: rateLimit.maxAttempts ?? DEFAULT_AUTH_RATE_LIMIT.maxAttempts,
      windowMs: rateLimit.windowMs ?? DEFAULT_AUTH_RATE_LIMIT.windowMs,
      lockoutMs: rateLimit.lockoutMs ?? DEFAULT_AUTH_RATE_LIMIT.lockoutMs,
    },
  };
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

/**
 * @module gateway/hardening-settings — the browser, proxy and rate-limit settings, ready for the server.
 *
 * The checking and defaults live in config/hardening.ts (the cold security audit runs them without
 * loading the gateway); here the trusted-proxy list is compiled into its matcher.
 */
import { resolveHardeningConfig, type AuthRateLimitSettings, type ClawgateConfig } from '../config/index.js';
import { TrustedProxies } from './http/trusted-proxies.js';

export interface HardeningSettings {
  trustedProxies: TrustedProxies;
  controlUi: { allowedOrigins: string[]; allowedHosts: string[] };
  authRateLimit: AuthRateLimitSettings;
}

/** Reads `gateway.trustedProxies`, `gateway.controlUi.*` and `gateway.auth.rateLimit`, applying defaults. */
export function resolveHardeningSettings(config: ClawgateConfig): HardeningSettings {
  const resolved = resolveHardeningConfig(config);
  return { ...resolved, trustedProxies: new TrustedProxies(resolved.trustedProxies) };
}

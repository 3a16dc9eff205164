/** @module gateway — the gateway daemon: server, connections, auth, dispatch and methods. */
export { GatewayServer, type GatewayServerOptions } from './server.js';
export { startGateway, type StartGatewayOptions, type StartedGateway } from './start.js';
export {
  resolveGatewaySettings,
  isLoopbackHost,
  type GatewayFlags,
  type GatewaySettings,
} from './settings.js';
export { defineMethod, implement, MethodRegistry, type MethodDefinition } from './method-registry.js';
export type { MethodContext, CallerInfo } from './method-context.js';
export type { GatewayServices } from './services.js';
export { resolveClientAddress, attributeForwardedClient, type ResolvedClientAddress } from './http/client-address.js';
export { TrustedProxies, parseCidr, normalizeIp, isLoopbackIp } from './http/trusted-proxies.js';
export { BrowserAccessPolicy, normalizeOrigin, parseHostPort } from './http/browser-access.js';
export {
  AuthRateLimiter,
  CREDENTIAL_FAILURE_CODES,
  DEFAULT_AUTH_RATE_LIMIT,
  SYSTEM_CLOCK,
  bucketFor,
  type AuthRateLimitSettings,
  type Clock,
} from './pairing/auth-rate-limit.js';
export { resolveHardeningSettings, type HardeningSettings } from './hardening-settings.js';

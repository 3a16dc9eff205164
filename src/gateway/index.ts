/** @module gateway — the gateway core: server, connections, auth, dispatch, events, and the feature seam. */
export { GatewayServer, type GatewayServerOptions } from './server.js';
export {
  assertExposedSecretStrength,
  resolveGatewaySettings,
  isLoopbackHost,
  type GatewayFlags,
  type GatewaySettings,
} from './settings.js';
export { defineMethod, implement, MethodRegistry, type MethodDefinition, type IdempotencyPolicy, type ImplementOptions } from './method-registry.js';
export type { MethodContext, CallerInfo } from './method-context.js';
export type { GatewayServices } from './services.js';
export { Dispatcher, DEFAULT_MAX_IN_FLIGHT_PER_CONNECTION, type DispatcherOptions, type ResponseSink } from './dispatcher.js';
export type { DispatchHooks, DispatchRequest } from './dispatch-hooks.js';
export type { RequestOutcome } from './idempotency.js';
export { EventBus, type EventTarget, type EmitOptions, type EventRecipient, type PreparedEvent } from './event-bus.js';
export type {
  GatewayFeature,
  FeatureContext,
  FeatureConfigSection,
  FeatureReadiness,
  NodeInvokerPort,
  GatewayExecApproval,
  RequestControl,
  SessionDefaults,
} from './feature.js';
export { FeatureHost, orderFeatures, featureConfigSections, featureMigrations } from './feature-host.js';
export { HttpRouter, writeJson, type HttpRoute, type HttpMethod } from './http/router.js';
export { resolveClientAddress, attributeForwardedClient, type ResolvedClientAddress } from './http/client-address.js';
export { TrustedProxies, parseCidr, normalizeIp, isLoopbackIp } from './http/trusted-proxies.js';
export { BrowserAccessPolicy, normalizeOrigin, parseHostPort } from './http/browser-access.js';
export { resolveTlsMaterial, type TlsMaterial } from './http/tls.js';
export { createTailscaleRunner } from './tailscale/cli.js';
export { assertTailscaleModeAllowed, startTailscaleExposure, type TailscaleExposure } from './tailscale/exposure.js';
export { TailscaleIdentityVerifier } from './tailscale/identity.js';
export {
  AuthRateLimiter,
  CREDENTIAL_FAILURE_CODES,
  DEFAULT_AUTH_RATE_LIMIT,
  bucketFor,
  type AuthRateLimitSettings,
} from './pairing/auth-rate-limit.js';
export { resolveHardeningSettings, type HardeningSettings } from './hardening-settings.js';
export { startDiscovery, shouldAdvertise, discoveryTxt, MDNS_MODES, MDNS_SERVICE_TYPE, type MdnsMode, type DiscoveryOptions } from './discovery.js';
export { startConfigReload, planConfigReload, type ConfigReloadOptions, type ReloadPlan } from './config-reload.js';

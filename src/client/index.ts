/** @module client — the gateway client used by the CLI, the node host and tests. */
export * from './errors.js';
export * from './gateway-client.js';
export * from './call.js';
export * from './device-identity.js';
export * from './url-policy.js';
export * from './tls-pin.js';

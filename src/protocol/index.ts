/** @module protocol — public surface of the pure protocol layer (frames, errors, limits, scopes, method schemas). */
export * from './version.js';
export * from './limits.js';
export * from './close-codes.js';
export * from './errors.js';
export * from './contract.js';
export * from './scopes.js';
export * from './frames.js';
export * from './validation.js';
export * from './methods/system.js';
export * from './methods/node.js';
export * from './decode.js';
export * from './events/index.js';
export * from './device-auth.js';
export * from './setup-code.js';
export * from './methods/devices.js';
export * from './tls-fingerprint.js';

/** @module client/node — the Node side of the client: `ws` transport, TLS pinning, device key files, one-shot calls. */
export * from './gateway-client.js';
export * from './call.js';
export * from './device-identity.js';
export * from './url-policy.js';
export * from './tls-pin.js';
export * from './ws-transport.js';

/**
 * @module client/core — the browser-safe gateway client: a session over a small `Transport`, request
 * correlation, two-phase answers, the tick watchdog, reconnect backoff and seq-gap detection.
 * No `node:` module, no `ws`, no Node byte buffers (test/architecture.test.ts checks it).
 */
export * from './transport.js';
export * from './clock.js';
export * from './errors.js';
export * from './backoff.js';
export * from './reconnect.js';
export * from './pending-requests.js';
export * from './tick-watchdog.js';
export * from './seq-tracker.js';
export * from './contract-call.js';
export * from './session.js';
export * from './event-resume.js';

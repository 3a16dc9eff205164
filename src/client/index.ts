/** @module client — the gateway client used by the CLI, the node host and tests: the browser-safe core plus its Node side. */
export * from './core/index.js';
export * from './node/index.js';

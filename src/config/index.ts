/** @module config — config schema, loading, state paths and environment. */
export * from './schema.js';
export * from './paths.js';
export * from './load.js';
export * from './env.js';
export * from './redact.js';
export * from './token-file.js';

/** @module config — config schema, loading, state paths and environment. */
export * from './schema.js';
export * from './paths.js';
export * from './load.js';
export * from './env.js';
export * from './redact.js';
export * from './secrets.js';
export * from './token-file.js';
export { listStateEntries, tightenStatePermissions, isLooserThanPrivate, PRIVATE_DIR_MODE, PRIVATE_FILE_MODE, type PermissionEntry } from './permissions.js';
export * from './network-address.js';
export * from './hardening.js';
export * from './agent-schema.js';

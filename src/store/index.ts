/** @module store — SQLite state: paired devices, pairing requests, device and bootstrap tokens, audit log. */
export { StateStore, type StateStoreOptions } from './state-store.js';
export { openDatabase, stateDatabasePath, type SqliteDatabase } from './database.js';
export { migrate, type AppliedVersions } from './migrate.js';
export { CORE_MIGRATIONS, CORE_MIGRATIONS as MIGRATIONS, type Migration } from './migrations/index.js';
export type { SqliteStatement } from './sqlite-driver.js';
export type { PairedDevice, DeviceMetadata, ApproveDeviceInput } from './devices.js';
export { PAIRING_REQUEST_TTL_MS, type PairingRequest, type PairingReason, type RequestPairingInput } from './pairing-requests.js';
export type { DeviceTokenSummary, IssuedDeviceToken } from './device-tokens.js';
export { DEFAULT_BOOTSTRAP_TTL_MS, type BootstrapProfile, type BootstrapRefusal, type IssuedBootstrapToken } from './bootstrap-tokens.js';
export type { AuditEntry, AuditEntryInput, AuditOutcome } from './audit-log.js';
export { createSecret, hashSecret, secretMatchesHash } from './secrets.js';
export { acquireStateDirLock, assertStateDirUsable, stateLockPath, type StateDirLock } from './state-dir-guard.js';

/** @module store/migrations/core/003-device-labels — core schema v3: operator-set device labels (device.pair.rename). Released: never edit, add a new migration. */
import type { Migration } from '../migration.js';

export const deviceLabels: Migration = {
  owner: 'core',
  version: 3,
  name: 'operator-set device labels (device.pair.rename)',
  sql: `ALTER TABLE devices ADD COLUMN label TEXT;`,
};

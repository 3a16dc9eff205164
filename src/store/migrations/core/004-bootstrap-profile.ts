/** @module store/migrations/core/004-bootstrap-profile — core schema v4: what a bootstrap token grants (`pair` waits for approval, `owner` is the dashboard's pre-approved login). Released: never edit, add a new migration. */
import type { Migration } from '../migration.js';

export const bootstrapProfile: Migration = {
  owner: 'core',
  version: 4,
  name: 'bootstrap token profile (pair | owner)',
  sql: `ALTER TABLE bootstrap_tokens ADD COLUMN profile TEXT NOT NULL DEFAULT 'pair';`,
};

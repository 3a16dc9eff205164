/** @module store/migrations/core/002-node-surfaces — core schema v2: node command surfaces (approved and pending). Released: never edit, add a new migration. */
import type { Migration } from '../migration.js';

export const nodeSurfaces: Migration = {
  owner: 'core',
  version: 2,
  name: 'node command surfaces (approved and pending)',
  sql: `
      CREATE TABLE node_surfaces (
        node_id      TEXT PRIMARY KEY,
        record_json  TEXT NOT NULL
      ) STRICT;
      CREATE TABLE node_surface_requests (
        request_id   TEXT PRIMARY KEY,
        node_id      TEXT NOT NULL UNIQUE,
        record_json  TEXT NOT NULL
      ) STRICT;
    `,
};

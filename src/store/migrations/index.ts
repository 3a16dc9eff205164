/** @module store/migrations — the core's migrations, in order (features bring their own through the feature seam). */
import { devicesTokensAudit } from './core/001-devices-tokens-audit.js';
import { nodeSurfaces } from './core/002-node-surfaces.js';
import { deviceLabels } from './core/003-device-labels.js';
import { bootstrapProfile } from './core/004-bootstrap-profile.js';
import type { Migration } from './migration.js';

export type { Migration } from './migration.js';

/** Owner `core`: devices, pairing, tokens, audit, node surfaces. */
export const CORE_MIGRATIONS: readonly Migration[] = [devicesTokensAudit, nodeSurfaces, deviceLabels, bootstrapProfile];

/**
 * @module daemon/features — the features `clawgate gateway run` plugs into the gateway.
 *
 * Add a feature here (e.g. `createAgentFeature()` from agent/, `createTelegramFeature()` from
 * channels/telegram/); order does not matter, `dependsOn` does (gateway/feature-host.ts).
 */
import type { GatewayFeature } from '../gateway/index.js';
import { createAgentFeature } from '../agent/feature.js';
import { withChannels } from '../channels/index.js';
import { createControlUiFeature } from '../control-ui/index.js';

/** The agent, the channels that bring it messages (Telegram) and deliver its replies, and the browser UI. */
export const DEFAULT_FEATURES: readonly GatewayFeature[] = [...withChannels(createAgentFeature()), createControlUiFeature()];

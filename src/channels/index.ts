/** @module channels — messaging channels: the plugin contract, routing, pairing, supervision, status. */
export * from './channel.js';
export * from './agent-port.js';
export * from './session-routing.js';
export * from './inbound-router.js';
export * from './supervisor.js';
export * from './manager.js';
export * from './chunking.js';
export * from './dm-pairing.js';
export { createChannelsFeature, withChannels, CHANNELS_MIGRATIONS, type ChannelsFeature, type ChannelsFeatureOptions } from './feature.js';
export { createAgentBridge, type AgentBridge, type ApprovalPrompt } from './agent-bridge.js';
export { ChannelsRuntime, KNOWN_CHANNELS, type ChannelsRuntimeOptions } from './runtime.js';

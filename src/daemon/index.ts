/** @module daemon — the composition root: builds and starts a gateway with its features. */
export { startGateway, type StartGatewayOptions, type StartedGateway } from './start.js';
export { DEFAULT_FEATURES } from './features.js';
export { probeFeatureReachability, type ReachabilityFinding } from './diagnostics.js';

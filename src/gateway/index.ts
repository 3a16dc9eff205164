/** @module gateway — the gateway daemon: server, connections, auth, dispatch and methods. */
export { GatewayServer, type GatewayServerOptions } from './server.js';
export { startGateway, type StartGatewayOptions, type StartedGateway } from './start.js';
export {
  resolveGatewaySettings,
  isLoopbackHost,
  type GatewayFlags,
  type GatewaySettings,
} from './settings.js';
export { defineMethod, MethodRegistry, type MethodDefinition } from './method-registry.js';
export type { MethodContext, CallerInfo } from './method-context.js';
export type { GatewayServices } from './services.js';

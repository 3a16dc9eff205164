/** @module protocol/events — event declarations: `defineEvent` and the core's events. */
export { defineEvent, type EventDefinition, type EventDelivery } from './define.js';
export * from './core.js';
export * from './agent.js';

/** @module node-host — clawgate's headless node host and its local exec policy. */
export * from './node-host.js';
export * from './exec-approvals.js';
export * from './node-state.js';
export * from './commands/index.js';

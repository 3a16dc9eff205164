/** @module remote — reaching a gateway on another machine: target and credential resolution. */
export * from './target.js';
export * from './diagnose.js';
export * from './ssh-target.js';
export * from './ssh-errors.js';
export * from './ssh-tunnel.js';
export * from './tunnel-state.js';
export * from './tunnel-supervisor.js';
export * from './tunnel-manager.js';
export * from './tunnel-runner.js';
export * from './tunnel-config.js';

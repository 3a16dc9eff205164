/** @module remote — reaching a gateway on another machine: target and credential resolution. */
export * from './target.js';
export * from './diagnose.js';

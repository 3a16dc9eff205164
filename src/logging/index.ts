/** @module logging — structured logging with secret redaction. */
export * from './secrets.js';
export * from './logger.js';

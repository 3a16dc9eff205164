/** @module gateway/methods/config — `config.get`: the running config with every secret redacted. */
import { configGet } from '../../protocol/index.js';
import { redactConfig } from '../../config/index.js';
import { implement } from '../method-registry.js';

export const configMethods = [
  implement(configGet, (_params, { services }) => ({
    path: services.config.path,
    exists: services.config.exists,
    hash: services.config.hash,
    config: redactConfig(services.config.config, services.config.secretPaths),
    valid: true,
  })),
];

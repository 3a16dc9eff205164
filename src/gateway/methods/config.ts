/** @module gateway/methods/config — `config.get`: the running config with every secret redacted. */
import { ConfigGetParamsSchema, ConfigGetResultSchema } from '../../protocol/index.js';
import { redactConfig } from '../../config/index.js';
import { defineMethod } from '../method-registry.js';

export const configMethods = [
  defineMethod({
    name: 'config.get',
    // OpenClaw reserves the whole config.* prefix for operator.admin: config paths and layout are sensitive.
    access: 'operator.admin',
    params: ConfigGetParamsSchema,
    result: ConfigGetResultSchema,
    handler: (_params, { services }) => ({
      path: services.config.path,
      exists: services.config.exists,
      hash: services.config.hash,
      config: redactConfig(services.config.config),
      valid: true,
    }),
  }),
];

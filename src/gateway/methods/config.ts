/** @module gateway/methods/config — `config.get`: the running config with every secret redacted. */
import { ConfigGetParamsSchema, ConfigGetResultSchema } from '../../protocol/index.js';
import { redactConfig } from '../../config/index.js';
import { defineMethod } from '../method-registry.js';

export const configMethods = [
  defineMethod({
    name: 'config.get',
    // operator.read, as OpenClaw's published method table has it (its CLI's read probe calls
    // config.get): every secret is redacted, so reading the config reveals no credential.
    access: 'operator.read',
    params: ConfigGetParamsSchema,
    result: ConfigGetResultSchema,
    handler: (_params, { services }) => ({
      path: services.config.path,
      exists: services.config.exists,
      hash: services.config.hash,
      config: redactConfig(services.config.config, services.config.secretPaths),
      valid: true,
    }),
  }),
];

/** @module gateway/methods/logs — `logs.tail` (lines are redacted by the log reader). */
import { LogsTailParamsSchema, LogsTailResultSchema } from '../../protocol/index.js';
import { defineMethod } from '../method-registry.js';

export const logsMethods = [
  defineMethod({
    name: 'logs.tail',
    access: 'operator.read',
    params: LogsTailParamsSchema,
    result: LogsTailResultSchema,
    handler: (params, { services }) => services.logs.tail(params),
  }),
];

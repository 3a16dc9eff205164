/** @module gateway/methods/logs — `logs.tail` (lines are redacted by the log reader). */
import { logsTail } from '../../protocol/index.js';
import { implement } from '../method-registry.js';

export const logsMethods = [implement(logsTail, (params, { services }) => services.logs.tail(params))];

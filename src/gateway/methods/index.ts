/** @module gateway/methods — the built-in method families. */
import { systemMethods } from './system.js';
import { logsMethods } from './logs.js';
import { configMethods } from './config.js';
import { deviceMethods } from './devices.js';
import { nodeMethods } from './node.js';
import { eventsMethods } from './events.js';

export const BUILTIN_METHOD_FAMILIES = [systemMethods, logsMethods, configMethods, deviceMethods, nodeMethods, eventsMethods];

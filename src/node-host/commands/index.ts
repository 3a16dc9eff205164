/** @module node-host/commands — the commands clawgate's node host declares and answers. */
import { systemInfo } from './system-info.js';
import { systemRun } from './system-run.js';
import { systemWhich } from './system-which.js';
import type { CommandTable } from './types.js';

export type { CommandContext, CommandHandler, CommandTable } from './types.js';

export function createBuiltinCommands(): CommandTable {
  return new Map([
    ['system.info', systemInfo],
    ['system.run', systemRun],
    ['system.which', systemWhich],
  ]);
}

/** @module node-host/commands/system-which — `system.which {bins}` → `{bins: {name: path}}` (found ones only, as OpenClaw). */
import Type from 'typebox';
import { GatewayError, compileSchema } from '../../protocol/index.js';
import { resolveExecutable } from '../exec-approvals.js';
import type { CommandHandler } from './types.js';

const Params = compileSchema(
  Type.Object({ bins: Type.Array(Type.String({ minLength: 1, maxLength: 255, pattern: '^[^/\\x00]+$' }), { maxItems: 64 }) }, { additionalProperties: true }),
);

export const systemWhich: CommandHandler = async (params, { searchPath }) => {
  if (!Params.check(params)) throw new GatewayError('NODE_HOST_INVALID_PARAMS', { command: 'system.which', reason: Params.explain(params) });
  const bins: Record<string, string> = {};
  for (const name of params.bins) {
    const found = resolveExecutable(name, searchPath, '/');
    if (found !== undefined) bins[name] = found;
  }
  return { bins };
};

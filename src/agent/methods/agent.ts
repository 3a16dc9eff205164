/**
 * @module agent/methods/agent — `agent`, `agent.wait` and `send`, bound to the runtime.
 *
 * `agent` answers twice on one request id: the acceptance as soon as the user message is stored,
 * then the final outcome. The run does not depend on the caller's connection: a client that goes
 * away can still `agent.wait` for it or read it in `chat.history`.
 */
import { agent, agentWait, GatewayError, scopeSatisfies, send } from '../../protocol/index.js';
import { implement, type MethodDefinition } from '../../gateway/index.js';
import { RESET_COMMAND } from '../commands.js';
import type { AgentRuntime } from '../runtime.js';
import { acceptedPayload, agentFinalPayload, toolEventsConnId, waitPayload } from '../wire.js';

/** `agent.wait` without `timeoutMs` waits this long (OpenClaw's default). */
export const DEFAULT_AGENT_WAIT_MS = 30_000;

export function createAgentMethods(runtime: () => AgentRuntime): MethodDefinition[] {
  return [
    implement(
      agent,
      async (params, { accept, caller }) => {
        const handle = runtime().submit({
          message: params.message,
          idempotencyKey: params.idempotencyKey,
          sessionKey: params.sessionKey,
          agentId: params.agentId,
          timeoutMs: params.timeout === undefined || params.timeout === 0 ? undefined : params.timeout * 1000,
          toolEventsConnId: toolEventsConnId(caller),
        });
        accept(acceptedPayload(handle));
        return agentFinalPayload(await handle.done);
      },
      {
        // `/new` and `/reset` need operator.admin (OpenClaw agent-command-policy).
        authorize: (params, { caller }) => {
          if (RESET_COMMAND.test(params.message.trim()) && !scopeSatisfies(caller.scopes, 'operator.admin')) {
            throw new GatewayError('MISSING_SCOPE', { missingScope: 'operator.admin', requiredScopes: ['operator.admin'], method: 'agent' });
          }
        },
        idempotency: {
          key: (params) => params.idempotencyKey,
          ttlMs: 300_000,
          onDuplicate: 'inFlight',
          inFlightResult: (params) => ({ runId: params.idempotencyKey, status: 'in_flight' }),
        },
      },
    ),
    implement(agentWait, async (params) => waitPayload(params.runId, await runtime().wait(params.runId, params.timeoutMs ?? DEFAULT_AGENT_WAIT_MS))),
    implement(send, (params) => {
      throw new GatewayError('SEND_CHANNEL_UNAVAILABLE', { channel: params.channel ?? 'none given' });
    }),
  ];
}

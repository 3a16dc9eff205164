/** @module protocol/errors/agent — error catalogue entries: agent runs, sessions, model providers, node tools, exec approvals. */
import { defineErrors } from './definition.js';

export const AGENT_ERRORS = defineErrors({
  // Model providers
  MODEL_NOT_CONFIGURED: {
    wire: 'INVALID_REQUEST',
    message: 'no model configured — set agents.defaults.model.primary (example in the README)',
    retryable: false,
  },
  MODEL_REF_UNKNOWN: {
    wire: 'INVALID_REQUEST',
    message: 'model "{ref}" is not configured. Fix: add it to models.providers.{provider}.models or change agents.defaults.model',
    retryable: false,
  },
  MODEL_API_KEY_UNAVAILABLE: {
    wire: 'UNAVAILABLE',
    message: 'API key of provider {provider} is not available ({reason}). Fix: set models.providers.{provider}.apiKey',
    retryable: false,
  },
  MODEL_AUTH_FAILED: {
    wire: 'UNAVAILABLE',
    message: 'model {provider}/{model} refused the request (HTTP {httpStatus}). Fix: check models.providers.{provider}.apiKey (the key is missing, wrong or lacks access)',
    retryable: false,
  },
  MODEL_NOT_FOUND: {
    wire: 'UNAVAILABLE',
    message: 'model {provider}/{model} was not found (HTTP 404). Fix: check models.providers.{provider}.baseUrl and the model id',
    retryable: false,
  },
  MODEL_REQUEST_FAILED: {
    wire: 'UNAVAILABLE',
    message: 'model {provider}/{model} failed: {reason}',
    retryable: true,
  },
  MODEL_TIMEOUT: {
    wire: 'AGENT_TIMEOUT',
    message: 'model {provider}/{model} sent nothing for {timeoutMs} ms. Fix: raise models.providers.{provider}.timeoutSeconds for a slow model',
    retryable: true,
  },
  // Runs and sessions
  RUN_ABORTED: { wire: 'UNAVAILABLE', message: 'run {runId} was aborted', retryable: false },
  RUN_INTERRUPTED: {
    wire: 'UNAVAILABLE',
    message: 'run {runId} was interrupted by a gateway restart; send the message again',
    retryable: true,
  },
  RUN_NOT_FOUND: { wire: 'INVALID_REQUEST', message: 'agent run was not found: {runId}', retryable: false },
  RUN_SESSION_MISMATCH: { wire: 'INVALID_REQUEST', message: 'runId does not match sessionKey', retryable: false },
  SEND_CHANNEL_UNAVAILABLE: {
    wire: 'INVALID_REQUEST',
    message: 'Channel is required (no configured channels detected): {channel}. Clawgate has no outbound channel yet',
    retryable: false,
  },
  // Node tools and exec approvals
  EXEC_NO_NODE: {
    wire: 'UNAVAILABLE',
    message: 'no connected node can run commands ({reason}). Fix: connect a node host (`clawgate node run`) and approve its commands',
    retryable: true,
  },
  EXEC_NODE_AMBIGUOUS: {
    wire: 'INVALID_REQUEST',
    message: 'several nodes can run commands ({nodes}); name one with node',
    retryable: false,
  },
  EXEC_DENIED: { wire: 'FORBIDDEN', message: 'exec denied: {reason}', retryable: false },
  EXEC_APPROVAL_NOT_FOUND: {
    wire: 'APPROVAL_NOT_FOUND',
    message: 'exec approval {id} not found (unknown, already decided or expired)',
    retryable: false,
  },
  AGENT_NOT_READY: { wire: 'UNAVAILABLE', message: 'the agent is starting; try again', retryable: true },
  TOOL_COMMAND_REFUSED: { wire: 'INVALID_REQUEST', message: '{command} is refused here: {reason}', retryable: false },
  EXEC_APPROVAL_DECISION_UNSUPPORTED: {
    wire: 'INVALID_REQUEST',
    message: 'exec approval {id}: decision {decision} is not offered (allowed: {allowed}); the request is still pending',
    retryable: false,
  },
  EXEC_RULE_NOT_FOUND: {
    wire: 'INVALID_REQUEST',
    message: 'exec rule {id} not found (unknown or already removed)',
    retryable: false,
  },
});

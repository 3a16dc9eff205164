/** @module protocol/errors/nodes — error catalogue entries: nodes: node.* methods and what the node host reports. */
import { defineErrors } from './definition.js';

export const NODES_ERRORS = defineErrors({
  // Nodes (node.* methods)
  NODE_NOT_FOUND: { wire: 'INVALID_REQUEST', message: 'unknown node: {nodeId}', retryable: false },
  NOT_CONNECTED: { wire: 'UNAVAILABLE', message: 'node not connected', retryable: true },
  NODE_COMMAND_NOT_DECLARED: {
    wire: 'INVALID_REQUEST',
    message: 'node command not allowed: {command} is not declared by node {nodeId}',
    retryable: false,
  },
  NODE_COMMAND_NOT_APPROVED: {
    wire: 'INVALID_REQUEST',
    message: 'node command not allowed: {command} is not in the approved command surface of node {nodeId} (see `clawgate nodes pending`)',
    retryable: false,
  },
  NODE_COMMAND_DENIED: {
    wire: 'INVALID_REQUEST',
    message: 'node command not allowed: {command} is blocked by gateway policy ({reason})',
    retryable: false,
  },
  NODE_INVOKE_TIMEOUT: { wire: 'UNAVAILABLE', message: 'node {nodeId} did not answer {command} within {timeoutMs} ms', retryable: true },
  NODE_INVOKE_FAILED: { wire: 'UNAVAILABLE', message: 'node {command} failed: {nodeMessage}', retryable: false },
  NODE_ID_MISMATCH: { wire: 'INVALID_REQUEST', message: 'nodeId mismatch: this connection is node {callerNodeId}', retryable: false },
  IDEMPOTENCY_KEY_CONFLICT: {
    wire: 'INVALID_REQUEST',
    message: 'idempotencyKey {idempotencyKey} was already used for a different node or command',
    retryable: false,
  },
  NODE_PAIR_REQUEST_NOT_FOUND: { wire: 'INVALID_REQUEST', message: 'unknown node pairing request: {requestId}', retryable: false },
  // Node host (sent by clawgate's node host as the `error` of node.invoke.result; the gateway relays them)
  NODE_HOST_UNKNOWN_COMMAND: { wire: 'INVALID_REQUEST', message: 'this node does not implement {command}', retryable: false },
  NODE_HOST_INVALID_PARAMS: { wire: 'INVALID_REQUEST', message: 'invalid {command} params: {reason}', retryable: false },
  SYSTEM_RUN_DENIED: {
    wire: 'FORBIDDEN',
    message: 'exec denied by this node: {executable} is not allowed (on the node host run `clawgate approvals allow {executable}`)',
    retryable: false,
  },
  SYSTEM_RUN_FAILED: { wire: 'UNAVAILABLE', message: 'could not start {executable}: {reason}', retryable: false },
});

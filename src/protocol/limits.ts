/** @module protocol/limits — size and time limits shared by the gateway and its clients. */

/** Largest frame accepted before `connect` succeeds (OpenClaw `MAX_PREAUTH_PAYLOAD_BYTES`). */
export const MAX_PREAUTH_PAYLOAD_BYTES = 64 * 1024;

/** Default largest frame after the handshake; advertised as `policy.maxPayload` (OpenClaw: 25 MiB). */
export const DEFAULT_MAX_PAYLOAD_BYTES = 25 * 1024 * 1024;

/** Default per-connection send-buffer ceiling; advertised as `policy.maxBufferedBytes` (50 MiB). */
export const DEFAULT_MAX_BUFFERED_BYTES = 50 * 1024 * 1024;

/** Default interval of the server `tick` event; clients time out after twice this. */
export const DEFAULT_TICK_INTERVAL_MS = 30_000;

/** Time a socket has to complete `connect` before it is closed. */
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000;

/** Default client-side timeout for one RPC (OpenClaw CLI default). */
export const DEFAULT_RPC_TIMEOUT_MS = 10_000;

/** Connections still in the handshake at once; more are refused so a flood cannot exhaust memory. */
export const DEFAULT_MAX_PENDING_HANDSHAKES = 64;

/** Authenticated connections at once. */
export const DEFAULT_MAX_CONNECTIONS = 4096;

/** Largest `logs.tail` window a client may ask for (OpenClaw schema limits). */
export const LOGS_TAIL_MAX_LINES = 5000;
export const LOGS_TAIL_MAX_BYTES = 1_000_000;

/**
 * Deepest JSON nesting accepted in any inbound frame (objects and arrays count one level each).
 * Checked on the text before anything walks the value: a node posting 100k levels made every later
 * `node.list`/`node.describe` overflow the stack while serializing it (issue 12, hole 4).
 */
export const MAX_FRAME_DEPTH = 128;

/** Longest method name and request id accepted; both are echoed in errors and logs (issue 12, hole 5). */
export const MAX_METHOD_NAME_LENGTH = 128;
export const MAX_REQUEST_ID_LENGTH = 256;

/** @module protocol/version — protocol numbers we speak and the server version we report. */

/** The Gateway protocol version Clawgate speaks (OpenClaw 2026.9.x speaks v4). */
export const PROTOCOL_VERSION = 4;

/** Oldest protocol an operator client may negotiate (OpenClaw requires the current version). */
export const MIN_CLIENT_PROTOCOL_VERSION = 4;

/** Oldest protocol a node (`role: "node"` + `client.mode: "node"`) may negotiate: N-1, as OpenClaw allows. */
export const MIN_NODE_PROTOCOL_VERSION = 3;

/** Clawgate's own release, reported in `hello-ok.server.version` and `presence`. */
export const CLAWGATE_VERSION = '0.1.0';

/** @module protocol/errors/startup — error catalogue entries: configuration, remote access and start-up. */
import { defineErrors } from './definition.js';

export const STARTUP_ERRORS = defineErrors({
  // Configuration (startup)
  CONFIG_INVALID: { wire: 'INVALID_REQUEST', message: 'invalid config {path}: {reason}', retryable: false },
  BIND_REQUIRES_AUTH: {
    wire: 'INVALID_REQUEST',
    message:
      'Refusing to bind gateway to {bind} without auth. Fix: set gateway.auth.token (or run with --token) or set gateway.auth.password (or --password), or keep gateway.bind "loopback".',
    retryable: false,
  },
  AUTH_NONE_REQUIRES_LOOPBACK: {
    wire: 'INVALID_REQUEST',
    message: 'auth mode "none" is only allowed on a loopback bind (got {bind}). Fix: use --auth token, or --bind loopback.',
    retryable: false,
  },
  AUTH_SECRET_MISSING: {
    wire: 'INVALID_REQUEST',
    message: 'auth mode "{mode}" needs a {mode}. Fix: pass --{mode}, set gateway.auth.{mode}, or set CLAWGATE_GATEWAY_{upperMode}.',
    retryable: false,
  },
  PORT_IN_USE: {
    wire: 'UNAVAILABLE',
    message: 'port {port} on {host} is already in use. Fix: stop the other process or pick another port with --port.',
    retryable: false,
  },
  STATE_STORE_FAILED: { wire: 'UNAVAILABLE', message: 'state store {path} failed: {reason}', retryable: false },
  // Remote access: bind, TLS, SSH tunnel, Tailscale (startup and client side)
  CUSTOM_BIND_HOST_INVALID: {
    wire: 'INVALID_REQUEST',
    message: 'gateway.customBindHost "{host}" is not a dotted IPv4 address. Fix: set an address such as 192.168.1.10, or use gateway.bind "lan".',
    retryable: false,
  },
  TLS_SETUP_FAILED: {
    wire: 'UNAVAILABLE',
    message: 'TLS setup failed: {reason}. Fix: {fix}',
    retryable: false,
  },
  TLS_FINGERPRINT_INVALID: {
    wire: 'INVALID_REQUEST',
    message: 'TLS fingerprint "{fingerprint}" is not a SHA-256 fingerprint. Fix: give 64 hex characters (colons and a "sha256:" prefix are accepted).',
    retryable: false,
  },
  TLS_PIN_REQUIRES_WSS: {
    wire: 'INVALID_REQUEST',
    message: 'a TLS fingerprint pin needs a wss:// URL (got {url}). Fix: use wss://, or drop --tls-fingerprint.',
    retryable: false,
  },
  TLS_FINGERPRINT_MISMATCH: {
    wire: 'UNAVAILABLE',
    message:
      'gateway tls fingerprint mismatch: expected sha256:{expected}, server presented sha256:{actual}. Nothing was sent. Fix: if the gateway certificate was regenerated on purpose, update gateway.remote.tlsFingerprint (or --tls-fingerprint); otherwise something is intercepting the connection.',
    retryable: false,
  },
  INSECURE_WS_REFUSED: {
    wire: 'INVALID_REQUEST',
    message:
      'refusing plaintext ws:// to the public address {host}: the token would cross the network unencrypted. Fix: use wss:// (gateway.tls), an SSH tunnel (gateway.remote.ssh, `clawgate tunnel up`), or Tailscale Serve; to override for a network you trust, set CLAWGATE_ALLOW_INSECURE_WS=1.',
    retryable: false,
  },
  SSH_TARGET_INVALID: {
    wire: 'INVALID_REQUEST',
    message: 'invalid ssh target "{target}": {reason}. Fix: use user@host or user@host:port.',
    retryable: false,
  },
  SSH_TUNNEL_FAILED: {
    wire: 'UNAVAILABLE',
    message: 'ssh tunnel to {target} failed: {reason}',
    retryable: true,
  },
  TUNNEL_NOT_CONFIGURED: {
    wire: 'INVALID_REQUEST',
    message: 'no ssh tunnel configured. Fix: set gateway.remote.ssh.target (e.g. "me@gateway-host"), or pass --ssh user@host.',
    retryable: false,
  },
  TAILSCALE_FUNNEL_REQUIRES_PASSWORD: {
    wire: 'INVALID_REQUEST',
    message:
      'Refusing to start Tailscale Funnel without password auth: Funnel puts the gateway on the public internet. Fix: set gateway.auth.mode "password" with gateway.auth.password (or --auth password --password …), or use gateway.tailscale.mode "serve".',
    retryable: false,
  },
  TAILSCALE_FAILED: {
    wire: 'UNAVAILABLE',
    message: 'tailscale {mode} failed: {reason}. Fix: check `tailscale status`, that this node may use {mode}, and that the tailscale CLI is on PATH.',
    retryable: false,
  },
  DUPLICATE_METHOD: { wire: 'UNAVAILABLE', message: 'method {method} registered twice', retryable: false },
  SCHEMA_BUILD_FAILED: { wire: 'UNAVAILABLE', message: 'schema for {method} failed to compile: {reason}', retryable: false },
  WEAK_SECRET_ON_EXPOSED_BIND: {
    wire: 'INVALID_REQUEST',
    message:
      'Refusing to expose the gateway ({exposure}) with a weak {kind}: about {bits} bits of entropy, at least {minimumBits} needed. Fix: {fix}',
    retryable: false,
  },
  // State dir and database faults at start-up (issue 12, "faults"): one error naming the path and the fix.
  STATE_DIR_NOT_DIRECTORY: {
    wire: 'UNAVAILABLE',
    message: 'state dir {path} is not a directory. Fix: move that file away, or point CLAWGATE_STATE_DIR (or --profile) at a directory.',
    retryable: false,
  },
  STATE_DIR_UNWRITABLE: {
    wire: 'UNAVAILABLE',
    message:
      'state dir {path} is not writable ({reason}). Fix: give the user running clawgate write access (chown it, chmod 700), remount the filesystem read-write, or point CLAWGATE_STATE_DIR at a writable directory.',
    retryable: false,
  },
  STATE_DISK_FULL: {
    wire: 'UNAVAILABLE',
    message: 'no space left for the state in {path} ({reason}). Fix: free space on that filesystem (see `df {path}`), or point CLAWGATE_STATE_DIR at another one.',
    retryable: false,
  },
  STATE_STORE_CORRUPT: {
    wire: 'UNAVAILABLE',
    message:
      'state database {path} is corrupt ({reason}). Fix: restore it from a backup, or move it aside (mv {path} {path}.corrupt) and start again: paired devices and nodes must then pair again.',
    retryable: false,
  },
  STATE_STORE_LOCKED: {
    wire: 'UNAVAILABLE',
    message: 'state database {path} is locked by another process. Fix: stop the other program holding it (an open sqlite3 shell, a backup tool, another clawgate), then start again.',
    retryable: false,
  },
  STATE_DIR_IN_USE: {
    wire: 'UNAVAILABLE',
    message:
      'another gateway ({owner}) already runs on state dir {path}. Fix: stop it first (`clawgate gateway status` shows it), or give this one its own state dir (--profile <name> or CLAWGATE_STATE_DIR).',
    retryable: false,
  },
});

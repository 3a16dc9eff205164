/**
 * @module remote/target — which gateway a CLI command talks to, and with which credentials.
 *
 * URL: `--url` > `CLAWGATE_GATEWAY_URL`/`OPENCLAW_GATEWAY_URL` > `gateway.remote.url` (only when
 * `gateway.mode` is "remote") > `ws://127.0.0.1:<port>`.
 *
 * Credentials follow the seed's rule: an explicit `--url` gets only explicit `--token`/`--password`
 * (an override could point at someone else's server, so stored secrets are never sent there), and
 * without one the command fails before connecting. `gateway.remote.*` is used only for the remote
 * target; the local gateway's own secret is never sent to a remote host.
 */
import { DEFAULT_GATEWAY_PORT, ownerSocketUrl, type ClawgateConfig, type GatewayEnv } from '../config/index.js';
import { GatewayError } from '../protocol/index.js';
import type { SshTunnelSpec } from './ssh-tunnel.js';
import { resolveTunnelSpec } from './tunnel-config.js';

export type TargetSource = 'cli --url' | 'env' | 'config gateway.remote.url' | 'ssh tunnel' | 'local loopback';

export interface TargetFlags {
  url?: string | undefined;
  token?: string | undefined;
  password?: string | undefined;
  port?: number | undefined;
  tlsFingerprint?: string | undefined;
}

export interface ResolveTargetInput {
  flags: TargetFlags;
  env: GatewayEnv;
  config: ClawgateConfig;
  /** Reads the token the local gateway generated, if any (only used for the local target). */
  readGeneratedToken: () => string | undefined;
  /** Fingerprint of the local gateway's certificate when it serves TLS (the local CLI pins it). */
  readLocalTlsFingerprint?: () => string | undefined;
  /** The local gateway's owner socket (config/owner-socket.ts), when one exists in the state dir. */
  readOwnerSocket?: () => string | undefined;
}

export interface ResolvedTarget {
  url: string;
  source: TargetSource;
  /** Human label of where the URL came from (`--url`, `CLAWGATE_GATEWAY_URL`, …). */
  sourceLabel: string;
  token?: string;
  password?: string;
  /** Where the credential came from (never the value). */
  credentialSource: string;
  isRemote: boolean;
  /** Certificate pin for wss:// (from --tls-fingerprint, or gateway.remote.tlsFingerprint for the remote target). */
  tlsFingerprint?: string;
  /**
   * Set when the gateway is reached through the supervised SSH tunnel (`gateway.mode: remote` with
   * `gateway.remote.ssh`): the tunnel must be brought up first, and `url` then points at its local end.
   */
  ssh?: SshTunnelSpec;
}

/** Resolves the target; throws `GatewayError` when the rules forbid connecting. */
export function resolveTarget({ flags, env, config, readGeneratedToken, readLocalTlsFingerprint, readOwnerSocket }: ResolveTargetInput): ResolvedTarget {
  const explicit = explicitCredentials(flags);
  const gateway = config.gateway ?? {};

  if (flags.url !== undefined && flags.url.trim() !== '') {
    if (explicit === undefined) throw new GatewayError('URL_OVERRIDE_REQUIRES_CREDENTIALS');
    return withPin({ url: flags.url.trim(), source: 'cli --url', sourceLabel: '--url', ...explicit, isRemote: !isLocalUrl(flags.url) }, flags.tlsFingerprint);
  }

  if (env.url !== undefined) {
    const credentials = explicit ?? envCredentials(env);
    if (credentials === undefined) throw new GatewayError('URL_OVERRIDE_REQUIRES_CREDENTIALS');
    return withPin({ url: env.url, source: 'env', sourceLabel: env.sources.url ?? 'env', ...credentials, isRemote: !isLocalUrl(env.url) }, flags.tlsFingerprint);
  }

  if (gateway.mode === 'remote') {
    const remote = gateway.remote ?? {};
    const credentials =
      explicit ??
      pickCredentials(remote.token, remote.password, 'gateway.remote.token', 'gateway.remote.password') ??
      envCredentials(env) ??
      { credentialSource: 'none' };
    // With an ssh target the tunnel is the way in; its local end is only known once it is up.
    const ssh = resolveTunnelSpec(config);
    if (ssh !== undefined) {
      return { url: `ws://127.0.0.1:${ssh.localPort}`, source: 'ssh tunnel', sourceLabel: `ssh tunnel to ${remote.ssh?.target ?? ''}`, ...credentials, isRemote: true, ssh };
    }
    if (remote.url === undefined) throw new GatewayError('REMOTE_URL_MISSING');
    return withPin(
      { url: remote.url, source: 'config gateway.remote.url', sourceLabel: 'config gateway.remote.url', ...credentials, isRemote: true },
      flags.tlsFingerprint ?? remote.tlsFingerprint,
    );
  }

  const port = flags.port ?? env.port ?? gateway.port ?? DEFAULT_GATEWAY_PORT;
  const auth = gateway.auth ?? {};
  const generated = readGeneratedToken();
  const credentials =
    explicit ??
    envCredentials(env) ??
    pickCredentials(auth.token, auth.password, 'gateway.auth.token', 'gateway.auth.password') ??
    (generated === undefined ? undefined : { token: generated, credentialSource: 'generated token' }) ??
    { credentialSource: 'none' };
  // The owner socket reaches this state dir's gateway even while an attack holds the TCP port's
  // budgets; an explicit port means the user picked a gateway, so it is honoured as given.
  const ownerSocket = flags.port === undefined && env.port === undefined ? readOwnerSocket?.() : undefined;
  if (ownerSocket !== undefined) {
    return { url: ownerSocketUrl(ownerSocket), source: 'local loopback', sourceLabel: 'local owner socket', ...credentials, isRemote: false };
  }
  if (gateway.tls?.enabled === true) {
    return withPin(
      { url: `wss://127.0.0.1:${port}`, source: 'local loopback', sourceLabel: 'local loopback', ...credentials, isRemote: false },
      flags.tlsFingerprint ?? readLocalTlsFingerprint?.(),
    );
  }
  return { url: `ws://127.0.0.1:${port}`, source: 'local loopback', sourceLabel: 'local loopback', ...credentials, isRemote: false };
}

function withPin(target: ResolvedTarget, pin: string | undefined): ResolvedTarget {
  if (pin !== undefined && pin.trim() !== '') target.tlsFingerprint = pin.trim();
  return target;
}

type Credentials = { token?: string; password?: string; credentialSource: string };

function explicitCredentials(flags: TargetFlags): Credentials | undefined {
  return pickCredentials(nonEmpty(flags.token), nonEmpty(flags.password), '--token', '--password');
}

function envCredentials(env: GatewayEnv): Credentials | undefined {
  return pickCredentials(env.token, env.password, env.sources.token ?? 'env token', env.sources.password ?? 'env password');
}

function pickCredentials(token: string | undefined, password: string | undefined, tokenLabel: string, passwordLabel: string): Credentials | undefined {
  if (token === undefined && password === undefined) return undefined;
  const credentials: Credentials = { credentialSource: [token && tokenLabel, password && passwordLabel].filter(Boolean).join(' + ') };
  if (token !== undefined) credentials.token = token;
  if (password !== undefined) credentials.password = password;
  return credentials;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

function isLocalUrl(url: string): boolean {
  try {
    if (url.startsWith('ws+unix:')) return true;
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    return host === 'localhost' || host === '::1' || /^127\./.test(host);
  } catch {
    return false;
  }
}

/**
 * @module gateway/settings — turn flags, environment and config into the gateway's runtime settings.
 *
 * Precedence for each value: flag > environment > config > default. Security rules are enforced here,
 * before anything listens: a non-loopback bind without a token or password refuses to start (exit 78),
 * `auth: none` is accepted only on loopback, and with no secret configured a strong token is generated
 * once and kept in the state dir (mode 0600). `gateway.remote.*` is client-side only and never counts
 * as local auth.
 */
import { networkInterfaces } from 'node:os';
import {
  DEFAULT_HANDSHAKE_TIMEOUT_MS,
  DEFAULT_MAX_BUFFERED_BYTES,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_MAX_PAYLOAD_BYTES,
  DEFAULT_MAX_PENDING_HANDSHAKES,
  DEFAULT_TICK_INTERVAL_MS,
  GatewayError,
  type AuthMode,
} from '../protocol/index.js';
import {
  DEFAULT_GATEWAY_PORT,
  MINIMUM_EXPOSED_PASSWORD_BITS,
  RECOMMENDED_TOKEN_BITS,
  estimateSecretBits,
  isLoopbackHost,
  isTokenStrongForExposure,
  loadOrCreateGeneratedToken,
  type TailscaleMode,
  type BindMode,
  type ClawgateConfig,
  type GatewayEnv,
  type StatePaths,
} from '../config/index.js';
import type { SharedSecretAuth } from './pairing/shared-secret.js';
import { resolveHardeningSettings, type HardeningSettings } from './hardening-settings.js';

export { isLoopbackHost } from '../config/index.js';

export interface GatewayFlags {
  port?: number | undefined;
  bind?: BindMode | undefined;
  auth?: AuthMode | undefined;
  token?: string | undefined;
  password?: string | undefined;
  /** `--tailscale off|serve|funnel` (overrides gateway.tailscale.mode). */
  tailscale?: TailscaleMode | undefined;
}

export interface GatewaySettings {
  port: number;
  bind: BindMode;
  /** Addresses to listen on; the first is required, later ones (e.g. `::1`) are best effort. */
  listenHosts: { host: string; isRequired: boolean }[];
  auth: SharedSecretAuth;
  /** Where the auth secret came from, for the startup log line (never the value). */
  authSource: string;
  /** Things the operator should know at startup (e.g. tailnet bind without a tailnet address). */
  warnings: string[];
  handshakeTimeoutMs: number;
  tickIntervalMs: number;
  maxPayloadBytes: number;
  maxBufferedBytes: number;
  maxPendingHandshakes: number;
  maxConnections: number;
  paths: StatePaths;
  /** Browser Origin/Host gate, trusted proxies, auth-failure rate limit. */
  hardening: HardeningSettings;
}

export interface ResolveSettingsInput {
  flags: GatewayFlags;
  env: GatewayEnv;
  config: ClawgateConfig;
  paths: StatePaths;
  /** Interface lookup, injected so tailnet resolution is testable. */
  interfaces?: () => ReturnType<typeof networkInterfaces>;
}

/** Resolves and checks the settings; throws a `GatewayError` (exit 78) on an unsafe or inconsistent setup. */
export function resolveGatewaySettings(input: ResolveSettingsInput): GatewaySettings {
  const { flags, env, config, paths } = input;
  const gateway = config.gateway ?? {};
  const bind = flags.bind ?? gateway.bind ?? 'loopback';
  const listenHosts = resolveListenHosts(bind, gateway.customBindHost, input.interfaces ?? networkInterfaces);
  const warnings: string[] = [];
  if (bind === 'tailnet' && listenHosts.length === 1) {
    warnings.push('gateway.bind is "tailnet" but no 100.64.0.0/10 address was found: listening on 127.0.0.1 only; restart the gateway once Tailscale is up');
  }
  // lan and tailnet are exposure by intent, even when tailnet finds no tailnet address yet.
  const isLoopbackOnly = bind !== 'lan' && bind !== 'tailnet' && listenHosts.every(({ host }) => isLoopbackHost(host));
  const { auth, authSource } = resolveAuth(flags, env, config, paths, isLoopbackOnly, bind);
  if (!isLoopbackOnly) assertExposedSecretStrength(auth, `bind ${bind}`);
  return {
    port: flags.port ?? env.port ?? gateway.port ?? DEFAULT_GATEWAY_PORT,
    bind,
    listenHosts,
    auth,
    authSource,
    warnings,
    handshakeTimeoutMs: gateway.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS,
    tickIntervalMs: gateway.tickIntervalMs ?? DEFAULT_TICK_INTERVAL_MS,
    maxPayloadBytes: gateway.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES,
    maxBufferedBytes: gateway.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES,
    maxPendingHandshakes: DEFAULT_MAX_PENDING_HANDSHAKES,
    maxConnections: gateway.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
    paths,
    hardening: resolveHardeningSettings(config),
  };
}

function resolveAuth(
  flags: GatewayFlags,
  env: GatewayEnv,
  config: ClawgateConfig,
  paths: StatePaths,
  isLoopbackOnly: boolean,
  bind: BindMode,
): { auth: SharedSecretAuth; authSource: string } {
  const configured = config.gateway?.auth ?? {};
  // Local secrets only: gateway.remote.* is for this machine's CLI talking to another gateway.
  const token = flags.token ?? env.token ?? configured.token;
  const password = flags.password ?? env.password ?? configured.password;
  const tokenSource = flags.token !== undefined ? '--token' : env.token !== undefined ? (env.sources.token ?? 'env') : 'gateway.auth.token';
  const passwordSource =
    flags.password !== undefined ? '--password' : env.password !== undefined ? (env.sources.password ?? 'env') : 'gateway.auth.password';
  const mode: AuthMode = flags.auth ?? configured.mode ?? (password !== undefined && token === undefined ? 'password' : 'token');

  if (mode === 'none') {
    if (!isLoopbackOnly) throw new GatewayError('AUTH_NONE_REQUIRES_LOOPBACK', { bind });
    return { auth: { mode: 'none' }, authSource: 'explicit --auth none' };
  }
  if (mode === 'password') {
    if (password === undefined) {
      if (!isLoopbackOnly) throw new GatewayError('BIND_REQUIRES_AUTH', { bind });
      throw new GatewayError('AUTH_SECRET_MISSING', { mode: 'password', upperMode: 'PASSWORD' });
    }
    return { auth: { mode: 'password', password }, authSource: passwordSource };
  }
  if (token !== undefined) return { auth: { mode: 'token', token }, authSource: tokenSource };
  // No secret configured. On loopback, generate one (auth stays on by default); anywhere else, refuse.
  if (!isLoopbackOnly) throw new GatewayError('BIND_REQUIRES_AUTH', { bind });
  return { auth: { mode: 'token', token: loadOrCreateGeneratedToken(paths) }, authSource: `generated (${paths.tokenPath})` };
}

/**
 * Refuses a guessable secret on anything reachable from a network (a non-loopback bind, Tailscale
 * Funnel): `--bind lan --token a` listened on 0.0.0.0 (issue 12, hole 1). Tokens need
 * RECOMMENDED_TOKEN_BITS (128), passwords MINIMUM_EXPOSED_PASSWORD_BITS (64), by the same estimate
 * `clawgate security audit` uses. Throws WEAK_SECRET_ON_EXPOSED_BIND (exit 78) naming the fix.
 */
export function assertExposedSecretStrength(auth: SharedSecretAuth, exposure: string): void {
  if (auth.mode === 'token' && auth.token !== undefined) {
    if (isTokenStrongForExposure(auth.token)) return;
    const bits = estimateSecretBits(auth.token);
    throw new GatewayError('WEAK_SECRET_ON_EXPOSED_BIND', {
      exposure,
      kind: 'token',
      bits,
      minimumBits: RECOMMENDED_TOKEN_BITS,
      fix: 'generate one with `openssl rand -hex 32` and pass it with --token-file <path> or CLAWGATE_GATEWAY_TOKEN (or drop the token to use the generated one), or keep gateway.bind "loopback".',
    });
  }
  if (auth.mode === 'password' && auth.password !== undefined) {
    const bits = estimateSecretBits(auth.password);
    if (bits >= MINIMUM_EXPOSED_PASSWORD_BITS) return;
    throw new GatewayError('WEAK_SECRET_ON_EXPOSED_BIND', {
      exposure,
      kind: 'password',
      bits,
      minimumBits: MINIMUM_EXPOSED_PASSWORD_BITS,
      fix: 'use a passphrase of at least 4 random words or 16 random characters, passed with --password-file <path> or CLAWGATE_GATEWAY_PASSWORD, or keep gateway.bind "loopback".',
    });
  }
}

/** Maps a bind mode to listen addresses (OpenClaw `resolveGatewayBindHost`). */
export function resolveListenHosts(
  bind: BindMode,
  customBindHost: string | undefined,
  interfaces: () => ReturnType<typeof networkInterfaces>,
): { host: string; isRequired: boolean }[] {
  switch (bind) {
    case 'loopback':
    case 'auto': // Loopback is always bindable on a working host, so auto resolves to it.
      return [
        { host: '127.0.0.1', isRequired: true },
        { host: '::1', isRequired: false },
      ];
    case 'lan':
      return [{ host: '0.0.0.0', isRequired: true }];
    case 'tailnet': {
      const tailnet = findTailnetIPv4(interfaces());
      const hosts = [{ host: '127.0.0.1', isRequired: true }];
      if (tailnet !== undefined) hosts.push({ host: tailnet, isRequired: true });
      return hosts;
    }
    case 'custom': {
      if (customBindHost === undefined) {
        throw new GatewayError('CONFIG_INVALID', { path: 'gateway.customBindHost', reason: 'required when gateway.bind is "custom"' });
      }
      if (!isDottedIPv4(customBindHost)) throw new GatewayError('CUSTOM_BIND_HOST_INVALID', { host: customBindHost });
      const hosts = [{ host: customBindHost, isRequired: true }];
      // Same-host clients keep working on 127.0.0.1; 0.0.0.0 already covers it (and would clash).
      if (customBindHost !== '127.0.0.1' && customBindHost !== '0.0.0.0') hosts.push({ host: '127.0.0.1', isRequired: true });
      return hosts;
    }
  }
}

/** First interface IPv4 in Tailscale's CGNAT range 100.64.0.0/10. */
export function findTailnetIPv4(interfaces: ReturnType<typeof networkInterfaces>): string | undefined {
  for (const addresses of Object.values(interfaces)) {
    for (const address of addresses ?? []) {
      if (address.family !== 'IPv4' || address.internal) continue;
      const [a, b] = address.address.split('.').map(Number);
      if (a === 100 && b !== undefined && b >= 64 && b <= 127) return address.address;
    }
  }
  return undefined;
}

/** A canonical dotted-quad IPv4 literal (no leading zeros, each octet 0-255). */
export function isDottedIPv4(host: string): boolean {
  const octets = host.split('.');
  return octets.length === 4 && octets.every((octet) => /^(0|[1-9]\d{0,2})$/.test(octet) && Number(octet) <= 255);
}


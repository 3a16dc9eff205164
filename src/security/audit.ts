/**
 * @module security/audit — `clawgate security audit`: a cold read of config, environment and state
 * files that reports every risky setting with a severity and the exact fix.
 *
 * Check ids follow OpenClaw's (`gateway.bind_no_auth`, `gateway.token_too_short`, …) so findings read
 * the same in both. Nothing here changes anything; the gateway itself tightens state permissions.
 * TLS and Tailscale keys are read untyped: they are checked when configured, whichever build adds them.
 */
import { lstatSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  isLoopbackHost,
  isLooserThanPrivate,
  listStateEntries,
  parseCidr,
  resolveHardeningConfig,
  type ClawgateConfig,
  type GatewayEnv,
  type PermissionEntry,
  type StatePaths,
} from '../config/index.js';
import { GatewayError } from '../protocol/index.js';
import { estimateSecretBits, MINIMUM_TOKEN_BITS, RECOMMENDED_TOKEN_BITS } from './secret-strength.js';

export type Severity = 'critical' | 'warn' | 'info';

export interface AuditFinding {
  checkId: string;
  severity: Severity;
  title: string;
  /** Why it matters, with the offending value (never a secret). */
  detail: string;
  /** What to do, as a command or config change. */
  fix: string;
}

export interface AuditInput {
  config: ClawgateConfig;
  configPath: string;
  env: GatewayEnv;
  paths: StatePaths;
}

const SEVERITY_ORDER: Record<Severity, number> = { critical: 0, warn: 1, info: 2 };

/** Runs every cold check; findings come back most severe first. */
export function auditConfiguration(input: AuditInput): AuditFinding[] {
  const findings: AuditFinding[] = [];
  const add = (finding: AuditFinding): void => void findings.push(finding);
  const gateway = input.config.gateway ?? {};
  const bind = gateway.bind ?? 'loopback';
  const isLoopbackOnly =
    bind === 'loopback' || bind === 'auto' || (bind === 'custom' && gateway.customBindHost !== undefined && isLoopbackHost(gateway.customBindHost));
  const exposure = isLoopbackOnly ? 'loopback' : `bind "${bind}"`;
  checkAuth(input, isLoopbackOnly, exposure, add);
  checkHardening(input.config, isLoopbackOnly, add);
  checkTransport(input.config, isLoopbackOnly, bind, add);
  checkPermissions(input, add);
  return findings.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
}

type Add = (finding: AuditFinding) => void;

function checkAuth(input: AuditInput, isLoopbackOnly: boolean, exposure: string, add: Add): void {
  const auth = input.config.gateway?.auth ?? {};
  const token = input.env.token ?? auth.token;
  const password = input.env.password ?? auth.password;
  const mode: string = auth.mode ?? (password !== undefined && token === undefined ? 'password' : 'token');
  if (mode === 'none') {
    add({
      checkId: isLoopbackOnly ? 'gateway.loopback_no_auth' : 'gateway.bind_no_auth',
      severity: 'critical',
      title: 'Gateway auth is off',
      detail: `gateway.auth.mode is "none" (${exposure}): every local process, every user of this machine and any same-host proxy gets operator access without a credential.`,
      fix: 'Remove gateway.auth.mode "none" (a strong token is then generated and used automatically).',
    });
    return;
  }
  const secret = mode === 'password' ? password : token;
  if (secret === undefined) {
    if (!isLoopbackOnly) {
      add({
        checkId: 'gateway.bind_no_auth',
        severity: 'critical',
        title: `No ${mode} configured for a network bind`,
        detail: `${exposure} with auth mode "${mode}" but no ${mode}: the gateway refuses to start.`,
        fix: `Set gateway.auth.${mode} (or CLAWGATE_GATEWAY_${mode.toUpperCase()}), or keep gateway.bind "loopback".`,
      });
    }
    return; // Loopback with no token: a 256-bit token is generated at startup.
  }
  const bits = estimateSecretBits(secret);
  const kind = mode === 'password' ? 'password' : 'token';
  if (bits < RECOMMENDED_TOKEN_BITS) {
    const isCritical = bits < MINIMUM_TOKEN_BITS && !isLoopbackOnly;
    add({
      checkId: mode === 'password' ? 'gateway.password_weak' : 'gateway.token_too_short',
      severity: isCritical ? 'critical' : 'warn',
      title: `Gateway ${kind} is guessable`,
      detail: `The ${kind} has about ${bits} bits of entropy (${secret.length} characters); ${RECOMMENDED_TOKEN_BITS} bits is the minimum worth having${isCritical ? ` and the gateway is reachable from the network (${exposure})` : ''}.`,
      fix:
        mode === 'password'
          ? 'Use a long random password (e.g. `openssl rand -base64 24`), or switch to token auth.'
          : 'Remove gateway.auth.token to use the generated 256-bit token, or set one from `openssl rand -base64 32`.',
    });
  }
}

function checkHardening(config: ClawgateConfig, isLoopbackOnly: boolean, add: Add): void {
  const gateway = config.gateway ?? {};
  const rateLimit = gateway.auth?.rateLimit;
  if (rateLimit?.enabled === false && gateway.auth?.mode !== 'none') {
    add({
      checkId: 'gateway.auth_no_rate_limit',
      severity: isLoopbackOnly ? 'warn' : 'critical',
      title: 'Auth-failure rate limit is off',
      detail: 'gateway.auth.rateLimit.enabled is false: a client (or a web page on an allowed origin) can guess the secret as fast as the gateway answers.',
      fix: 'Remove gateway.auth.rateLimit.enabled (it defaults to on: 10 failures per minute, then a 5-minute lockout).',
    });
  }
  try {
    resolveHardeningConfig(config);
  } catch (error) {
    if (!(error instanceof GatewayError)) throw error;
    add({ checkId: 'config.invalid', severity: 'critical', title: 'The gateway refuses this config', detail: error.message, fix: 'Correct the entry named above.' });
  }
  for (const entry of gateway.trustedProxies ?? []) {
    const parsed = parseCidr(entry);
    if (parsed === undefined) continue; // reported above
    const isBroad = parsed.family === 'ipv4' ? parsed.prefix < 8 : parsed.prefix < 32;
    if (isBroad) {
      add({
        checkId: 'gateway.trusted_proxies_too_broad',
        severity: 'critical',
        title: 'A trusted proxy range covers much of the internet',
        detail: `gateway.trustedProxies contains "${entry}": any peer in it can claim any client address with X-Forwarded-For and escape the rate limit.`,
        fix: "List only your reverse proxies' own addresses (e.g. 127.0.0.1 for a same-host nginx).",
      });
    }
  }
  if ((gateway.trustedProxies ?? []).length === 0 && !isLoopbackOnly) {
    add({
      checkId: 'gateway.trusted_proxies_missing',
      severity: 'info',
      title: 'No trusted proxies',
      detail: 'Forwarded headers are ignored, so behind a reverse proxy every client shares the proxy address for rate limiting (nothing is ever treated as local through it).',
      fix: 'If a reverse proxy fronts the gateway, set gateway.trustedProxies to its address and have it overwrite X-Forwarded-For.',
    });
  }
  for (const origin of gateway.controlUi?.allowedOrigins ?? []) {
    if (origin.trim() === '*') {
      add({
        checkId: 'gateway.control_ui.allowed_origins_wildcard',
        severity: 'critical',
        title: 'Every web page may open a WebSocket to the gateway',
        detail: 'gateway.controlUi.allowedOrigins contains "*": any site the owner visits can connect from the browser and guess credentials (cross-site WebSocket hijacking).',
        fix: 'Replace "*" with the exact origins that serve your UI (e.g. https://gateway.example.com).',
      });
      continue;
    }
    const host = safeUrl(origin);
    if (host?.protocol === 'http:' && !isLoopbackHost(host.hostname.replace(/^\[|\]$/g, ''))) {
      add({
        checkId: 'gateway.control_ui.allowed_origin_insecure',
        severity: 'warn',
        title: 'An allowed origin is plain HTTP',
        detail: `"${origin}" is served without TLS: anyone on the path can inject script into that origin and use it to reach the gateway.`,
        fix: `Serve the UI over https and list "${origin.replace(/^http:/, 'https:')}" instead.`,
      });
    }
  }
}

function checkTransport(config: ClawgateConfig, isLoopbackOnly: boolean, bind: string, add: Add): void {
  const gateway = (config.gateway ?? {}) as Record<string, unknown>;
  const tls = asRecord(gateway['tls']);
  const tailscale = asRecord(gateway['tailscale']);
  const tailscaleMode = typeof tailscale?.['mode'] === 'string' ? tailscale['mode'] : 'off';
  const isTlsOn = tls?.['enabled'] === true;
  if (!isLoopbackOnly && !isTlsOn) {
    add({
      checkId: 'gateway.plaintext_network_bind',
      severity: bind === 'tailnet' ? 'info' : 'warn',
      title: 'Credentials cross the network unencrypted',
      detail: `bind "${bind}" without gateway.tls: ws:// carries the token in clear text${bind === 'tailnet' ? ' (inside the tailnet WireGuard tunnel, which encrypts it)' : ''}.`,
      fix: 'Keep gateway.bind "loopback" and reach it with an SSH tunnel or `tailscale serve`, or enable TLS.',
    });
  }
  if (tailscaleMode === 'funnel') {
    const authMode = config.gateway?.auth?.mode;
    add({
      checkId: 'gateway.tailscale_funnel',
      severity: authMode === 'password' ? 'warn' : 'critical',
      title: 'Tailscale Funnel publishes the gateway on the public internet',
      detail: `gateway.tailscale.mode is "funnel": anyone on the internet can reach the port${authMode === 'password' ? '' : ', and auth mode is not "password" (OpenClaw refuses to start this way)'}.`,
      fix: 'Use gateway.tailscale.mode "serve" (tailnet only) unless the gateway must be public.',
    });
  }
  if (config.gateway?.auth?.allowTailscale === true && tailscaleMode !== 'serve') {
    add({
      checkId: 'gateway.allow_tailscale_without_serve',
      severity: 'warn',
      title: 'Tailscale identity trusted without Tailscale Serve',
      detail: `gateway.auth.allowTailscale is true but gateway.tailscale.mode is "${tailscaleMode}": no Serve proxy sets the identity headers, so only a spoofer would.`,
      fix: 'Remove gateway.auth.allowTailscale, or set gateway.tailscale.mode "serve".',
    });
  }
  const keyPath = typeof tls?.['keyPath'] === 'string' ? tls['keyPath'] : undefined;
  if (isTlsOn && keyPath !== undefined) {
    const mode = modeOf(keyPath);
    if (mode !== undefined && (mode & 0o077) !== 0) {
      add({
        checkId: 'fs.tls_key_perms',
        severity: 'critical',
        title: 'TLS private key is readable by others',
        detail: `${keyPath} has mode ${mode.toString(8)}.`,
        fix: `chmod 600 ${keyPath}`,
      });
    }
  }
}

function checkPermissions(input: AuditInput, add: Add): void {
  const entries = listStateEntries(input.paths);
  if (!entries.some((entry) => entry.path === input.configPath) && dirname(input.configPath) !== input.paths.stateDir) {
    const mode = modeOf(input.configPath);
    if (mode !== undefined) entries.push({ path: input.configPath, kind: 'file', mode });
  }
  for (const entry of entries) {
    if (!isLooserThanPrivate(entry)) continue;
    const role = describeEntry(entry, input);
    const isCritical = role.holdsSecrets || (entry.mode & 0o002) !== 0;
    add({
      checkId: role.checkId,
      severity: isCritical ? 'critical' : 'warn',
      title: `${role.label} is accessible to other users`,
      detail: `${entry.path} has mode ${entry.mode.toString(8)}${role.holdsSecrets ? ' and holds secrets' : ''}; it should be ${entry.kind === 'dir' ? '700' : '600'}.`,
      fix: `chmod ${entry.kind === 'dir' ? '700' : '600'} ${entry.path}`,
    });
  }
}

function describeEntry(entry: PermissionEntry, input: AuditInput): { checkId: string; label: string; holdsSecrets: boolean } {
  const auth = input.config.gateway?.auth;
  const remote = input.config.gateway?.remote;
  if (entry.path === input.paths.stateDir) return { checkId: 'fs.state_dir_perms', label: 'The state directory', holdsSecrets: false };
  if (entry.path === input.configPath) {
    const holdsSecrets = [auth?.token, auth?.password, remote?.token, remote?.password].some((value) => value !== undefined);
    return { checkId: 'fs.config_perms', label: 'The config file', holdsSecrets };
  }
  if (entry.path === input.paths.tokenPath) return { checkId: 'fs.token_perms', label: 'The generated token file', holdsSecrets: true };
  if (entry.path === input.paths.logPath || entry.path === input.paths.logDir) return { checkId: 'fs.log_perms', label: 'The gateway log', holdsSecrets: false };
  return { checkId: 'fs.state_file_perms', label: `State ${entry.kind === 'dir' ? 'directory' : 'file'} ${entry.path}`, holdsSecrets: false };
}

/** Counts findings by severity. */
export function summarize(findings: readonly AuditFinding[]): Record<Severity, number> {
  const summary: Record<Severity, number> = { critical: 0, warn: 0, info: 0 };
  for (const finding of findings) summary[finding.severity]++;
  return summary;
}

function modeOf(path: string): number | undefined {
  try {
    return lstatSync(path).mode & 0o777;
  } catch {
    return undefined;
  }
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function safeUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

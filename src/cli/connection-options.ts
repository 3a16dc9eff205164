/**
 * @module cli/connection-options — the flags every gateway-calling command shares, target resolution,
 * and turning call failures into one clear line plus a fix and a documented exit code.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import {
  DEFAULT_KEEPALIVE_INTERVAL_MS,
  callContract,
  callGateway,
  GatewayRequestError,
  GatewayTransportError,
  type CallGatewayOptions,
  type CallGatewayResult,
} from '../client/index.js';
import { findOwnerSocket, readGeneratedToken, type StatePaths } from '../config/index.js';
import { GatewayError, DEFAULT_RPC_TIMEOUT_MS, normalizeTlsFingerprint, type ContractParams, type ContractResult, type MethodContract } from '../protocol/index.js';
import { ensureTunnel, resolveTarget, type ResolvedTarget } from '../remote/index.js';
import type { CliContext } from './context.js';
import { CliError, ExitCode } from './exit-codes.js';
import { readRunState } from './run-state.js';

export interface ConnectionFlags {
  url?: string;
  token?: string;
  password?: string;
  timeout?: string;
  port?: string;
  json?: boolean;
  tlsFingerprint?: string;
}

/** Adds `--url --token --password --timeout --port --json` to a command. */
export function withConnectionOptions(command: Command): Command {
  return command
    .option('--url <url>', 'gateway WebSocket URL (then --token or --password is required)')
    .option('--token <token>', 'gateway token')
    .option('--password <password>', 'gateway password')
    .option('--port <port>', 'local gateway port (not with --url)')
    .option('--tls-fingerprint <sha256>', 'pin the gateway certificate (wss:// only): 64 hex, colons and sha256: accepted')
    .option('--timeout <ms>', 'timeout in milliseconds', String(DEFAULT_RPC_TIMEOUT_MS))
    .option('--json', 'print JSON', false);
}

export function parseTimeoutMs(flags: ConnectionFlags): number {
  const value = Number(flags.timeout ?? DEFAULT_RPC_TIMEOUT_MS);
  if (!Number.isInteger(value) || value < 1 || value > 600_000) {
    throw new CliError(`--timeout must be a whole number of milliseconds between 1 and 600000 (got ${flags.timeout})`, ExitCode.USAGE);
  }
  return value;
}

export function parsePort(raw: string | undefined, flag = '--port'): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) throw new CliError(`${flag} must be a port number (1-65535), got "${raw}"`, ExitCode.USAGE);
  return value;
}

/** Resolves the target with the seed's credential rules; refusals happen here, before any socket opens. */
export function resolveCliTarget(context: CliContext, flags: ConnectionFlags): ResolvedTarget {
  if (flags.url !== undefined && flags.port !== undefined) throw new CliError('--port and --url cannot be combined', ExitCode.USAGE);
  try {
    return resolveTarget({
      flags: { url: flags.url, token: flags.token, password: flags.password, port: parsePort(flags.port), tlsFingerprint: flags.tlsFingerprint },
      env: context.gatewayEnv,
      config: context.config().config,
      readGeneratedToken: () => readGeneratedToken(context.paths),
      readLocalTlsFingerprint: () => readLocalTlsFingerprint(context),
      readOwnerSocket: () => findOwnerSocket(context.paths.stateDir),
    });
  } catch (error) {
    if (error instanceof GatewayError) {
      const exitCode = error.code === 'URL_OVERRIDE_REQUIRES_CREDENTIALS' || error.code === 'SSH_TARGET_INVALID' ? ExitCode.USAGE : ExitCode.CONFIG;
      throw new CliError(error.message, exitCode);
    }
    throw error;
  }
}

/** The local gateway's certificate fingerprint, read from its cert file (undefined when unreadable). */
function readLocalTlsFingerprint(context: CliContext): string | undefined {
  const certPath = context.config().config.gateway?.tls?.certPath ?? join(context.paths.stateDir, 'tls', 'gateway-cert.pem');
  try {
    return normalizeTlsFingerprint(new X509Certificate(readFileSync(certPath)).fingerprint256);
  } catch {
    return undefined;
  }
}

/**
 * Makes the target reachable: for an ssh-tunnel target, brings the supervised tunnel up on demand
 * and points the URL at its local end. Other targets are returned as they are.
 */
export async function prepareTarget(context: CliContext, target: ResolvedTarget, timeoutMs: number): Promise<ResolvedTarget> {
  if (target.ssh === undefined) return target;
  try {
    const state = await ensureTunnel({ stateDir: context.paths.stateDir, spec: target.ssh, timeoutMs: Math.max(timeoutMs, 20_000) });
    return { ...target, url: `ws://127.0.0.1:${state.localPort}` };
  } catch (error) {
    if (error instanceof GatewayError) {
      const fix = typeof error.details['fix'] === 'string' ? `\nFix: ${error.details['fix']}` : '';
      throw new CliError(`${error.message}${fix}`, ExitCode.UNREACHABLE);
    }
    throw error;
  }
}

/** How a command calls the target: its budget and context (scopes come from the contract). */
export interface CallTargetOptions {
  timeoutMs: number;
  context: CliContext;
}

/**
 * Calls one method by its contract as an operator asking for the scopes the contract derives for
 * these params; the result is typed (and validated in tests and CI). Failures become `CliError`s.
 */
export async function callTarget<C extends MethodContract>(
  target: ResolvedTarget,
  contract: C,
  params: ContractParams<C>,
  options: CallTargetOptions,
): Promise<CallGatewayResult<ContractResult<C>>> {
  const ready = await prepareTarget(options.context, target, options.timeoutMs);
  try {
    return await callContract(contract, params, { ...clientOptions(ready, options.timeoutMs), ...validation(options.context) });
  } catch (error) {
    throw describeCallFailure(error, target, options.context.paths);
  }
}

/** A raw call by method name (`gateway call`): the caller picks the scopes and whether to wait past an ack. */
export async function callTargetRaw(
  target: ResolvedTarget,
  method: string,
  params: unknown,
  options: CallTargetOptions & { scopes: string[]; expectFinal: boolean },
): Promise<CallGatewayResult<unknown>> {
  const ready = await prepareTarget(options.context, target, options.timeoutMs);
  try {
    return await callGateway(method, params, { ...clientOptions(ready, options.timeoutMs), scopes: options.scopes, expectFinal: options.expectFinal });
  } catch (error) {
    throw describeCallFailure(error, target, options.context.paths);
  }
}

function clientOptions(ready: ResolvedTarget, timeoutMs: number): CallGatewayOptions {
  return {
    url: ready.url,
    token: ready.token,
    password: ready.password,
    tlsFingerprint: ready.tlsFingerprint,
    timeoutMs,
    // A call that may wait longer than a proxy's idle cut-off (an agent run) pings every 20 s.
    ...(timeoutMs > DEFAULT_KEEPALIVE_INTERVAL_MS ? { keepalive: {} } : {}),
  };
}

/** CLAWGATE_VALIDATE_RESULTS=1 in the command's environment turns result validation on (tests, CI). */
function validation(context: CliContext): { validateResults?: boolean } {
  return context.env['CLAWGATE_VALIDATE_RESULTS'] === '1' ? { validateResults: true } : {};
}

/** Maps a client failure to a one-line message, a fix, and the exit code. */
export function describeCallFailure(error: unknown, target: ResolvedTarget, paths?: StatePaths): CliError {
  const where = `Gateway target: ${target.url} (${target.sourceLabel})`;
  if (error instanceof GatewayError) {
    // Refused by client-side policy before anything was sent (plaintext ws://, bad pin).
    return new CliError(`${error.message}\n${where}`, ExitCode.USAGE);
  }
  if (error instanceof GatewayRequestError) {
    if (error.isAuthFailure) {
      return new CliError(`${error.message} [${error.detailCode}]\n${where}\nFix: ${authFix(error.detailCode, target, paths)}`, ExitCode.AUTH_FAILED);
    }
    return new CliError(`${error.method} failed: ${error.message} [${error.detailCode}]\n${where}`, ExitCode.FAILURE);
  }
  if (error instanceof GatewayTransportError) {
    return new CliError(`${error.message}\n${where}\nFix: ${transportFix(error, target)}`, ExitCode.UNREACHABLE);
  }
  return new CliError(`unexpected error: ${error instanceof Error ? error.message : String(error)}`, ExitCode.FAILURE);
}

function authFix(code: string, target: ResolvedTarget, paths: StatePaths | undefined): string {
  switch (code) {
    case 'AUTH_TOKEN_MISSING':
    case 'AUTH_PASSWORD_MISSING':
      return target.isRemote
        ? 'pass --token/--password, or set gateway.remote.token in the config'
        : `pass --token, or run this on the gateway host (it reads the generated token), or set CLAWGATE_GATEWAY_TOKEN${paths === undefined ? '' : `; this CLI looked in ${paths.tokenPath}: a gateway started with another --profile or CLAWGATE_STATE_DIR keeps its token in that state dir`}`;
    case 'AUTH_TOKEN_MISMATCH':
      if (target.credentialSource === 'generated token') return generatedTokenMismatchFix(paths);
      return `the credential from ${target.credentialSource} is wrong; on the gateway host, \`clawgate gateway auth-token\` prints the right token`;
    case 'AUTH_PASSWORD_MISMATCH':
      return `the credential from ${target.credentialSource} is wrong; on the gateway host, \`clawgate gateway auth-token\` prints the right token`;
    case 'AUTH_RATE_LIMITED':
      return 'too many failed attempts from this address; wait and retry with the right credential';
    default:
      return 'check the credential, or ask the gateway owner to approve this device';
  }
}

/**
 * The CLI sent the generated token but the gateway wants another one: it was started with an explicit
 * token (`--token`, CLAWGATE_GATEWAY_TOKEN, gateway.auth.token) or uses another state dir / profile.
 * The run-state file of a gateway started from this state dir names its secret's source.
 */
function generatedTokenMismatchFix(paths: StatePaths | undefined): string {
  const running = paths === undefined ? undefined : readRunState(paths.stateDir);
  const sent = `this CLI sent the generated token${paths === undefined ? '' : ` from ${paths.tokenPath}`}`;
  if (running !== undefined && !running.authSource.startsWith('generated')) {
    return `${sent}, but the gateway running here (pid ${running.pid}, port ${running.port}) takes its ${running.authMode} from ${running.authSource}: pass the same secret with --token/--password or export CLAWGATE_GATEWAY_TOKEN`;
  }
  return [
    `${sent}, but the gateway uses another one. Likely causes:`,
    '- it was started with --token, CLAWGATE_GATEWAY_TOKEN or gateway.auth.token (the generated token is then unused): pass that token with --token or export CLAWGATE_GATEWAY_TOKEN;',
    `- it runs with another --profile or CLAWGATE_STATE_DIR (this CLI uses ${paths?.stateDir ?? 'the default state dir'}): use the same one.`,
  ].join('\n     ');
}

function transportFix(error: GatewayTransportError, target: ResolvedTarget): string {
  if (error.kind === 'ECONNREFUSED') {
    return target.isRemote
      ? 'nothing is listening there: check the SSH tunnel (ssh -N -L 18789:127.0.0.1:18789 user@host) or the URL'
      : 'no gateway is running on this port: start one with `clawgate gateway run`';
  }
  if (error.kind === 'TIMEOUT') return 'the gateway did not answer in time: check the host is up, or raise --timeout';
  if (error.kind === 'CLOSED' && error.closeCode === 1002) return 'protocol mismatch: upgrade the older side';
  if (error.kind === 'TLS_FINGERPRINT_MISMATCH') return 'do not send credentials to this server until the fingerprint is explained (see above)';
  if (/CERT|TLS|SSL/.test(error.kind)) {
    return 'TLS failed: check the URL scheme (ws:// vs wss://); for a self-signed gateway certificate pin it with --tls-fingerprint (`clawgate status --deep` shows the fingerprint the server presents)';
  }
  return 'check the URL and that the gateway is running';
}

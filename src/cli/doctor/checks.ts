/**
 * @module cli/doctor/checks — the findings of `clawgate doctor`, each with the exact fix, and which of
 * them `--fix` may apply (only the safe ones: tighten state permissions, create a missing token).
 *
 * Checks that need the network or other programs take them through `DoctorProbes`, so each is tested
 * with a real socket or a real missing binary rather than a mock of the logic.
 */
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { DEFAULT_GATEWAY_PORT, isLooserThanPrivate, listStateEntries, loadConfig, readGeneratedToken, type ClawgateConfig, type ConfigSection, type GatewayEnv, type StatePaths } from '../../config/index.js';
import { GatewayError } from '../../protocol/index.js';
import { listTunnelStates, isProcessAlive } from '../../remote/index.js';
import { estimateSecretBits, MINIMUM_TOKEN_BITS, RECOMMENDED_TOKEN_BITS } from '../../security/index.js';
import { readRunState } from '../run-state.js';

export type FindingStatus = 'ok' | 'warn' | 'fail' | 'info';

export interface Finding {
  id: string;
  status: FindingStatus;
  title: string;
  detail: string;
  /** The exact command or edit that fixes it (absent when ok). */
  fix?: string;
  /** Set when `--fix` may apply it unattended. */
  safeFix?: 'permissions' | 'token';
}

export interface DoctorInput {
  paths: StatePaths;
  env: GatewayEnv;
  processEnv: NodeJS.ProcessEnv;
}

/** Config validity; returns the parsed config (empty when invalid) for the other checks. */
export function checkConfig(paths: StatePaths, sections: readonly ConfigSection[] = []): { finding: Finding; config: ClawgateConfig } {
  try {
    const loaded = loadConfig(paths.configPath, { sections });
    const detail = loaded.exists ? `${paths.configPath} is valid` : `${paths.configPath} does not exist (defaults apply)`;
    return { finding: { id: 'config', status: 'ok', title: 'config', detail }, config: loaded.config };
  } catch (error) {
    const detail = error instanceof GatewayError ? error.message : String(error);
    return {
      finding: { id: 'config', status: 'fail', title: 'config', detail, fix: `edit ${paths.configPath}, or use \`clawgate config set|unset <path>\` (both name the offending key)` },
      config: {},
    };
  }
}

export function checkPermissions(paths: StatePaths): Finding {
  if (!existsSync(paths.stateDir)) return { id: 'permissions', status: 'info', title: 'state dir permissions', detail: `${paths.stateDir} does not exist yet (created 0700 on first use)` };
  const loose = listStateEntries(paths).filter(isLooserThanPrivate);
  if (loose.length === 0) return { id: 'permissions', status: 'ok', title: 'state dir permissions', detail: `${paths.stateDir} is private (dirs 0700, files 0600)` };
  const listed = loose.slice(0, 5).map((entry) => `${entry.path} (${entry.mode.toString(8).padStart(4, '0')})`).join(', ');
  return {
    id: 'permissions',
    status: 'fail',
    title: 'state dir permissions',
    detail: `readable by others: ${listed}${loose.length > 5 ? ` and ${loose.length - 5} more` : ''}`,
    fix: `clawgate doctor --fix   (or: chmod -R go-rwx ${paths.stateDir})`,
    safeFix: 'permissions',
  };
}

/** The token the gateway would use, where it comes from, and how strong it is. */
export function checkToken(paths: StatePaths, env: GatewayEnv, config: ClawgateConfig): Finding {
  const auth = config.gateway?.auth ?? {};
  const mode = auth.mode ?? (auth.password !== undefined && auth.token === undefined && env.token === undefined ? 'password' : 'token');
  if (mode === 'none') return { id: 'token', status: 'warn', title: 'gateway secret', detail: 'gateway.auth.mode is "none": any local process can connect', fix: 'clawgate config unset gateway.auth.mode' };
  const [secret, source] =
    mode === 'password'
      ? [env.password ?? auth.password, env.password !== undefined ? (env.sources.password ?? 'env') : 'gateway.auth.password']
      : env.token !== undefined
        ? [env.token, env.sources.token ?? 'env']
        : auth.token !== undefined
          ? [auth.token, 'gateway.auth.token']
          : [readGeneratedToken(paths), `generated token file ${paths.tokenPath}`];
  if (secret === undefined) {
    return {
      id: 'token',
      status: mode === 'password' ? 'fail' : 'warn',
      title: 'gateway secret',
      detail: mode === 'password' ? 'password mode without a password: the gateway will refuse to start' : `no token yet (${paths.tokenPath} is created on the first start)`,
      fix: mode === 'password' ? 'clawgate config set gateway.auth.password "<a long random password>"' : 'clawgate doctor --fix   (creates the generated token now, mode 0600)',
      ...(mode === 'password' ? {} : { safeFix: 'token' as const }),
    };
  }
  const bits = estimateSecretBits(secret);
  const strongFix = `clawgate config set gateway.auth.${mode} "$(openssl rand -base64 32)"${source.startsWith('generated') ? '' : ` (it comes from ${source})`}`;
  if (bits < MINIMUM_TOKEN_BITS) return { id: 'token', status: 'fail', title: 'gateway secret', detail: `the ${mode} from ${source} is guessable (~${bits} bits, minimum ${MINIMUM_TOKEN_BITS})`, fix: strongFix };
  if (bits < RECOMMENDED_TOKEN_BITS) return { id: 'token', status: 'warn', title: 'gateway secret', detail: `the ${mode} from ${source} is weak (~${bits} bits, ${RECOMMENDED_TOKEN_BITS} recommended)`, fix: strongFix };
  return { id: 'token', status: 'ok', title: 'gateway secret', detail: `${mode} from ${source} (~${bits} bits)` };
}

/** Who holds the gateway port on loopback: our gateway, another gateway, another program, or nobody. */
export async function checkPort(paths: StatePaths, env: GatewayEnv, config: ClawgateConfig): Promise<Finding> {
  const port = env.port ?? config.gateway?.port ?? DEFAULT_GATEWAY_PORT;
  const title = `port ${port}`;
  if (!(await isListening(port))) {
    return { id: 'port', status: 'info', title, detail: 'nothing listens on 127.0.0.1 (the gateway is not running)', fix: 'clawgate gateway run (foreground) or clawgate gateway install (service)' };
  }
  const readiness = await httpStatusJson(port, '/readyz');
  const isGateway = readiness !== undefined && typeof readiness['status'] === 'string' && 'ok' in readiness;
  const ours = readRunState(paths.stateDir);
  if (isGateway && ours !== undefined && ours.port === port) {
    return { id: 'port', status: 'ok', title, detail: `our gateway (pid ${ours.pid}, ${String(readiness['status'])}, auth from ${ours.authSource})` };
  }
  if (isGateway) {
    return { id: 'port', status: 'warn', title, detail: `a gateway answers (${String(readiness['status'])}) but it was not started from ${paths.stateDir} (another profile, a service, or OpenClaw)`, fix: `find it: ss -ltnp 'sport = :${port}'; use the same --profile / CLAWGATE_STATE_DIR as that gateway` };
  }
  return { id: 'port', status: 'fail', title, detail: 'another program listens on it: the gateway cannot start', fix: `find it: ss -ltnp 'sport = :${port}'; or move the gateway: clawgate config set gateway.port <free port>` };
}

/** SSH tunnel and Tailscale state, when configured. */
export async function checkRemote(paths: StatePaths, config: ClawgateConfig, hasBinary: (name: string) => Promise<boolean>): Promise<Finding[]> {
  const findings: Finding[] = [];
  const ssh = config.gateway?.remote?.ssh;
  if (ssh !== undefined) {
    const states = listTunnelStates(paths.stateDir).filter((state) => state.target === ssh.target);
    const live = states.find((state) => isProcessAlive(state.supervisorPid));
    findings.push(
      live === undefined
        ? { id: 'tunnel', status: 'info', title: 'ssh tunnel', detail: `configured to ${ssh.target}, not running (commands start it on demand)`, fix: 'clawgate tunnel up' }
        : { id: 'tunnel', status: live.state === 'up' ? 'ok' : 'warn', title: 'ssh tunnel', detail: `${ssh.target}: ${live.state} on 127.0.0.1:${live.localPort}, ${live.restarts} restart(s)${live.lastError === undefined ? '' : `, last error: ${live.lastError.message}`}`, ...(live.state === 'up' ? {} : { fix: 'clawgate tunnel status; clawgate tunnel down && clawgate tunnel up' }) },
    );
  }
  const tailscale = config.gateway?.tailscale?.mode ?? 'off';
  if (tailscale !== 'off') {
    findings.push(
      (await hasBinary('tailscale'))
        ? { id: 'tailscale', status: 'ok', title: 'tailscale', detail: `mode ${tailscale}; the tailscale CLI is on PATH (\`tailscale status\` shows the tailnet)` }
        : { id: 'tailscale', status: 'fail', title: 'tailscale', detail: `gateway.tailscale.mode is "${tailscale}" but the tailscale CLI is not on PATH`, fix: 'install Tailscale (https://tailscale.com/download), or: clawgate config set gateway.tailscale.mode off' },
    );
  }
  if (findings.length === 0) findings.push({ id: 'remote', status: 'info', title: 'remote access', detail: 'no ssh tunnel or Tailscale configured' });
  return findings;
}

/** Clock skew against the configured remote gateway (its HTTP Date header); a local gateway shares our clock. */
export async function checkClock(config: ClawgateConfig, nowMs: () => number): Promise<Finding> {
  const remote = config.gateway?.remote?.url;
  if (remote === undefined) return { id: 'clock', status: 'info', title: 'clock skew', detail: 'not applicable: the gateway is local (same clock)' };
  const url = new URL(remote.replace(/^ws/, 'http'));
  url.pathname = '/healthz';
  const date = await httpDate(url);
  if (date === undefined) return { id: 'clock', status: 'info', title: 'clock skew', detail: `could not read the time of ${url.host} (unreachable?)` };
  const skewMs = Math.abs(date - nowMs());
  // Device signatures are checked against the gateway's clock (OpenClaw allows a few minutes).
  if (skewMs > 120_000) return { id: 'clock', status: 'fail', title: 'clock skew', detail: `this clock differs from ${url.host} by ${Math.round(skewMs / 1000)} s: device sign-ins will be refused`, fix: 'enable time sync on both hosts (timedatectl set-ntp true)' };
  return { id: 'clock', status: 'ok', title: 'clock skew', detail: `within ${Math.max(1, Math.round(skewMs / 1000))} s of ${url.host} (HTTP Date has 1 s resolution)` };
}

/** Models and channels arrive with the agent; until then this says so rather than guessing. */
/**
 * Model providers and channels: one live request each with the configured credential (a GET of the
 * provider's model list, Telegram's getMe). Loaded on demand: the probes live with the features.
 */
export async function checkModels(config: ClawgateConfig, env: NodeJS.ProcessEnv, timeoutMs = 5000): Promise<Finding[]> {
  const { probeFeatureReachability } = await import('../../daemon/index.js');
  return probeFeatureReachability(config, { env, timeoutMs });
}

/** True when something accepts TCP connections on 127.0.0.1:`port` (1.5 s budget). */
export function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const finish = (result: boolean): void => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(1500, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

function httpStatusJson(port: number, path: string): Promise<Record<string, unknown> | undefined> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', timeout: 1500 }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body = body.length < 4096 ? body + chunk : body));
      response.on('end', () => {
        try {
          const parsed: unknown = JSON.parse(body);
          resolve(typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined);
        } catch {
          resolve(undefined);
        }
      });
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end();
  });
}

async function httpDate(url: URL): Promise<number | undefined> {
  try {
    const response = await fetch(url, { method: 'HEAD', signal: AbortSignal.timeout(3000) });
    const header = response.headers.get('date');
    return header === null ? undefined : Date.parse(header);
  } catch {
    return undefined;
  }
}

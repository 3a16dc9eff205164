/**
 * @module remote/ssh-tunnel — one `ssh -N -L` port forward: build the command, start it, know when it listens.
 *
 * The command follows OpenClaw's tunnel (src/infra/ssh-tunnel.ts and the macOS RemotePortTunnel):
 * BatchMode so ssh never prompts, ExitOnForwardFailure so a refused forward ends the process,
 * ServerAlive* so a dead path is noticed within ~45 s, and no connection sharing (ControlMaster=no,
 * ControlPath=none) so the pid we watch is the process that carries the forward. The local end is
 * bound to 127.0.0.1 only. The process is spawned through an injected spawner.
 */
import { spawn as spawnProcess } from 'node:child_process';
import { createServer, connect as connectTcp } from 'node:net';
import type { Readable } from 'node:stream';
import type { SshHostKeyPolicy } from '../config/index.js';
import { GatewayError } from '../protocol/index.js';
import { classifySshStderr, describeSshExit, type SshError } from './ssh-errors.js';
import { formatSshTarget, type SshTarget } from './ssh-target.js';
import { isListenerOwnedBy } from './listener-owner.js';

/** Everything that determines one tunnel. */
export interface SshTunnelSpec {
  target: SshTarget;
  identity?: string | undefined;
  knownHostsFile?: string | undefined;
  /** Gateway port on the remote host. */
  remotePort: number;
  /** Preferred local port. */
  localPort: number;
  hostKeyPolicy: SshHostKeyPolicy;
  /** ssh ConnectTimeout, seconds (default 10). */
  connectTimeoutS?: number;
}

/** The part of a child process the tunnel uses (node's ChildProcess satisfies it). */
export interface SpawnedProcess {
  readonly pid?: number | undefined;
  readonly stderr: Readable | null;
  kill(signal?: NodeJS.Signals): boolean;
  once(event: 'exit', listener: (code: number | null, signal: NodeJS.Signals | null) => void): unknown;
  once(event: 'error', listener: (error: Error) => void): unknown;
}

export type Spawner = (command: string, args: readonly string[]) => SpawnedProcess;

/** Spawns the system ssh with stdin/stdout closed and stderr captured. */
export const defaultSpawner: Spawner = (command, args) => spawnProcess(command, [...args], { stdio: ['ignore', 'ignore', 'pipe'] });

/** The ssh argument list (without the program name). */
export function buildSshArgs(spec: SshTunnelSpec, localPort: number): string[] {
  const args = [
    '-N',
    '-o', 'BatchMode=yes',
    '-o', 'ExitOnForwardFailure=yes',
    '-o', 'ServerAliveInterval=15',
    '-o', 'ServerAliveCountMax=3',
    '-o', 'TCPKeepAlive=yes',
    '-o', `ConnectTimeout=${spec.connectTimeoutS ?? 10}`,
    '-o', 'ControlMaster=no',
    '-o', 'ControlPath=none',
    '-o', 'ControlPersist=no',
    '-L', `127.0.0.1:${localPort}:127.0.0.1:${spec.remotePort}`,
    '-p', String(spec.target.port),
  ];
  if (spec.hostKeyPolicy === 'strict') args.push('-o', 'StrictHostKeyChecking=yes');
  if (spec.knownHostsFile !== undefined) args.push('-o', `UserKnownHostsFile=${spec.knownHostsFile}`);
  // IdentitiesOnly only with an explicit key, so agents (1Password, ssh-agent) keep working otherwise.
  if (spec.identity !== undefined) args.push('-o', 'IdentitiesOnly=yes', '-i', spec.identity);
  const destination = spec.target.user === undefined ? spec.target.host : `${spec.target.user}@${spec.target.host}`;
  args.push('--', destination);
  return args;
}

/** True when something accepts TCP connections on 127.0.0.1:port. */
export function isPortListening(port: number, timeoutMs = 250): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connectTcp({ host: '127.0.0.1', port });
    const done = (result: boolean): void => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** `preferred` when it can be bound on 127.0.0.1, else a free port the OS picks. */
export async function pickLocalPort(preferred: number): Promise<number> {
  const tryBind = (port: number): Promise<number | undefined> =>
    new Promise((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(undefined));
      server.listen({ host: '127.0.0.1', port, exclusive: true }, () => {
        const address = server.address();
        const bound = typeof address === 'object' && address !== null ? address.port : undefined;
        server.close(() => resolve(bound));
      });
    });
  return (await tryBind(preferred)) ?? (await tryBind(0)) ?? preferred;
}

export interface RunningTunnel {
  readonly pid: number | undefined;
  readonly localPort: number;
  /** Resolves when ssh exits, with the reason in plain words. */
  readonly exited: Promise<SshError>;
  /** stderr so far (last 4 KiB). */
  stderr(): string;
  /** SIGTERM, then SIGKILL after 1.5 s. */
  stop(): Promise<void>;
}

export interface StartTunnelOptions {
  spawner?: Spawner;
  sshCommand?: string;
  /** How long to wait for the local port to listen (default 15 s). */
  readyTimeoutMs?: number;
  /** Local port to use instead of picking one (restarts reuse the port clients already know). */
  localPort?: number;
  /**
   * Called with a recognised error that ssh printed while it kept running (a refused forward or a
   * closed remote port shows up only when a connection is made through the tunnel).
   */
  onRuntimeError?: (error: SshError) => void;
  /** Who owns the listener on the local port (default: /proc lookup; undefined = cannot tell). */
  isListenerOwnedBy?: (pid: number, port: number) => boolean | undefined;
}

/** True when 127.0.0.1:port can be bound right now (nothing else listens there). */
export async function isPortFree(port: number): Promise<boolean> {
  return (await pickLocalPort(port)) === port && !(await isPortListening(port));
}

const STDERR_TAIL_BYTES = 4096;

/** Starts ssh and resolves once the local end listens; throws SSH_TUNNEL_FAILED (with ssh's reason) otherwise. */
export async function startSshTunnel(spec: SshTunnelSpec, options: StartTunnelOptions = {}): Promise<RunningTunnel> {
  const localPort = options.localPort ?? (await pickLocalPort(spec.localPort));
  const target = formatSshTarget(spec.target);
  // A port someone else holds would look "listening" at once and receive the token (issue 12, hole 8).
  if (!(await isPortFree(localPort))) throw localPortBusy(target, localPort);
  const child = (options.spawner ?? defaultSpawner)(options.sshCommand ?? 'ssh', buildSshArgs(spec, localPort));
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_TAIL_BYTES);
    const runtime = classifySshStderr(chunk);
    if (runtime !== undefined && (runtime.kind === 'forward_refused' || runtime.kind === 'remote_port_closed')) options.onRuntimeError?.(runtime);
  });
  let hasExited = false;
  const exited = new Promise<SshError>((resolve) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      hasExited = true;
      resolve(
        error.code === 'ENOENT'
          ? { kind: 'ssh_missing', message: 'the ssh client is not installed', fix: 'install OpenSSH (apt-get install openssh-client)' }
          : { kind: 'exited', message: `ssh could not start: ${error.message}`, fix: 'check the ssh client' },
      );
    });
    child.once('exit', (code, signal) => {
      hasExited = true;
      // Let the last stderr chunk arrive before classifying.
      setImmediate(() => resolve(describeSshExit(stderr, code, signal)));
    });
  });
  const tunnel: RunningTunnel = {
    pid: child.pid,
    localPort,
    exited,
    stderr: () => stderr,
    stop: async () => {
      if (hasExited) return;
      child.kill('SIGTERM');
      const killTimer = setTimeout(() => child.kill('SIGKILL'), 1500);
      await exited;
      clearTimeout(killTimer);
    },
  };
  const deadline = Date.now() + (options.readyTimeoutMs ?? 15_000);
  const ownerOf = options.isListenerOwnedBy ?? isListenerOwnedBy;
  while (!hasExited) {
    if (await isPortListening(localPort)) {
      // Someone may have taken the port between the check and ssh's bind: only ssh's own listener counts.
      if (child.pid === undefined || ownerOf(child.pid, localPort) !== false) return tunnel;
      if (Date.now() > deadline || hasExited) break;
    }
    if (Date.now() > deadline) {
      await tunnel.stop();
      throw new GatewayError('SSH_TUNNEL_FAILED', { target, reason: `ssh did not open local port ${localPort} in time${stderr ? `: ${stderr.trim().split('\n').at(-1)}` : ''}`, kind: 'timeout' });
    }
    await new Promise((resolve) => setTimeout(resolve, 50)); // OpenClaw polls every 50 ms too
  }
  if (!hasExited) {
    await tunnel.stop();
    throw localPortBusy(target, localPort);
  }
  const reason = await exited;
  throw new GatewayError('SSH_TUNNEL_FAILED', { target, reason: reason.message, kind: reason.kind, fix: reason.fix });
}

function localPortBusy(target: string, localPort: number): GatewayError {
  return new GatewayError('SSH_TUNNEL_FAILED', {
    target,
    reason: `local port 127.0.0.1:${localPort} is already in use by another program; nothing was sent to it`,
    kind: 'local_port_busy',
    fix: 'stop whatever holds the port, or set gateway.remote.ssh.localPort to a free one',
  });
}

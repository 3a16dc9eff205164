/** A real node host (src/node-host) connected to a test gateway, the way most node tests need one. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeHost, allowExecutable } from '../../src/node-host/index.js';
import { eventually } from './eventually.js';
import type { TestGateway } from './gateway.js';
import { approveNode } from './node-socket.js';
import type { RawSocket } from './raw-socket.js';

export interface RunningNodeHost {
  host: NodeHost;
  /** The host's own state dir (identity, exec approvals); removed by `stop()` unless the caller gave it. */
  stateDir: string;
  stop(): void;
}

export interface NodeHostOptions {
  displayName: string;
  /** An operator.admin socket: when given, the node's command surface is approved with it. */
  admin?: RawSocket;
  /** Executables (names on PATH) added to the host's exec allowlist. */
  allow?: readonly string[];
  log?: (line: string) => void;
  /** Reuse this state dir (the same node identity across gateway restarts); the caller removes it. */
  stateDir?: string;
}

/** Starts a NodeHost with the gateway's token (and a fresh state dir unless given); resolves once it is connected (and approved). */
export async function startNodeHost(gateway: TestGateway, options: NodeHostOptions): Promise<RunningNodeHost> {
  const stateDir = options.stateDir ?? mkdtempSync(join(tmpdir(), 'clawgate-node-'));
  const host = new NodeHost({ url: gateway.url, token: gateway.token, stateDir, displayName: options.displayName, log: options.log ?? (() => undefined) });
  void host.run();
  const stop = (): void => {
    host.stop();
    if (options.stateDir === undefined) rmSync(stateDir, { recursive: true, force: true });
  };
  try {
    await eventually(() => host.state === 'connected', 'the node host to connect');
    if (options.admin !== undefined) await approveNode(options.admin, host.nodeId);
    for (const executable of options.allow ?? []) allowExecutable(host.paths.execApprovalsPath, executable, process.env['PATH']);
  } catch (error) {
    stop();
    throw error;
  }
  return { host, stateDir, stop };
}

/** @module test/helpers/gateway — start a real gateway on an ephemeral loopback port with its own state dir. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveStatePaths, type StatePaths } from '../../src/config/index.js';
import { startGateway, type StartedGateway } from '../../src/daemon/index.js';
import type { GatewayFeature, GatewayFlags } from '../../src/gateway/index.js';
import type { Clock } from '../../src/time/index.js';

export interface TestGateway extends StartedGateway {
  url: string;
  token: string | undefined;
  paths: StatePaths;
  /** JSON log lines written so far (secrets already scrubbed). */
  logLines: string[];
  stop(): Promise<void>;
}

export interface StartTestGatewayOptions {
  flags?: GatewayFlags;
  /** clawgate.json contents (JSON5 text or an object). */
  config?: string | Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
  /** Time and timers of the whole core (see test/helpers/fake-clock.ts). */
  clock?: Clock;
  /** Features to plug in through the seam (default: none, unlike `gateway run`). */
  features?: readonly GatewayFeature[];
  /** Requests one connection may run at once. */
  maxInFlightPerConnection?: number;
  /** Reuse this state dir (a restart); it is then left in place by `stop()`. */
  stateDir?: string;
}

/** A fresh state dir under the OS temp dir; removed by `stop()`. */
export function createTempStateDir(): string {
  return mkdtempSync(join(tmpdir(), 'clawgate-test-'));
}

/** Starts a gateway on 127.0.0.1 (port 0 unless flags say otherwise), token auth with a fixed test token. */
export async function startTestGateway(options: StartTestGatewayOptions = {}): Promise<TestGateway> {
  const stateDir = options.stateDir ?? createTempStateDir();
  const env = { CLAWGATE_STATE_DIR: stateDir, ...options.env };
  const paths = resolveStatePaths({ env });
  if (options.config !== undefined) {
    writeFileSync(paths.configPath, typeof options.config === 'string' ? options.config : JSON.stringify(options.config));
  }
  const flags: GatewayFlags = { port: 0, ...(options.flags?.auth === undefined && options.flags?.token === undefined && options.flags?.password === undefined ? { token: 'test-token-0123456789abcdef' } : {}), ...options.flags };
  const logLines: string[] = [];
  const started = await startGateway({
    paths,
    flags,
    env,
    logSink: { write: (line: string) => logLines.push(line) },
    logLevel: 'debug',
    shouldValidateResults: true,
    features: options.features ?? [],
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.maxInFlightPerConnection === undefined ? {} : { maxInFlightPerConnection: options.maxInFlightPerConnection }),
  });
  return {
    ...started,
    url: `ws://127.0.0.1:${started.server.port}`,
    token: started.settings.auth.token,
    paths,
    logLines,
    stop: async () => {
      await started.close('test finished');
      if (options.stateDir === undefined) rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** @module test/helpers/gateway — start a real gateway on an ephemeral loopback port with its own state dir. */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveStatePaths, type StatePaths } from '../../src/config/index.js';
import { startGateway, type GatewayFlags, type StartedGateway } from '../../src/gateway/index.js';

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
}

/** A fresh state dir under the OS temp dir; removed by `stop()`. */
export function createTempStateDir(): string {
  return mkdtempSync(join(tmpdir(), 'clawgate-test-'));
}

/** Starts a gateway on 127.0.0.1 (port 0 unless flags say otherwise), token auth with a fixed test token. */
export async function startTestGateway(options: StartTestGatewayOptions = {}): Promise<TestGateway> {
  const stateDir = createTempStateDir();
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
  });
  return {
    ...started,
    url: `ws://127.0.0.1:${started.server.port}`,
    token: started.settings.auth.token,
    paths,
    logLines,
    stop: async () => {
      await started.server.stop('test finished');
      // The log file opens asynchronously; removing the dir first makes pino throw after the test.
      for (let waitedMs = 0; !existsSync(paths.logPath) && waitedMs < 1000; waitedMs += 10) await new Promise((resolve) => setTimeout(resolve, 10));
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/**
 * @module gateway/start — assemble a gateway from flags, environment and config, and start it.
 *
 * Used by `clawgate gateway run` and by tests and benchmarks, so all of them start the same thing.
 */
import { loadConfig, readGatewayEnv, tightenStatePermissions, type StatePaths } from '../config/index.js';
import { createLogger, SecretRegistry, type Logger } from '../logging/index.js';
import type { Clock } from './auth-rate-limit.js';
import type { MethodDefinition } from './method-registry.js';
import { GatewayServer } from './server.js';
import { resolveGatewaySettings, type GatewayFlags, type GatewaySettings } from './settings.js';

export interface StartGatewayOptions {
  paths: StatePaths;
  flags?: GatewayFlags;
  env?: NodeJS.ProcessEnv;
  /** Human log lines go here (stdout for `gateway run`). */
  console?: { write(line: string): unknown };
  /** Extra sink for JSON log lines (tests). */
  logSink?: { write(line: string): unknown };
  logLevel?: string;
  methodFamilies?: readonly (readonly MethodDefinition[])[];
  shouldValidateResults?: boolean;
  /** Clock for the auth-failure rate limiter (tests). */
  clock?: Clock;
}

export interface StartedGateway {
  server: GatewayServer;
  settings: GatewaySettings;
  logger: Logger;
  secrets: SecretRegistry;
}

/** Loads config, resolves settings (enforcing the bind/auth rules), and starts listening. */
export async function startGateway(options: StartGatewayOptions): Promise<StartedGateway> {
  const env = options.env ?? process.env;
  const config = loadConfig(options.paths.configPath);
  const settings = resolveGatewaySettings({ flags: options.flags ?? {}, env: readGatewayEnv(env), config: config.config, paths: options.paths });
  const secrets = new SecretRegistry();
  secrets.add(settings.auth.token);
  secrets.add(settings.auth.password);
  secrets.add(config.config.gateway?.remote?.token);
  secrets.add(config.config.gateway?.remote?.password);
  const logger = createLogger({
    level: options.logLevel ?? config.config.logging?.level ?? 'info',
    filePath: options.paths.logPath,
    console: options.console,
    extraSink: options.logSink,
    secrets,
  });
  const tightened = tightenStatePermissions(options.paths);
  if (tightened.length > 0) {
    logger.warn({ paths: tightened.map((entry) => `${entry.path} (was ${entry.mode.toString(8)})`) }, 'tightened state permissions (dirs 0700, files 0600)');
  }
  const serverOptions: ConstructorParameters<typeof GatewayServer>[0] = { settings, config, logger, secrets };
  if (options.methodFamilies !== undefined) serverOptions.methodFamilies = options.methodFamilies;
  if (options.shouldValidateResults !== undefined) serverOptions.shouldValidateResults = options.shouldValidateResults;
  if (options.clock !== undefined) serverOptions.clock = options.clock;
  const server = new GatewayServer(serverOptions);
  await server.start();
  logger.info(
    { addresses: server.addresses, bind: settings.bind, auth: settings.auth.mode, authSource: settings.authSource },
    `gateway listening on ${server.addresses.map((a) => `ws://${a}`).join(', ')}`,
  );
  return { server, settings, logger, secrets };
}

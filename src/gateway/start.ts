/**
 * @module gateway/start — assemble a gateway from flags, environment and config, and start it.
 *
 * Used by `clawgate gateway run` and by tests and benchmarks, so all of them start the same thing.
 */
import { loadConfig, readGatewayEnv, type StatePaths } from '../config/index.js';
import { createLogger, SecretRegistry, type Logger } from '../logging/index.js';
import type { MethodDefinition } from './method-registry.js';
import { GatewayServer } from './server.js';
import { resolveGatewaySettings, type GatewayFlags, type GatewaySettings } from './settings.js';
import { resolveTlsMaterial, type TlsMaterial } from './tls.js';
import { formatTlsFingerprint } from '../protocol/index.js';

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
}

export interface StartedGateway {
  server: GatewayServer;
  settings: GatewaySettings;
  logger: Logger;
  secrets: SecretRegistry;
  tls: TlsMaterial | undefined;
}

/** Loads config, resolves settings (enforcing the bind/auth rules), and starts listening. */
export async function startGateway(options: StartGatewayOptions): Promise<StartedGateway> {
  const env = options.env ?? process.env;
  const config = loadConfig(options.paths.configPath);
  const settings = resolveGatewaySettings({ flags: options.flags ?? {}, env: readGatewayEnv(env), config: config.config, paths: options.paths });
  const tls = resolveTlsMaterial({ config: config.config.gateway?.tls, stateDir: options.paths.stateDir });
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
  const serverOptions: ConstructorParameters<typeof GatewayServer>[0] = { settings, config, logger, secrets };
  if (options.methodFamilies !== undefined) serverOptions.methodFamilies = options.methodFamilies;
  if (options.shouldValidateResults !== undefined) serverOptions.shouldValidateResults = options.shouldValidateResults;
  if (tls !== undefined) serverOptions.tls = tls;
  const server = new GatewayServer(serverOptions);
  await server.start();
  for (const warning of settings.warnings) logger.warn({ bind: settings.bind }, warning);
  const scheme = tls === undefined ? 'ws' : 'wss';
  logger.info(
    { addresses: server.addresses, bind: settings.bind, auth: settings.auth.mode, authSource: settings.authSource, tls: tls !== undefined },
    `gateway listening on ${server.addresses.map((a) => `${scheme}://${a}`).join(', ')}`,
  );
  if (tls !== undefined) {
    logger.info(
      { certPath: tls.certPath, fingerprint: tls.fingerprintSha256, generated: tls.wasGenerated },
      `TLS on (TLS 1.3+)${tls.wasGenerated ? ', self-signed certificate generated' : ''}; certificate fingerprint ${formatTlsFingerprint(tls.fingerprintSha256)} (clients pin it with --tls-fingerprint)`,
    );
  }
  return { server, settings, logger, secrets, tls };
}

/**
 * @module daemon/start — the composition root: settings, TLS, Tailscale, logger, secrets, store and
 * the features list, assembled into a running gateway.
 *
 * The only place that knows both the core and the features (gateway/ never imports a feature).
 * Used by `clawgate gateway run` and by tests and benchmarks, so all of them start the same thing.
 */
import { loadConfig, logRedactPathsFor, readGatewayEnv, secretValuesAt, tightenStatePermissions, type StatePaths } from '../config/index.js';
import { closeLogger, createLogger, SecretRegistry, type Logger } from '../logging/index.js';
import { formatTlsFingerprint } from '../protocol/index.js';
import { acquireStateDirLock, assertStateDirUsable, StateStore } from '../store/index.js';
import { systemClock, type Clock } from '../time/index.js';
import {
  assertExposedSecretStrength,
  assertTailscaleModeAllowed,
  createTailscaleRunner,
  featureConfigSections,
  featureMigrations,
  GatewayServer,
  orderFeatures,
  resolveGatewaySettings,
  resolveTlsMaterial,
  startConfigReload,
  startDiscovery,
  startTailscaleExposure,
  TailscaleIdentityVerifier,
  type GatewayFeature,
  type GatewayFlags,
  type GatewayServerOptions,
  type GatewaySettings,
  type MethodDefinition,
  type TailscaleExposure,
  type TlsMaterial,
} from '../gateway/index.js';
import { DEFAULT_FEATURES } from './features.js';
import { createStartupTiming, type StartupMark } from './startup-timing.js';

export interface StartGatewayOptions {
  paths: StatePaths;
  flags?: GatewayFlags;
  env?: NodeJS.ProcessEnv;
  /** Human log lines go here (stdout for `gateway run`). */
  console?: { write(line: string): unknown };
  /** Extra sink for JSON log lines (tests). */
  logSink?: { write(line: string): unknown };
  logLevel?: string;
  /** Quiet period before a config edit is reloaded, in ms (default 250; tests shorten it). */
  configReloadDebounceMs?: number;
  methodFamilies?: readonly (readonly MethodDefinition[])[];
  /** The features to plug in (default: DEFAULT_FEATURES in daemon/features.ts). */
  features?: readonly GatewayFeature[];
  shouldValidateResults?: boolean;
  /** Time and timers for the whole core (tests pass test/helpers/fake-clock.ts). */
  clock?: Clock;
  /** Requests one connection may run at once (default 64). */
  maxInFlightPerConnection?: number;
  /** How long a peer gets to answer a close frame (default 2000 ms). */
  closeTimeoutMs?: number;
}

export interface StartedGateway {
  server: GatewayServer;
  settings: GatewaySettings;
  logger: Logger;
  secrets: SecretRegistry;
  /** Stops the server (shutdown broadcast, sockets closed) and then flushes and closes the log file. */
  close(reason?: string): Promise<void>;
  tls: TlsMaterial | undefined;
  /** Tailscale Serve/Funnel, when gateway.tailscale.mode is not off. */
  tailscale: TailscaleExposure | undefined;
  /**
   * Re-reads the config file and the generated token (flags and the environment stay as started) and,
   * when the shared secret changed, switches to it and closes the old secret's sessions (T-AUTH-1).
   * Throws the settings error (e.g. a weak secret on an exposed bind) and keeps the old secret.
   */
  reloadAuth(): { isChanged: boolean; closedSessions: number };
}

/** Loads config, resolves settings (enforcing the bind/auth rules), and starts listening. */
export async function startGateway(options: StartGatewayOptions): Promise<StartedGateway> {
  // Checked before anything else: a duplicate or missing feature is a build error, not a runtime one.
  const mark = createStartupTiming(options.env ?? process.env);
  const features = orderFeatures(options.features ?? DEFAULT_FEATURES);
  // Then the state dir, before anything is written into it: a file, a read-only mount or a full disk
  // is refused with its fix, and a second gateway on the same dir is refused whatever its port.
  assertStateDirUsable(options.paths.stateDir);
  mark?.('state dir checked');
  const lock = acquireStateDirLock(options.paths.stateDir);
  mark?.('state dir locked');
  try {
    const started = await startLocked(options, features, mark);
    started.server.addStopHook(async () => lock.release());
    return started;
  } catch (error) {
    lock.release();
    throw error;
  }
}

async function startLocked(options: StartGatewayOptions, features: readonly GatewayFeature[], mark: StartupMark | undefined): Promise<StartedGateway> {
  const env = options.env ?? process.env;
  const config = loadConfig(options.paths.configPath, { sections: featureConfigSections(features) });
  mark?.('config loaded');
  const settings = resolveGatewaySettings({ flags: options.flags ?? {}, env: readGatewayEnv(env), config: config.config, paths: options.paths });
  const tailscaleMode = options.flags?.tailscale ?? config.config.gateway?.tailscale?.mode ?? 'off';
  assertTailscaleModeAllowed(tailscaleMode, settings.auth.mode); // before anything listens
  if (tailscaleMode === 'funnel') assertExposedSecretStrength(settings.auth, 'tailscale funnel');
  const runTailscale = createTailscaleRunner(env);
  // OpenClaw's default: identity headers are trusted with Serve, never by default otherwise.
  // Explicit opt-in only (unlike OpenClaw, whose default follows serve mode): any local process can
  // reach the loopback port and set these headers, so on a multi-user host a default of true would let
  // another user in as the owner's tailnet identity.
  const allowTailscale = config.config.gateway?.auth?.allowTailscale === true;
  let tailscale: TailscaleExposure | undefined;
  const tls = resolveTlsMaterial({ config: config.config.gateway?.tls, stateDir: options.paths.stateDir });
  const secrets = new SecretRegistry();
  // Flags and environment may carry the auth secret too; everything else comes from the schema's marks.
  secrets.add(settings.auth.token);
  secrets.add(settings.auth.password);
  for (const value of secretValuesAt(config.config, config.secretPaths)) secrets.add(value);
  const logger = createLogger({
    redactPaths: logRedactPathsFor(config.secretPaths),
    level: options.logLevel ?? config.config.logging?.level ?? 'info',
    filePath: options.paths.logPath,
    console: options.console,
    extraSink: options.logSink,
    secrets,
  });
  mark?.('settings, TLS and logger');
  const tightened = tightenStatePermissions(options.paths);
  if (tightened.length > 0) {
    logger.warn({ paths: tightened.map((entry) => `${entry.path} (was ${entry.mode.toString(8)})`) }, 'tightened state permissions (dirs 0700, files 0600)');
  }
  const store = StateStore.openForStateDir(settings.paths.stateDir, { migrations: featureMigrations(features) });
  mark?.('store opened and migrated');
  const serverOptions: GatewayServerOptions = { settings, config, logger, secrets, features, store };
  if (options.methodFamilies !== undefined) serverOptions.methodFamilies = options.methodFamilies;
  if (options.shouldValidateResults !== undefined) serverOptions.shouldValidateResults = options.shouldValidateResults;
  if (options.clock !== undefined) serverOptions.clock = options.clock;
  if (options.maxInFlightPerConnection !== undefined) serverOptions.maxInFlightPerConnection = options.maxInFlightPerConnection;
  if (options.closeTimeoutMs !== undefined) serverOptions.closeTimeoutMs = options.closeTimeoutMs;
  if (tls !== undefined) serverOptions.tls = tls;
  const clock = options.clock ?? systemClock;
  if (allowTailscale) serverOptions.tailscaleIdentity = new TailscaleIdentityVerifier({ run: runTailscale, now: () => clock.now() });
  serverOptions.tailscaleStatus = () => (tailscale === undefined ? undefined : tailscale.url === undefined ? { mode: tailscale.mode } : { mode: tailscale.mode, url: tailscale.url });
  let server: GatewayServer;
  try {
    server = new GatewayServer(serverOptions);
    mark?.('server built (methods registered)');
    await server.start();
    mark?.('features ready, listening (ready)');
  } catch (error) {
    store.close();
    await closeLogger(logger);
    throw error;
  }
  if (tailscaleMode !== 'off') {
    try {
      tailscale = await startTailscaleExposure({
        mode: tailscaleMode,
        port: server.port,
        isTls: tls !== undefined,
        resetOnExit: config.config.gateway?.tailscale?.resetOnExit ?? true,
        run: runTailscale,
        warn: (message) => logger.warn({}, message),
      });
    } catch (error) {
      await server.stop('tailscale exposure failed');
      throw error;
    }
    const exposure = tailscale;
    server.addStopHook(() => exposure.stop());
    const host = exposure.url?.replace(/^https:\/\/|\/$/g, '');
    logger.info({ mode: exposure.mode, url: exposure.url }, `tailscale ${exposure.mode} enabled: ${exposure.url ?? '(no MagicDNS name)'}${host === undefined ? '' : ` (WS via wss://${host})`}`);
  }
  for (const warning of settings.warnings) logger.warn({ bind: settings.bind }, warning);
  const scheme = tls === undefined ? 'ws' : 'wss';
  logger.info(
    { addresses: server.addresses, bind: settings.bind, auth: settings.auth.mode, authSource: settings.authSource, tls: tls !== undefined },
    `gateway listening on ${server.addresses.map((a) => `${scheme}://${a}`).join(', ')}`,
  );
  server.addStopHook(await startDiscovery(settings, logger, { mode: config.config.discovery?.mdns?.mode, port: server.port, isTls: tls !== undefined }));
  mark?.('discovery');
  server.addStopHook(
    startConfigReload({
      current: config,
      load: () => loadConfig(options.paths.configPath, { sections: featureConfigSections(features) }),
      resolveSettings: (next) => resolveGatewaySettings({ flags: options.flags ?? {}, env: readGatewayEnv(env), config: next, paths: options.paths }),
      settings,
      secrets,
      logger,
      applyAuth: (auth) => {
        const closedSessions = server.rotateSharedSecret(auth);
        logger.warn({ mode: auth.mode, closedSessions }, 'gateway secret changed: the old one is refused and its sessions were closed');
      },
      applyControlUi: (controlUi) => server.updateControlUi(controlUi),
      ...(options.configReloadDebounceMs === undefined ? {} : { debounceMs: options.configReloadDebounceMs }),
    }),
  );
  mark?.('config watch');
  if (tls !== undefined) {
    logger.info(
      { certPath: tls.certPath, fingerprint: tls.fingerprintSha256, generated: tls.wasGenerated },
      `TLS on (TLS 1.3+)${tls.wasGenerated ? ', self-signed certificate generated' : ''}; certificate fingerprint ${formatTlsFingerprint(tls.fingerprintSha256)} (clients pin it with --tls-fingerprint)`,
    );
  }
  const close = async (reason?: string): Promise<void> => {
    await server.stop(reason);
    await closeLogger(logger);
  };
  const reloadAuth = (): { isChanged: boolean; closedSessions: number } => {
    const reloaded = loadConfig(options.paths.configPath, { sections: featureConfigSections(features) });
    const next = resolveGatewaySettings({ flags: options.flags ?? {}, env: readGatewayEnv(env), config: reloaded.config, paths: options.paths });
    if (tailscaleMode === 'funnel') assertExposedSecretStrength(next.auth, 'tailscale funnel');
    const current = server.isSharedSecretDifferent(next.auth);
    if (!current) return { isChanged: false, closedSessions: 0 };
    secrets.add(next.auth.token);
    secrets.add(next.auth.password);
    const closedSessions = server.rotateSharedSecret(next.auth);
    logger.warn({ mode: next.auth.mode, closedSessions }, 'gateway secret changed: the old one is refused and its sessions were closed');
    return { isChanged: true, closedSessions };
  };
  return { server, settings, logger, secrets, tls, tailscale, close, reloadAuth };
}

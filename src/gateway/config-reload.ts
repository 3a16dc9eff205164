/**
 * @module gateway/config-reload — the running gateway follows edits of clawgate.json.
 *
 * On a change the file is loaded and validated as at start-up and the settings are resolved again
 * (so the bind/auth refusal rules hold). An invalid edit is refused and logged; the running config
 * stays. Otherwise each changed setting is either applied live (the shared token/password, browser
 * origins and hosts) or reported as needing a restart (port, bind, TLS, Tailscale, limits …), never
 * half-applied. The plan is a pure function; the watcher only does I/O.
 */
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { ClawgateConfig, LoadedConfig } from '../config/index.js';
import { GatewayError } from '../protocol/index.js';
import type { Logger, SecretRegistry } from '../logging/index.js';
import type { GatewaySettings } from './settings.js';

export interface ReloadPlan {
  /** Dotted names of what is applied without a restart. */
  live: string[];
  /** Dotted names of what changed but only takes effect after a restart. */
  restart: string[];
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** Config subtrees the running gateway never re-reads (besides what the settings cover). */
const RESTART_CONFIG_PATHS: readonly [string, (config: ClawgateConfig) => unknown][] = [
  ['gateway.tls', (config) => config.gateway?.tls],
  ['gateway.tailscale', (config) => config.gateway?.tailscale],
  ['gateway.nodes', (config) => config.gateway?.nodes],
  ['gateway.auth.allowTailscale', (config) => config.gateway?.auth?.allowTailscale],
  ['logging', (config) => config.logging],
  ['discovery', (config) => config.discovery],
];

/** What changed between two validated configs and their resolved settings, and how it applies. */
export function planConfigReload(previous: { config: ClawgateConfig; settings: GatewaySettings }, next: { config: ClawgateConfig; settings: GatewaySettings }): ReloadPlan {
  const live: string[] = [];
  const restart: string[] = [];
  const before = previous.settings;
  const after = next.settings;
  if (before.auth.mode !== after.auth.mode) restart.push('gateway.auth.mode');
  else if (before.auth.token !== after.auth.token) live.push(`gateway auth token (from ${after.authSource})`);
  else if (before.auth.password !== after.auth.password) live.push(`gateway auth password (from ${after.authSource})`);
  if (!same(before.hardening.controlUi, after.hardening.controlUi)) live.push('gateway.controlUi');
  const restartSettings: [string, unknown, unknown][] = [
    ['gateway.port', before.port, after.port],
    ['gateway.bind', [before.bind, before.listenHosts], [after.bind, after.listenHosts]],
    ['gateway.trustedProxies', before.hardening.trustedProxies, after.hardening.trustedProxies],
    ['gateway.auth.rateLimit', before.hardening.authRateLimit, after.hardening.authRateLimit],
    ['gateway.handshakeTimeoutMs', before.handshakeTimeoutMs, after.handshakeTimeoutMs],
    ['gateway.tickIntervalMs', before.tickIntervalMs, after.tickIntervalMs],
    ['gateway.maxPayloadBytes', before.maxPayloadBytes, after.maxPayloadBytes],
    ['gateway.maxBufferedBytes', before.maxBufferedBytes, after.maxBufferedBytes],
  ];
  for (const [name, a, b] of restartSettings) if (!same(a, b)) restart.push(name);
  for (const [name, read] of RESTART_CONFIG_PATHS) if (!same(read(previous.config), read(next.config))) restart.push(name);
  // Features' sections (models, channels) have no reload hook yet: a change needs a restart.
  const coreKeys = new Set(['$schema', 'gateway', 'logging', 'discovery']);
  const sectionKeys = new Set([...Object.keys(previous.config), ...Object.keys(next.config)].filter((key) => !coreKeys.has(key)));
  for (const key of sectionKeys) {
    if (!same((previous.config as Record<string, unknown>)[key], (next.config as Record<string, unknown>)[key])) restart.push(key);
  }
  return { live, restart };
}

export interface ConfigReloadOptions {
  /** The config as the gateway started with it. */
  current: LoadedConfig;
  /** Loads and validates the file (with the features' sections); throws CONFIG_INVALID. */
  load: () => LoadedConfig;
  /** Resolves settings from a config with the start-up flags and env; throws when refused. */
  resolveSettings: (config: ClawgateConfig) => GatewaySettings;
  /** The live settings object the server reads (auth and controlUi are replaced in it). */
  settings: GatewaySettings;
  secrets: SecretRegistry;
  logger: Logger;
  /** Installs a changed shared secret and closes the old secret's sessions (the SIGHUP path too). */
  applyAuth: (auth: GatewaySettings['auth']) => void;
  /** Swaps the server's browser Origin/Host policy. */
  applyControlUi: (controlUi: GatewaySettings['hardening']['controlUi']) => void;
  /** Quiet period after the last file event, in ms (editors write in several steps). Default 250. */
  debounceMs?: number;
}

/** Watches the config file's directory (editors replace files by rename); returns a stop hook. */
export function startConfigReload(options: ConfigReloadOptions): () => Promise<void> {
  const { logger } = options;
  let current = options.current;
  let timer: NodeJS.Timeout | undefined;
  const reload = (): void => {
    let next: LoadedConfig;
    let nextSettings: GatewaySettings;
    try {
      next = options.load();
      if (next.hash === current.hash) return;
      nextSettings = options.resolveSettings(next.config);
    } catch (error) {
      const reason = error instanceof GatewayError ? error.message : error instanceof Error ? error.message : String(error);
      logger.error({ path: current.path }, `config reload refused, the running config stays: ${reason}`);
      return;
    }
    const plan = planConfigReload({ config: current.config, settings: options.settings }, { config: next.config, settings: nextSettings });
    if (plan.live.some((name) => name.startsWith('gateway auth'))) {
      options.secrets.add(nextSettings.auth.token);
      options.secrets.add(nextSettings.auth.password);
      options.settings.authSource = nextSettings.authSource;
      options.applyAuth(nextSettings.auth);
    }
    if (plan.live.includes('gateway.controlUi')) {
      options.settings.hardening = { ...options.settings.hardening, controlUi: nextSettings.hardening.controlUi };
      options.applyControlUi(nextSettings.hardening.controlUi);
    }
    current = next;
    const summary = { path: next.path, applied: plan.live, needsRestart: plan.restart };
    if (plan.restart.length > 0) logger.warn(summary, `config reloaded: applied ${plan.live.length === 0 ? 'nothing' : plan.live.join(', ')}; needs a restart to apply: ${plan.restart.join(', ')}`);
    else logger.info(summary, `config reloaded: applied ${plan.live.length === 0 ? 'nothing (no effective change)' : plan.live.join(', ')}`);
  };
  const name = basename(current.path);
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dirname(current.path), { persistent: false }, (_event, file) => {
      if (file !== null && file !== name) return;
      clearTimeout(timer);
      timer = setTimeout(reload, options.debounceMs ?? 250);
    });
    watcher.on('error', (error) => logger.warn({ err: error.message }, 'config watch failed; edits now need a restart'));
  } catch (error) {
    logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'cannot watch the config directory; edits need a restart');
  }
  return async () => {
    clearTimeout(timer);
    watcher?.close();
  };
}

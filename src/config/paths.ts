/** @module config/paths — where state and config live: `CLAWGATE_STATE_DIR`, `~/.clawgate`, or `~/.clawgate-<profile>`. */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export interface StatePaths {
  stateDir: string;
  configPath: string;
  /** Generated gateway token (mode 0600) when none is configured. */
  tokenPath: string;
  logDir: string;
  logPath: string;
}

export interface ResolveStatePathsOptions {
  env: NodeJS.ProcessEnv;
  profile?: string | undefined;
  home?: string;
}

const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** True when `name` is usable as a profile suffix (no path separators, no dots). */
export function isValidProfileName(name: string): boolean {
  return PROFILE_NAME.test(name);
}

/**
 * Resolves the state directory. Precedence: `--profile` > `CLAWGATE_STATE_DIR` > `CLAWGATE_PROFILE`
 * > `~/.clawgate`. The config file may be moved on its own with `CLAWGATE_CONFIG_PATH`.
 */
export function resolveStatePaths({ env, profile, home = homedir() }: ResolveStatePathsOptions): StatePaths {
  const profileName = profile ?? env['CLAWGATE_PROFILE'];
  let stateDir: string;
  if (profile !== undefined) {
    stateDir = join(home, `.clawgate-${profile}`);
  } else if (env['CLAWGATE_STATE_DIR']) {
    stateDir = resolve(env['CLAWGATE_STATE_DIR']);
  } else if (profileName) {
    stateDir = join(home, `.clawgate-${profileName}`);
  } else {
    stateDir = join(home, '.clawgate');
  }
  const configPath = env['CLAWGATE_CONFIG_PATH'] ? resolve(env['CLAWGATE_CONFIG_PATH']) : join(stateDir, 'clawgate.json');
  const logDir = join(stateDir, 'logs');
  return { stateDir, configPath, tokenPath: join(stateDir, 'gateway-token'), logDir, logPath: join(logDir, 'gateway.log') };
}

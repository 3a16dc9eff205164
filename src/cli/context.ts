/** @module cli/context — what every command needs: environment, state paths, config, output streams. */
import { loadConfig, readGatewayEnv, resolveStatePaths, isValidProfileName, type GatewayEnv, type LoadedConfig, type StatePaths } from '../config/index.js';
import { GatewayError } from '../protocol/index.js';
import { CliError, ExitCode } from './exit-codes.js';

export interface Output {
  write(text: string): unknown;
}

export interface CliIo {
  stdout: Output;
  stderr: Output;
  env: NodeJS.ProcessEnv;
}

export interface CliContext extends CliIo {
  paths: StatePaths;
  gatewayEnv: GatewayEnv;
  /** Loads (once) and returns the config; a broken config is a CONFIG exit with the exact reason. */
  config(): LoadedConfig;
}

export function createCliContext(io: CliIo, profile: string | undefined): CliContext {
  if (profile !== undefined && !isValidProfileName(profile)) {
    throw new CliError(`invalid --profile "${profile}": use letters, digits, '-' and '_' only`, ExitCode.USAGE);
  }
  const paths = resolveStatePaths({ env: io.env, profile });
  let gatewayEnv: GatewayEnv;
  try {
    gatewayEnv = readGatewayEnv(io.env);
  } catch (error) {
    throw new CliError(error instanceof Error ? error.message : String(error), ExitCode.CONFIG);
  }
  let loaded: LoadedConfig | undefined;
  return {
    ...io,
    paths,
    gatewayEnv,
    config: () => {
      if (loaded !== undefined) return loaded;
      try {
        // Client commands do not load features: their config sections are the daemon's to check.
        loaded = loadConfig(paths.configPath, { allowUnknownSections: true });
      } catch (error) {
        if (error instanceof GatewayError) throw new CliError(error.message, ExitCode.CONFIG);
        throw error;
      }
      return loaded;
    },
  };
}

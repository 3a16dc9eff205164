/**
 * @module config/env — the environment variables Clawgate reads.
 *
 * OpenClaw's names (`OPENCLAW_GATEWAY_*`, from the seed) and their `CLAWGATE_*` twins; when both are
 * set the `CLAWGATE_*` one wins, since it was set for this program specifically.
 */

export interface GatewayEnv {
  port?: number;
  token?: string;
  password?: string;
  url?: string;
  /** Which variable supplied each value, for error messages and `status`. */
  sources: Partial<Record<'port' | 'token' | 'password' | 'url', string>>;
}

type EnvKey = 'PORT' | 'TOKEN' | 'PASSWORD' | 'URL';

function pick(env: NodeJS.ProcessEnv, key: EnvKey): { value: string; name: string } | undefined {
  for (const name of [`CLAWGATE_GATEWAY_${key}`, `OPENCLAW_GATEWAY_${key}`]) {
    const value = env[name]?.trim();
    if (value) return { value, name };
  }
  return undefined;
}

/** Reads gateway settings from the environment. An unparseable port is reported, not ignored. */
export function readGatewayEnv(env: NodeJS.ProcessEnv): GatewayEnv {
  const result: GatewayEnv = { sources: {} };
  const port = pick(env, 'PORT');
  if (port !== undefined) {
    const parsed = Number(port.value);
    if (!Number.isInteger(parsed) || parsed < 1 || parsed > 65535) {
      throw new RangeError(`${port.name}=${port.value} is not a port number (1-65535)`);
    }
    result.port = parsed;
    result.sources.port = port.name;
  }
  for (const [key, field] of [['TOKEN', 'token'], ['PASSWORD', 'password'], ['URL', 'url']] as const) {
    const found = pick(env, key);
    if (found !== undefined) {
      result[field] = found.value;
      result.sources[field] = found.name;
    }
  }
  return result;
}

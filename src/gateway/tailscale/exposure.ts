/**
 * @module gateway/tailscale/exposure — `gateway.tailscale.mode: serve|funnel`: publish the loopback port.
 *
 * Follows OpenClaw's older, documented flow (docs/gateway/tailscale.md, src/infra/tailscale.ts): check
 * `tailscale status --json` says the node is Running, run `tailscale serve|funnel --bg --yes <port>`,
 * confirm with `tailscale serve status --json` that a handler now proxies to our port, and on stop
 * (when resetOnExit, the default) run `tailscale serve|funnel reset`. Funnel puts the gateway on the
 * public internet, so it refuses to start unless auth is a password (checked before anything runs).
 */
import type { TailscaleMode } from '../../config/index.js';
import { GatewayError, type AuthMode } from '../../protocol/index.js';
import type { TailscaleRunner } from './cli.js';

export interface TailscaleExposure {
  readonly mode: 'serve' | 'funnel';
  /** `https://<node>.<tailnet>.ts.net/` (WS clients use wss:// on the same name). */
  readonly url: string | undefined;
  /** Undoes serve/funnel when resetOnExit is on; never throws. */
  stop(): Promise<void>;
}

/** Throws TAILSCALE_FUNNEL_REQUIRES_PASSWORD for funnel without password auth. */
export function assertTailscaleModeAllowed(mode: TailscaleMode, authMode: AuthMode): void {
  if (mode === 'funnel' && authMode !== 'password') throw new GatewayError('TAILSCALE_FUNNEL_REQUIRES_PASSWORD');
}

export interface StartTailscaleOptions {
  mode: 'serve' | 'funnel';
  port: number;
  /** The gateway serves TLS itself: Serve must proxy to https+insecure://. */
  isTls: boolean;
  resetOnExit: boolean;
  run: TailscaleRunner;
  warn: (message: string) => void;
}

/** Publishes the port; throws TAILSCALE_FAILED with the CLI's reason when any step fails. */
export async function startTailscaleExposure({ mode, port, isTls, resetOnExit, run, warn }: StartTailscaleOptions): Promise<TailscaleExposure> {
  const fail = (reason: string): never => {
    throw new GatewayError('TAILSCALE_FAILED', { mode, reason });
  };
  let status: unknown;
  try {
    status = JSON.parse((await run(['status', '--json'], 5000)).stdout);
  } catch (error) {
    fail(`tailscale status failed: ${(error as Error).message}`);
  }
  const self = readObject(status, 'Self');
  const backendState = readString(status, 'BackendState');
  if (backendState !== 'Running') fail(`tailscale is not running (state ${backendState ?? 'unknown'}); run \`tailscale up\``);
  const dnsName = readString(self, 'DNSName')?.replace(/\.$/, '');
  const backend = isTls ? `https+insecure://127.0.0.1:${port}` : String(port);
  try {
    await run([mode, '--bg', '--yes', backend]);
  } catch (error) {
    fail((error as Error).message);
  }
  let serveStatus = '';
  try {
    serveStatus = (await run(['serve', 'status', '--json'], 5000)).stdout;
  } catch (error) {
    fail(`could not confirm the route: ${(error as Error).message}`);
  }
  if (!serveStatus.includes(`127.0.0.1:${port}`)) fail(`tailscale serve status shows no route to 127.0.0.1:${port}`);
  return {
    mode,
    url: dnsName === undefined || dnsName === '' ? undefined : `https://${dnsName}/`,
    stop: async () => {
      if (!resetOnExit) return;
      try {
        await run([mode, 'reset'], 5000);
      } catch (error) {
        warn(`tailscale ${mode} reset failed: ${(error as Error).message}`);
      }
    },
  };
}

function readObject(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

function readString(value: unknown, key: string): string | undefined {
  const found = readObject(value, key);
  return typeof found === 'string' ? found : undefined;
}

/**
 * @module cli/commands/dashboard — `clawgate dashboard [--no-open] [--json]`: open the Control UI
 * with a one-time login link.
 *
 * The link carries a single-use, 10-minute bootstrap code (profile `owner`) in the URL fragment,
 * never the gateway token: the first browser that presents it is bound to that code by its device
 * key and logged in as an operator; the code is then spent. Without `--no-open` only the clean base
 * URL is printed (the link goes straight to the browser, so logs and scrollback never hold it).
 */
import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import { devicePairSetupCode } from '../../protocol/index.js';
import type { CliContext } from '../context.js';
import { callTarget, parseTimeoutMs, resolveCliTarget, withConnectionOptions, type ConnectionFlags } from '../connection-options.js';
import { printJson, printLines } from '../output.js';

/** How long the link works (as OpenClaw's dashboard bootstrap). */
export const DASHBOARD_LINK_TTL_MS = 10 * 60 * 1000;

interface DashboardFlags extends ConnectionFlags {
  open?: boolean;
}

export function registerDashboard(program: Command, getContext: (command: Command) => CliContext): void {
  withConnectionOptions(program.command('dashboard'))
    .description('open the Control UI in a browser with a one-time, 10-minute login link (never the gateway token)')
    .option('--no-open', 'print the one-time link instead of opening a browser')
    .action(async (flags: DashboardFlags, command: Command) => {
      const context = getContext(command);
      const target = resolveCliTarget(context, flags);
      const { payload } = await callTarget(target, devicePairSetupCode, { ttlMs: DASHBOARD_LINK_TTL_MS, profile: 'owner' }, { timeoutMs: parseTimeoutMs(flags), context });
      const httpUrl = dashboardBaseUrl(target.url, readBasePath(context));
      const browserUrl = `${httpUrl}#bootstrap=${encodeURIComponent(payload.bootstrapToken)}`;
      if (flags.json === true) {
        return printJson(context.stdout, { ok: true, httpUrl, browserUrl, browserBootstrapExpiresAtMs: payload.expiresAtMs, tokenIncluded: false });
      }
      const expires = new Date(payload.expiresAtMs).toISOString();
      if (flags.open === false || !openBrowser(browserUrl, context.env)) {
        printLines(context.stdout, [`Control UI: ${browserUrl}`, `One-time login link for one browser, valid until ${expires}. It does not contain the gateway token.`]);
        return;
      }
      printLines(context.stdout, [`Opened the Control UI at ${httpUrl} (one-time login, valid until ${expires}).`]);
    });
}

/** `ws://host:port` → `http://host:port/` (wss → https), under the Control UI's base path. */
export function dashboardBaseUrl(gatewayUrl: string, basePath: string): string {
  const url = new URL(gatewayUrl);
  url.protocol = url.protocol === 'wss:' ? 'https:' : 'http:';
  url.pathname = basePath === '/' ? '/' : `${basePath.replace(/\/+$/, '')}/`;
  url.search = '';
  url.hash = '';
  return url.toString();
}

function readBasePath(context: CliContext): string {
  try {
    return context.config().config.gateway?.controlUi?.basePath ?? '/';
  } catch {
    return '/';
  }
}

/** Starts the desktop's URL opener, detached; false when there is none to start. */
function openBrowser(url: string, env: NodeJS.ProcessEnv | Record<string, string | undefined>): boolean {
  const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer.exe' : 'xdg-open';
  if (process.platform === 'linux' && env['DISPLAY'] === undefined && env['WAYLAND_DISPLAY'] === undefined) return false;
  try {
    const child = spawn(opener, [url], { detached: true, stdio: 'ignore' });
    child.on('error', () => undefined);
    child.unref();
    return true;
  } catch {
    return false;
  }
}

/**
 * @module cli/commands/devices — `clawgate devices list|approve|reject|remove|rotate|revoke|setup-code`.
 *
 * The CLI connects device-less with the gateway's shared secret, like OpenClaw's CLI: the owner's
 * credential is what lets it approve others. Each subcommand is one RPC (approve --latest is two).
 */
import type { Command } from 'commander';
import {
  devicePairApprove,
  devicePairList,
  devicePairReject,
  devicePairRemove,
  devicePairRename,
  devicePairSetupCode,
  deviceTokenRevoke,
  deviceTokenRotate,
  type ContractParams,
  type ContractResult,
  type DeviceTokenRotateParams,
  type MethodContract,
  type PairedDeviceView,
  type PairingRequestView,
} from '../../protocol/index.js';
import type { CliContext } from '../context.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { callTarget, parseTimeoutMs, resolveCliTarget, withConnectionOptions, type ConnectionFlags } from '../connection-options.js';
import { printJson, printLines } from '../output.js';

type GetContext = (command: Command) => CliContext;

interface RoleFlags extends ConnectionFlags {
  role?: string;
  scope?: string[];
}

export function registerDevices(program: Command, getContext: GetContext): void {
  const devices = program.command('devices').description('pair devices and manage their tokens');
  const call = async <C extends MethodContract>(command: Command, flags: ConnectionFlags, contract: C, params: ContractParams<C>): Promise<ContractResult<C>> => {
    const context = getContext(command);
    const { payload } = await callTarget(resolveCliTarget(context, flags), contract, params, { timeoutMs: parseTimeoutMs(flags), context });
    return payload;
  };

  withConnectionOptions(devices.command('list'))
    .description('list pending pairing requests and paired devices')
    .action(async (flags: ConnectionFlags, command: Command) => {
      const result = await call(command, flags, devicePairList, {});
      const context = getContext(command);
      if (flags.json === true) return printJson(context.stdout, result);
      printLines(context.stdout, formatList(result.pending, result.paired, Date.now()));
    });

  withConnectionOptions(devices.command('approve [requestId]'))
    .description('approve a pending pairing request (or the newest one with --latest)')
    .option('--latest', 'approve the most recent pending request', false)
    .action(async (requestId: string | undefined, flags: ConnectionFlags & { latest?: boolean }, command: Command) => {
      if ((requestId === undefined) === (flags.latest !== true)) throw new CliError('give a <requestId> or --latest (not both)', ExitCode.USAGE);
      let id = requestId;
      if (id === undefined) {
        const { pending } = await call(command, flags, devicePairList, {});
        id = pending[0]?.requestId;
        if (id === undefined) throw new CliError('no pending pairing requests', ExitCode.FAILURE);
      }
      const result = await call(command, flags, devicePairApprove, { requestId: id });
      const context = getContext(command);
      if (flags.json === true) return printJson(context.stdout, result);
      printLines(context.stdout, [
        `Approved ${result.requestId}: device ${shortId(result.device.deviceId)} (${result.device.displayName ?? result.device.clientId ?? 'unnamed'})`,
        `Roles: ${result.device.roles.join(', ')}  Scopes: ${result.device.scopes.join(', ') || '(none)'}`,
        'The device receives its device token on its next connect.',
      ]);
    });

  withConnectionOptions(devices.command('reject <requestId>'))
    .description('reject a pending pairing request')
    .action(async (requestId: string, flags: ConnectionFlags, command: Command) => {
      const result = await call(command, flags, devicePairReject, { requestId });
      printResult(getContext(command), flags, result, `Rejected ${result.requestId} (device ${shortId(result.deviceId)})`);
    });

  withConnectionOptions(devices.command('remove <deviceId>'))
    .description('forget a paired device: its tokens stop working and its sessions close')
    .action(async (deviceId: string, flags: ConnectionFlags, command: Command) => {
      const result = await call(command, flags, devicePairRemove, { deviceId });
      printResult(getContext(command), flags, result, `Removed device ${result.deviceId}; it must pair again (setup code or shared secret).`);
    });

  withConnectionOptions(devices.command('rename <deviceId> <label>'))
    .description('give a paired device a name of your choice (1-64 characters)')
    .action(async (deviceId: string, label: string, flags: ConnectionFlags, command: Command) => {
      const result = await call(command, flags, devicePairRename, { deviceId, label });
      printResult(getContext(command), flags, result, `Device ${shortId(result.deviceId)} is now "${result.label}".`);
    });

  withRoleOptions(withConnectionOptions(devices.command('rotate <deviceId>')))
    .description("replace a device's token for a role (prints the new token once); sessions using the old one close")
    .option('--scope <scope...>', 'scopes for the new token (default: the current ones)')
    .action(async (deviceId: string, flags: RoleFlags, command: Command) => {
      const params: DeviceTokenRotateParams = { deviceId, role: parseRole(flags.role) };
      if (flags.scope !== undefined) params.scopes = flags.scope;
      const result = await call(command, flags, deviceTokenRotate, params);
      printResult(getContext(command), flags, result, [
        `Rotated the ${result.role} token of ${shortId(result.deviceId)} (scopes: ${result.scopes.join(', ') || 'none'})`,
        ...(result.deviceToken === undefined ? [] : [`New device token (shown once): ${result.deviceToken}`]),
      ]);
    });

  withRoleOptions(withConnectionOptions(devices.command('revoke <deviceId>')))
    .description("revoke a device's token for a role; its live sessions close at once")
    .action(async (deviceId: string, flags: RoleFlags, command: Command) => {
      const result = await call(command, flags, deviceTokenRevoke, { deviceId, role: parseRole(flags.role) });
      printResult(getContext(command), flags, result, `Revoked the ${result.role} token of ${shortId(result.deviceId)}; its sessions were closed.`);
    });

  withConnectionOptions(devices.command('setup-code'))
    .description('print a one-time setup code (and oc-pair:// link) a new device pairs with')
    .option('--ttl <duration>', 'how long the code stays valid (e.g. 90s, 10m, 1h)', '10m')
    .option('--public-url <url>', 'gateway URL to put in the code (default: from the bind address)')
    .action(async (flags: ConnectionFlags & { ttl?: string; publicUrl?: string }, command: Command) => {
      const ttlMs = parseDurationMs(flags.ttl ?? '10m');
      const result = await call(command, flags, devicePairSetupCode, flags.publicUrl === undefined ? { ttlMs } : { ttlMs, url: flags.publicUrl });
      const context = getContext(command);
      if (flags.json === true) return printJson(context.stdout, result);
      printLines(context.stdout, [
        `Setup code (one device, valid until ${new Date(result.expiresAtMs).toISOString()}):`,
        result.setupCode,
        '',
        `Setup link: ${result.setupLink}`,
        `Gateway:    ${result.url}`,
        '',
        `Headless node: openclaw node run --pair "${result.setupLink}"`,
        'Then approve the request it creates: clawgate devices approve --latest',
      ]);
    });
}

/** `--role`: operator or node; anything else is a usage error before any call. */
function parseRole(role: string | undefined): 'operator' | 'node' {
  if (role === undefined || role === 'operator' || role === 'node') return role ?? 'operator';
  throw new CliError(`--role must be operator or node (got "${role}")`, ExitCode.USAGE);
}

function withRoleOptions(command: Command): Command {
  return command.option('--role <role>', 'operator or node', 'operator');
}

function printResult(context: CliContext, flags: ConnectionFlags, result: unknown, text: string | string[]): void {
  if (flags.json === true) return printJson(context.stdout, result);
  printLines(context.stdout, typeof text === 'string' ? [text] : text);
}

/** `90s`, `10m`, `1h`, `1500ms` or plain milliseconds → ms; a usage error otherwise. */
export function parseDurationMs(text: string): number {
  const match = /^(\d+)(ms|s|m|h)?$/.exec(text.trim());
  if (match === null) throw new CliError(`--ttl must look like 90s, 10m or 1h (got "${text}")`, ExitCode.USAGE);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(match[2] ?? 'ms') as 'ms' | 's' | 'm' | 'h'];
  return Number(match[1]) * unit;
}

function shortId(deviceId: string): string {
  return deviceId.length > 16 ? `${deviceId.slice(0, 12)}…` : deviceId;
}

function formatList(pending: PairingRequestView[], paired: PairedDeviceView[], nowMs: number): string[] {
  const lines = [`Pending (${pending.length}):`];
  for (const request of pending) {
    const who = request.displayName ?? request.clientId ?? 'unnamed';
    const wants = `${request.role}${request.scopes.length > 0 ? ` [${request.scopes.join(', ')}]` : ''}`;
    lines.push(`  ${request.requestId}  ${shortId(request.deviceId)}  ${who}  ${wants}  ${request.reason}  from ${request.remoteAddress ?? '?'}  expires in ${Math.max(0, Math.round((request.expiresAtMs - nowMs) / 1000))}s`);
  }
  lines.push(`Paired (${paired.length}):`);
  for (const device of paired) {
    const tokens = device.tokens.map((t) => `${t.role}${t.revokedAtMs === undefined ? '' : ' (revoked)'}`).join(', ') || 'no tokens';
    lines.push(`  ${device.deviceId}  ${device.label ?? device.displayName ?? device.clientId ?? 'unnamed'}  roles: ${device.roles.join(', ')}  scopes: ${device.scopes.join(', ') || '(none)'}  tokens: ${tokens}  via ${device.approvedVia}`);
  }
  return lines;
}


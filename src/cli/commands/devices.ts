/**
 * @module cli/commands/devices — `clawgate devices list|approve|reject|remove|rotate|revoke|setup-code`.
 *
 * The CLI connects device-less with the gateway's shared secret, like OpenClaw's CLI: the owner's
 * credential is what lets it approve others. A device argument is a full id, a unique prefix (6+
 * characters) or a name, resolved over `device.pair.list` first (devices-resolve.ts).
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
  nodePairRemove,
  nodeRename,
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
import { matchDevice, matchPendingRequest } from './devices-resolve.js';
import { formatSetupCodeLines, parseTtlMs } from './devices-setup-code.js';
import { fitToWidth, terminalColumns } from '../style.js';

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
  // Arguments take a full id, a unique prefix or a name (as `nodes` does), resolved over a list call.
  const list = (command: Command, flags: ConnectionFlags): Promise<{ pending: PairingRequestView[]; paired: PairedDeviceView[] }> => call(command, flags, devicePairList, {});
  const deviceIdOf = async (command: Command, flags: ConnectionFlags, ref: string): Promise<string> => matchDevice((await list(command, flags)).paired, ref).deviceId;
  const requestIdOf = async (command: Command, flags: ConnectionFlags, ref: string): Promise<string> => matchPendingRequest((await list(command, flags)).pending, ref).requestId;
  // Mirrors to the node record; a device that never was a node has none, which is fine.
  const mirrorToNode = async (mirror: () => Promise<unknown>): Promise<void> => {
    try {
      await mirror();
    } catch (error) {
      if (!(error instanceof CliError) || error.exitCode !== ExitCode.FAILURE) throw error;
    }
  };

  withConnectionOptions(devices.command('list'))
    .description('list pending pairing requests and paired devices')
    .action(async (flags: ConnectionFlags, command: Command) => {
      const result = await call(command, flags, devicePairList, {});
      const context = getContext(command);
      if (flags.json === true) return printJson(context.stdout, result);
      printLines(context.stdout, fitToWidth(formatList(result.pending, result.paired, Date.now()), terminalColumns(context.stdout, context.env)));
    });

  withConnectionOptions(devices.command('approve [requestId]'))
    .description('approve a pending pairing request (or the newest one with --latest)')
    .option('--latest', 'approve the most recent pending request', false)
    .action(async (requestId: string | undefined, flags: ConnectionFlags & { latest?: boolean }, command: Command) => {
      if ((requestId === undefined) === (flags.latest !== true)) throw new CliError('give a <requestId> or --latest (not both)', ExitCode.USAGE);
      let id = requestId === undefined ? undefined : await requestIdOf(command, flags, requestId);
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
        ...(result.device.roles.includes('node')
          ? [`Next, once the node reconnects, approve its commands: clawgate nodes approve ${result.device.deviceId.slice(0, 12)}`]
          : []),
      ]);
    });

  withConnectionOptions(devices.command('reject <requestId>'))
    .description('reject a pending pairing request')
    .action(async (requestId: string, flags: ConnectionFlags, command: Command) => {
      const result = await call(command, flags, devicePairReject, { requestId: await requestIdOf(command, flags, requestId) });
      printResult(getContext(command), flags, result, `Rejected ${result.requestId} (device ${shortId(result.deviceId)})`);
    });

  withConnectionOptions(devices.command('remove <device>'))
    .description('forget a paired device: its tokens stop working and its sessions close')
    .action(async (deviceRef: string, flags: ConnectionFlags, command: Command) => {
      const deviceId = await deviceIdOf(command, flags, deviceRef);
      const result = await call(command, flags, devicePairRemove, { deviceId });
      await mirrorToNode(() => call(command, flags, nodePairRemove, { nodeId: deviceId }));
      printResult(getContext(command), flags, result, `Removed device ${result.deviceId}; it must pair again (setup code or shared secret).`);
    });

  withConnectionOptions(devices.command('rename <device> <label>'))
    .description('give a paired device a name of your choice (1-64 characters)')
    .action(async (deviceRef: string, label: string, flags: ConnectionFlags, command: Command) => {
      const deviceId = await deviceIdOf(command, flags, deviceRef);
      const result = await call(command, flags, devicePairRename, { deviceId, label });
      await mirrorToNode(() => call(command, flags, nodeRename, { nodeId: deviceId, displayName: label }));
      printResult(getContext(command), flags, result, `Device ${shortId(result.deviceId)} is now "${result.label}".`);
    });

  withRoleOptions(withConnectionOptions(devices.command('rotate <device>')))
    .description("replace a device's token for a role (prints the new token once); sessions using the old one close")
    .option('--scope <scope...>', 'scopes for the new token (default: the current ones)')
    .action(async (deviceRef: string, flags: RoleFlags, command: Command) => {
      const role = parseRole(flags.role);
      const params: DeviceTokenRotateParams = { deviceId: await deviceIdOf(command, flags, deviceRef), role };
      if (flags.scope !== undefined) params.scopes = flags.scope;
      const result = await call(command, flags, deviceTokenRotate, params);
      printResult(getContext(command), flags, result, [
        `Rotated the ${result.role} token of ${shortId(result.deviceId)} (scopes: ${result.scopes.join(', ') || 'none'})`,
        ...(result.deviceToken === undefined ? [] : [`New device token (shown once): ${result.deviceToken}`]),
      ]);
    });

  withRoleOptions(withConnectionOptions(devices.command('revoke <device>')))
    .description("revoke a device's token for a role; its live sessions close at once")
    .action(async (deviceRef: string, flags: RoleFlags, command: Command) => {
      const role = parseRole(flags.role);
      const deviceId = await deviceIdOf(command, flags, deviceRef);
      const result = await call(command, flags, deviceTokenRevoke, { deviceId, role });
      printResult(getContext(command), flags, result, `Revoked the ${result.role} token of ${shortId(result.deviceId)}; its sessions were closed.`);
    });

  withConnectionOptions(devices.command('setup-code'))
    .description('print a one-time setup code (and oc-pair:// link) a new device pairs with')
    .option('--ttl <duration>', 'how long the code stays valid (e.g. 90s, 10m, 1h)', '10m')
    .option('--public-url <url>', 'gateway URL to put in the code (default: from the bind address)')
    .option('--qr', 'also print the setup link as a terminal QR code (scan it with the phone app)', false)
    .action(async (flags: ConnectionFlags & { ttl?: string; publicUrl?: string; qr?: boolean }, command: Command) => {
      const ttlMs = parseTtlMs(flags.ttl ?? '10m');
      const result = await call(command, flags, devicePairSetupCode, flags.publicUrl === undefined ? { ttlMs } : { ttlMs, url: flags.publicUrl });
      const context = getContext(command);
      if (flags.json === true) return printJson(context.stdout, result);
      printLines(context.stdout, await formatSetupCodeLines(result, { isQr: flags.qr === true }));
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


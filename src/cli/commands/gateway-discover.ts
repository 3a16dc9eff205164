/**
 * @module cli/commands/gateway-discover — `clawgate gateway discover [--timeout ms] [--json]`: gateways
 * advertising `_openclaw-gw._tcp` on the local network (OpenClaw's output shape for `--json`).
 */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { discoverGateways } from '../discover.js';
import { printJson, printLines } from '../output.js';
import { startSpinner } from '../style.js';

interface DiscoverFlags {
  timeout: string;
  json?: boolean;
  interface?: string;
}

export function registerGatewayDiscover(program: Command, getContext: (command: Command) => CliContext): void {
  const gateway = program.commands.find((command) => command.name() === 'gateway');
  if (gateway === undefined) return;
  gateway
    .command('discover')
    .description('list gateways advertising _openclaw-gw._tcp on the local network (mDNS)')
    .option('--timeout <ms>', 'how long to listen for answers', '2000')
    .option('--interface <ipv4>', 'query from this interface address only (default: every IPv4 interface)')
    .option('--json', 'print JSON', false)
    .action(async (flags: DiscoverFlags, command: Command) => {
      const context = getContext(command);
      const timeoutMs = Number(flags.timeout);
      if (!Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > 60_000) throw new CliError(`--timeout must be 100-60000 ms (got "${flags.timeout}")`, ExitCode.USAGE);
      const spinner = flags.json === true ? undefined : startSpinner(context.stderr, context.env, `listening for gateways (${timeoutMs} ms)`);
      const beacons = await discoverGateways({ timeoutMs, interfaceAddress: flags.interface });
      if ((context.stderr as { isTTY?: boolean }).isTTY === true) spinner?.stop(`${beacons.length} answered`);
      if (flags.json === true) return printJson(context.stdout, { timeoutMs, domains: ['local.'], count: beacons.length, beacons });
      printLines(context.stdout, [
        'Gateway Discovery',
        `Found ${beacons.length} gateway(s) · domains: local.`,
        ...beacons.map((beacon) => `- ${beacon.instanceName}: ${beacon.wsUrl ?? '(no address answered)'}${beacon.txt['gatewayTls'] === '1' ? ' · TLS (pin the fingerprint you get from the owner, never from discovery)' : ''}`),
        ...(beacons.length === 0 ? ['mDNS does not cross routers, VPNs or Tailscale: for a remote gateway use its URL or `clawgate tunnel`.'] : []),
      ]);
    });
}

/** @module cli/program — the commander tree: every `openclaw …` command of the seed, as `clawgate …`. */
import { Command, CommanderError } from 'commander';
import { CLAWGATE_VERSION } from '../protocol/index.js';
import { createCliContext, type CliContext, type CliIo } from './context.js';
import { registerDevices } from './commands/devices.js';
import { registerDashboard } from './commands/dashboard.js';
import { registerGatewayAuthToken } from './commands/gateway-auth-token.js';
import { registerGatewayCall } from './commands/gateway-call.js';
import { registerGatewayMessaging } from './commands/gateway-messaging.js';
import { registerGatewayProbe } from './commands/gateway-probe.js';
import { registerGatewayRun } from './commands/gateway-run.js';
import { registerGatewayStatus } from './commands/gateway-status.js';
import { registerHealth } from './commands/health.js';
import { registerSecurity } from './commands/security.js';
import { registerStatus } from './commands/status.js';
import { registerNodes } from './commands/nodes.js';
import { registerApprovals } from './commands/approvals.js';
import { registerNodeRun } from './commands/node-run.js';
import { registerTunnel } from './commands/tunnel.js';
import { registerLogs } from './commands/logs.js';
import { registerConfig } from './commands/config.js';
import { registerService } from './commands/service.js';
import { registerQr } from './commands/qr.js';
import { registerDoctor } from './commands/doctor.js';
import { registerGatewayDiscover } from './commands/gateway-discover.js';
import { registerOnboard } from './commands/onboard.js';
import { registerGatewayAgent } from './commands/gateway-agent.js';
import { registerSessions } from './commands/sessions.js';
import { registerExecApprovals } from './commands/exec-approvals.js';
import { registerChat } from './commands/chat.js';
import { registerChannels } from './commands/channels.js';

export function buildProgram(io: CliIo): Command {
  const program = new Command('clawgate')
    .description('Clawgate: a lean, secure gateway for personal AI assistants (OpenClaw protocol v4)')
    .version(CLAWGATE_VERSION)
    .option('--profile <name>', 'isolate state and config in ~/.clawgate-<name>')
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) })
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');

  const getContext = (command: Command): CliContext => {
    const globals = command.optsWithGlobals() as { profile?: string };
    return createCliContext(io, globals.profile);
  };

  registerHealth(program, 'health', getContext);
  registerStatus(program, getContext);

  // No default subcommand: `clawgate gateway stauts` must say "did you mean status?", not run a gateway.
  const gateway = program
    .command('gateway')
    .description('run, inspect and call the gateway')
    .addHelpText('after', '\nRun the gateway in the foreground: clawgate gateway run');
  registerGatewayRun(gateway, getContext);
  registerGatewayStatus(gateway, getContext);
  registerHealth(gateway, 'health', getContext);
  registerGatewayCall(gateway, getContext);
  registerGatewayMessaging(gateway, getContext);
  registerGatewayProbe(gateway, getContext);
  registerGatewayAuthToken(gateway, getContext);
  registerTunnel(program, getContext);

  registerDevices(program, getContext);
  registerSecurity(program, getContext);
  registerNodes(program, getContext);
  registerApprovals(program, getContext);
  registerNodeRun(program, getContext);
  registerLogs(program, getContext);
  registerConfig(program, getContext);
  registerService(program, getContext);
  registerQr(program, getContext);
  registerDoctor(program, getContext);
  registerGatewayDiscover(program, getContext);
  registerOnboard(program, getContext);
  registerGatewayAgent(gateway, getContext);
  registerSessions(program, getContext);
  registerExecApprovals(program, getContext);
  registerChat(program, getContext);
  registerChannels(program, getContext);
  registerDashboard(program, getContext);

  for (const command of allCommands(program)) command.exitOverride();
  return program;
}

function allCommands(command: Command): Command[] {
  return [command, ...command.commands.flatMap(allCommands)];
}

export { CommanderError };

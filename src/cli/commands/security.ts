/**
 * @module cli/commands/security — `clawgate security audit [--json] [--deep]`.
 *
 * Prints each finding with its severity and fix. Exit code 1 when any finding is critical, so CI and
 * install scripts can gate on it; 0 otherwise (warnings and info do not fail).
 */
import type { Command } from 'commander';
import { DEFAULT_GATEWAY_PORT } from '../../config/index.js';
import { auditConfiguration, probeGateway, summarize, type AuditFinding, type DeepProbeReport } from '../../security/index.js';
import type { CliContext } from '../context.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { parsePort } from '../connection-options.js';
import { printJson, printLines } from '../output.js';

interface AuditFlags {
  json?: boolean;
  deep?: boolean;
  url?: string;
  port?: string;
}

const LABELS: Record<AuditFinding['severity'], string> = { critical: 'CRITICAL', warn: 'WARN', info: 'INFO' };

export function registerSecurity(program: Command, getContext: (command: Command) => CliContext): void {
  const security = program.command('security').description('security checks');
  security
    .command('audit')
    .description('check config, credentials, exposure and file permissions; exit 1 on a critical finding')
    .option('--deep', 'also probe the running gateway (foreign origin, DNS rebinding, connect without credential)', false)
    .option('--url <url>', 'gateway to probe with --deep (default: the local gateway)')
    .option('--port <port>', 'local gateway port to probe with --deep')
    .option('--json', 'print JSON', false)
    .action(async (flags: AuditFlags, command: Command) => {
      const context = getContext(command);
      const loaded = context.config();
      const findings = auditConfiguration({ config: loaded.config, configPath: loaded.path, env: context.gatewayEnv, paths: context.paths });
      let deep: DeepProbeReport | undefined;
      if (flags.deep === true) {
        deep = await probeGateway(probeUrl(context, flags));
        findings.unshift(...deep.findings.filter((finding) => finding.severity === 'critical'));
        findings.push(...deep.findings.filter((finding) => finding.severity !== 'critical'));
      }
      const summary = summarize(findings);
      if (flags.json === true) {
        printJson(context.stdout, { ok: summary.critical === 0, configPath: loaded.path, stateDir: context.paths.stateDir, summary, findings, ...(deep === undefined ? {} : { deep: { url: deep.url, probes: deep.probes } }) });
      } else {
        printLines(context.stdout, formatReport(loaded.path, context.paths.stateDir, findings, summary, deep));
      }
      // The report is already printed; the empty message keeps main from printing anything more.
      if (summary.critical > 0) throw new CliError('', ExitCode.FAILURE);
    });
}

function probeUrl(context: CliContext, flags: AuditFlags): string {
  if (flags.url !== undefined && flags.port !== undefined) throw new CliError('--port and --url cannot be combined', ExitCode.USAGE);
  if (flags.url !== undefined) {
    if (!/^wss?:\/\//.test(flags.url)) throw new CliError(`--url must be a ws:// or wss:// URL (got "${flags.url}")`, ExitCode.USAGE);
    return flags.url;
  }
  const port = parsePort(flags.port) ?? context.gatewayEnv.port ?? context.config().config.gateway?.port ?? DEFAULT_GATEWAY_PORT;
  return `ws://127.0.0.1:${port}`;
}

function formatReport(
  configPath: string,
  stateDir: string,
  findings: readonly AuditFinding[],
  summary: Record<AuditFinding['severity'], number>,
  deep: DeepProbeReport | undefined,
): string[] {
  const lines = ['Clawgate security audit', `Config: ${configPath}`, `State: ${stateDir}`, ''];
  if (findings.length === 0) lines.push('No findings.');
  for (const finding of findings) {
    lines.push(`${LABELS[finding.severity].padEnd(8)} ${finding.checkId}: ${finding.title}`);
    lines.push(`         ${finding.detail}`);
    lines.push(`         Fix: ${finding.fix}`);
  }
  if (deep !== undefined) {
    lines.push('', `Live probe of ${deep.url}:`);
    for (const probe of deep.probes) lines.push(`  ${probe.isOk ? 'ok  ' : 'FAIL'} ${probe.name} (${probe.detail})`);
  }
  lines.push('', `Summary: ${summary.critical} critical · ${summary.warn} warn · ${summary.info} info`);
  return lines;
}

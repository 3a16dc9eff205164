/**
 * @module cli/commands/doctor — `clawgate doctor [--fix] [--json]`: what is wrong with this install and
 * the exact fix for each finding. `--fix` applies only the safe fixes (tighten state-dir permissions,
 * create a missing generated token) and nothing else; it re-checks afterwards.
 *
 * Exit codes: 0 no failure (warnings allowed), 1 at least one failure remains.
 */
import { execFile } from 'node:child_process';
import type { Command } from 'commander';
import { loadOrCreateGeneratedToken, tightenStatePermissions } from '../../config/index.js';
import type { CliContext } from '../context.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { printJson, printLines } from '../output.js';
import { createPaint, startSpinner, type Paint } from '../style.js';
import { checkClock, checkConfig, checkModels, checkPermissions, checkPort, checkRemote, checkToken, type Finding } from '../doctor/checks.js';
import { serviceStatus } from './service.js';
import { loadFeatureSections } from '../feature-sections.js';

export function registerDoctor(program: Command, getContext: (command: Command) => CliContext): void {
  program
    .command('doctor')
    .description('check config, permissions, token, port, service, remote access and clock; print the fix for each problem')
    .option('--fix', 'apply the safe fixes (state-dir permissions, missing token) and check again', false)
    .option('--json', 'print JSON', false)
    .action(async (flags: { fix?: boolean; json?: boolean }, command: Command) => {
      const context = getContext(command);
      let findings = await runChecks(context, command, flags.json !== true);
      const applied: string[] = [];
      if (flags.fix === true) {
        applied.push(...applySafeFixes(context, findings));
        if (applied.length > 0) findings = await runChecks(context, command, false);
      }
      const failures = findings.filter((finding) => finding.status === 'fail').length;
      if (flags.json === true) {
        printJson(context.stdout, { ok: failures === 0, applied, findings });
      } else {
        printLines(context.stdout, formatFindings(findings, applied, createPaint(context.stdout, context.env), flags.fix === true));
      }
      if (failures > 0) throw new CliError('', ExitCode.FAILURE);
    });
}

async function runChecks(context: CliContext, command: Command, isInteractive: boolean): Promise<Finding[]> {
  const spinner = isInteractive ? startSpinner(context.stderr, context.env, 'checking') : undefined;
  const { finding: configFinding, config } = checkConfig(context.paths, await loadFeatureSections());
  const findings: Finding[] = [configFinding, checkPermissions(context.paths), checkToken(context.paths, context.gatewayEnv, config)];
  findings.push(await checkPort(context.paths, context.gatewayEnv, config));
  findings.push(await checkService(context, command));
  findings.push(...(await checkRemote(context.paths, config, (name) => hasBinary(name, context.env))));
  findings.push(await checkClock(config, Date.now));
  findings.push(...(await checkModels(config, context.env)));
  // Not a TTY: the spinner prints its line once; keep stdout clean by sending it to stderr only there.
  if (spinner !== undefined && (context.stderr as { isTTY?: boolean }).isTTY === true) spinner.stop(`${findings.length} checks done`);
  return findings;
}

async function checkService(context: CliContext, command: Command): Promise<Finding> {
  const status = await serviceStatus(context, 'gateway', command);
  if ('reason' in status) return { id: 'service', status: 'info', title: 'service', detail: `no service manager: ${status.reason}`, fix: 'run in the foreground (clawgate gateway run) or use the Docker image' };
  if (!status.isInstalled) return { id: 'service', status: 'info', title: 'service', detail: `not installed as a ${status.manager} service`, fix: 'clawgate gateway install' };
  if (status.isRunning) return { id: 'service', status: 'ok', title: 'service', detail: `${status.manager}: ${status.state}${status.pid === undefined ? '' : `, pid ${status.pid}`}` };
  return { id: 'service', status: 'fail', title: 'service', detail: `${status.manager}: ${status.state} (${status.details.join(', ')})`, fix: 'clawgate logs; then clawgate gateway restart' };
}

/** Applies the safe fixes the findings ask for; returns what it did. */
function applySafeFixes(context: CliContext, findings: readonly Finding[]): string[] {
  const applied: string[] = [];
  if (findings.some((finding) => finding.safeFix === 'token')) {
    loadOrCreateGeneratedToken(context.paths);
    applied.push(`created ${context.paths.tokenPath} (mode 0600)`);
  }
  if (findings.some((finding) => finding.safeFix === 'permissions')) {
    const changed = tightenStatePermissions(context.paths);
    if (changed.length > 0) applied.push(`made ${changed.length} state entr${changed.length === 1 ? 'y' : 'ies'} private (0700/0600)`);
  }
  return applied;
}

const MARKS: Record<Finding['status'], { text: string; style: 'green' | 'yellow' | 'red' | 'gray' }> = {
  ok: { text: 'ok  ', style: 'green' },
  warn: { text: 'warn', style: 'yellow' },
  fail: { text: 'FAIL', style: 'red' },
  info: { text: 'info', style: 'gray' },
};

function formatFindings(findings: readonly Finding[], applied: readonly string[], paint: Paint, isFixRun: boolean): string[] {
  const lines = ['Clawgate doctor', ''];
  for (const finding of findings) {
    const mark = MARKS[finding.status];
    lines.push(`${paint(mark.style, mark.text)}  ${finding.title}: ${finding.detail}`);
    if (finding.fix !== undefined && finding.status !== 'ok') lines.push(`      Fix: ${finding.fix}`);
  }
  lines.push('');
  for (const change of applied) lines.push(`Fixed: ${change}`);
  const failures = findings.filter((finding) => finding.status === 'fail').length;
  const warnings = findings.filter((finding) => finding.status === 'warn').length;
  const safeLeft = findings.some((finding) => finding.safeFix !== undefined);
  lines.push(`${failures} failure(s), ${warnings} warning(s).${safeLeft && !isFixRun ? ' `clawgate doctor --fix` applies the safe fixes (permissions, missing token).' : ''}`);
  lines.push('Security posture (bind, origins, TLS): clawgate security audit --deep');
  return lines;
}

function hasBinary(name: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(name, ['version'], { timeout: 3000, env }, (error) => resolve(error === null || (typeof error.code === 'number' && error.code !== 127)));
  });
}

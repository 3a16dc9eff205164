/** @module bench/report — the markdown table printed to stdout and saved as bench/results/latest.md. */
import type { BenchResults } from './run.js';

export interface TargetCheck {
  name: string;
  target: string;
  measured: string;
  isMet: boolean;
}

/** Compares the measured numbers with the targets of issue 2. */
export function checkTargets(results: BenchResults): TargetCheck[] {
  const checks: TargetCheck[] = [
    { name: 'start → /readyz 200 (median)', target: '< 300 ms', measured: `${results.startup.readyMs.median} ms`, isMet: results.startup.readyMs.median < 300 },
    { name: '`clawgate health` wall time (median)', target: '< 250 ms', measured: `${results.cli.clawgateHealthMs.median} ms`, isMet: results.cli.clawgateHealthMs.median < 250 },
    { name: 'idle RSS', target: '< 60 MB', measured: `${results.memory.idleRssMb} MB`, isMet: results.memory.idleRssMb < 60 },
    { name: `RSS per idle authenticated connection (${results.memory.connections})`, target: '< 30 KB', measured: `${results.memory.perConnectionKb} KB`, isMet: results.memory.perConnectionKb < 30 },
  ];
  const { withModel } = results;
  if (withModel !== undefined) {
    checks.push(
      { name: 'with a model configured: start → /readyz 200 (median)', target: '< 300 ms', measured: `${withModel.readyMs.median} ms`, isMet: withModel.readyMs.median < 300 },
      { name: 'with a model configured: `clawgate health` (median)', target: '< 250 ms', measured: `${withModel.clawgateHealthMs.median} ms`, isMet: withModel.clawgateHealthMs.median < 250 },
    );
  }
  for (const row of results.load) {
    checks.push({ name: `health RPC throughput, ${row.clients} client(s), vs raw ws echo`, target: '>= 50%', measured: `${Math.round(row.ratio * 100)}%`, isMet: row.ratio >= 0.5 });
  }
  return checks;
}

export function renderMarkdown(results: BenchResults): string {
  const { meta, startup, cli, load, memory, withModel, openclaw } = results;
  const oc = openclaw;
  const lines: string[] = [];
  lines.push(`Measured ${meta.date} on ${meta.cpus} × ${meta.cpuModel}, Node ${meta.node}, ${meta.platform}.`);
  lines.push(`Load average before/after: ${meta.loadBefore.join(' ')} / ${meta.loadAfter.join(' ')} (the machine is shared; numbers are indicative).`);
  lines.push('');
  lines.push(`| Metric | Clawgate ${meta.clawgateVersion} | ${oc === undefined ? 'OpenClaw (not run: --with-openclaw)' : `OpenClaw ${oc.version} (Node 24)`} |`);
  lines.push('|---|---|---|');
  lines.push(`| start → /readyz 200 | ${fmtSummary(startup.readyMs)} | ${oc?.startToReadyzMs == null ? '—' : `${oc.startToReadyzMs} ms`} |`);
  lines.push(`| start → first \`health\` answered | ${fmtSummary(startup.firstHealthMs)} | ${oc === undefined ? '—' : `${oc.startToFirstHealthMs} ms`} |`);
  lines.push(`| CLI health wall time (\`clawgate health\` / \`openclaw gateway health\`) | ${fmtSummary(cli.clawgateHealthMs)} | ${oc === undefined ? '—' : fmtSummary(oc.cliGatewayHealthMs)} |`);
  lines.push(`| bare \`node -e 0\` (floor for any Node CLI) | ${fmtSummary(cli.nodeStartupMs)} | — |`);
  const bare = memory.bareNodeRssMb === undefined ? '' : ` (bare \`node\` ${memory.bareNodeRssMb} MB, +${round1(memory.idleRssMb - memory.bareNodeRssMb)})`;
  lines.push(`| idle RSS (gateway process) | ${memory.idleRssMb} MB${bare} | ${oc === undefined ? '—' : `${oc.idleRssMb} MB (${oc.idleTreeRssMb} MB with child processes)`} |`);
  lines.push(`| RSS with ${memory.connections} authenticated idle connections | ${memory.rssWithConnectionsMb} MB (${memory.perConnectionKb} KB/connection) | — |`);
  if (withModel !== undefined) {
    lines.push(`| with a model configured: start → /readyz 200 | ${fmtSummary(withModel.readyMs)} | — |`);
    lines.push(`| with a model configured: \`clawgate health\` | ${fmtSummary(withModel.clawgateHealthMs)} | — |`);
    lines.push(`| with a model configured: idle RSS | ${withModel.idleRssMb} MB | — |`);
  }
  lines.push('');
  lines.push('`health` RPC, closed loop (each client waits for its answer before the next request), same client code for both servers:');
  lines.push('');
  lines.push('| Clients | Clawgate req/s | Clawgate p50 / p99 | raw `ws` echo req/s | echo p50 / p99 | Clawgate / echo |');
  lines.push('|---|---|---|---|---|---|');
  for (const row of load) {
    lines.push(`| ${row.clients} | ${row.gateway.rps} | ${row.gateway.p50Ms} / ${row.gateway.p99Ms} ms | ${row.echo.rps} | ${row.echo.p50Ms} / ${row.echo.p99Ms} ms | ${Math.round(row.ratio * 100)}% |`);
  }
  lines.push('');
  lines.push('| Target (issue 2) | Goal | Measured | Met |');
  lines.push('|---|---|---|---|');
  for (const check of results.targets) lines.push(`| ${check.name} | ${check.target} | ${check.measured} | ${check.isMet ? 'yes' : '**no**'} |`);
  lines.push('');
  lines.push(`Timings are medians (p90 in brackets) of ${startup.readyMs.n} gateway starts and ${cli.clawgateHealthMs.n} CLI runs; load runs ${meta.loadDurationMs} ms per point after ${meta.loadWarmupMs} ms warm-up.`);
  return `${lines.join('\n')}\n`;
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

function fmtSummary(summary: { median: number; p90: number }): string {
  return `${summary.median} ms (p90 ${summary.p90})`;
}

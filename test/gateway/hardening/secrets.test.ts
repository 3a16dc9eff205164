/**
 * No secret in any log line, `logs.tail` answer or CLI output (security lessons §1.3, T-URL-3; OpenClaw
 * leaked its admin token through a log line `logs.tail` could read, CVSS 9.0). A realistic session
 * uses right and wrong tokens and passwords, then every sink is searched for every secret used.
 * Also: the state dir is private (0700) and its files 0600, even when they were created loose.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { attemptConnect } from '../../helpers/connect-attempt.js';
import { createFakeClock } from '../../helpers/fake-clock.js';
import { runCli } from '../../../src/cli/main.js';

const secret = (label: string): string => `${label}-${randomBytes(18).toString('base64url')}`;
const TOKEN = secret('tok');
const PASSWORD = secret('pw');
const REMOTE_TOKEN = secret('rtok');
const REMOTE_PASSWORD = secret('rpw');
const WRONG_TOKEN = secret('wrongtok');
const WRONG_PASSWORD = secret('wrongpw');
const ALL_SECRETS = { TOKEN, PASSWORD, REMOTE_TOKEN, REMOTE_PASSWORD, WRONG_TOKEN, WRONG_PASSWORD };

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(args: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io = { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, env: {} };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}

function assertNoSecrets(sink: string, text: string): void {
  for (const [name, value] of Object.entries(ALL_SECRETS)) {
    assert.ok(!text.includes(value), `${name} leaked into ${sink}`);
  }
}

/**
 * The log file's text once it contains `marker`. The file is written asynchronously (and
 * `logger.flush` does not reach it through the scrubbing wrapper), so poll for a line we know is due.
 */
async function readLogWhenContains(gateway: TestGateway, marker: string): Promise<string> {
  for (let attempt = 0; attempt < 200; attempt++) {
    let text = '';
    try {
      text = readFileSync(gateway.paths.logPath, 'utf8');
    } catch {
      // Not opened yet.
    }
    if (text.includes(marker)) return text;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`log file ${gateway.paths.logPath} never contained ${marker}`);
}

function modeOf(path: string): string {
  return (statSync(path).mode & 0o777).toString(8);
}

describe('secrets never reach logs, logs.tail or CLI output', () => {
  let tokenGateway: TestGateway;
  let passwordGateway: TestGateway;
  const outputs: { sink: string; text: string }[] = [];
  before(async () => {
    const remote = { token: REMOTE_TOKEN, password: REMOTE_PASSWORD };
    // Clock injected so the wrong guesses below never wait for the local penalty.
    tokenGateway = await startTestGateway({ clock: createFakeClock(), flags: { auth: 'token' }, config: { gateway: { auth: { token: TOKEN }, remote } } });
    passwordGateway = await startTestGateway({ clock: createFakeClock(), flags: { auth: 'password' }, config: { gateway: { auth: { password: PASSWORD }, remote } } });
  });
  after(async () => {
    await tokenGateway.stop();
    await passwordGateway.stop();
  });

  it('runs a realistic session and finds no secret in any sink', async () => {
    const tokenUrl = tokenGateway.url;
    const passwordUrl = passwordGateway.url;
    // Sockets: right and wrong credentials, a bogus device token, a browser from an unknown origin.
    assert.equal((await attemptConnect(tokenUrl, { token: TOKEN })).ok, true);
    assert.equal((await attemptConnect(tokenUrl, { token: WRONG_TOKEN, auth: { deviceToken: WRONG_TOKEN, password: WRONG_PASSWORD } })).ok, false);
    assert.equal((await attemptConnect(passwordUrl, { password: PASSWORD })).ok, true);
    assert.equal((await attemptConnect(passwordUrl, { password: WRONG_PASSWORD })).ok, false);
    await assert.rejects(attemptConnect(tokenUrl, { token: TOKEN, ws: { origin: 'https://evil.example' } }), /HTTP 403/);

    // CLI calls with credentials on the command line.
    const runs: Record<string, CliRun> = {
      health: await cli(['gateway', 'health', '--url', tokenUrl, '--token', TOKEN, '--json']),
      badToken: await cli(['gateway', 'health', '--url', tokenUrl, '--token', WRONG_TOKEN]),
      configGet: await cli(['gateway', 'call', 'config.get', '--url', tokenUrl, '--token', TOKEN, '--json']),
      passwordHealth: await cli(['gateway', 'health', '--url', passwordUrl, '--password', PASSWORD, '--json']),
      badPassword: await cli(['gateway', 'call', 'health', '--url', passwordUrl, '--password', WRONG_PASSWORD]),
      probe: await cli(['gateway', 'probe', '--url', tokenUrl, '--token', TOKEN, '--json']),
    };
    assert.equal(runs['health']!.code, 0, runs['health']!.stderr);
    assert.equal(runs['badToken']!.code, 4);
    assert.match(runs['badToken']!.stderr, /AUTH_TOKEN_MISMATCH/);
    assert.equal(runs['badPassword']!.code, 4);
    const config = JSON.parse(runs['configGet']!.stdout) as { config: { gateway: { auth: { token: string }; remote: { token: string } } } };
    assert.equal(config.config.gateway.auth.token, '[redacted]');
    assert.equal(config.config.gateway.remote.token, '[redacted]');

    // logs.tail, read last so it covers everything above.
    const tails = {
      token: await cli(['gateway', 'call', 'logs.tail', '--params', '{"limit": 5000}', '--url', tokenUrl, '--token', TOKEN, '--json']),
      password: await cli(['gateway', 'call', 'logs.tail', '--params', '{"limit": 5000}', '--url', passwordUrl, '--password', PASSWORD, '--json']),
    };
    for (const [name, run] of Object.entries(tails)) {
      assert.equal(run.code, 0, run.stderr);
      const lines = (JSON.parse(run.stdout) as { lines: string[] }).lines;
      assert.ok(lines.some((line) => line.includes('connect rejected')), `${name}: the tail covers the failed attempts`);
    }

    for (const [name, run] of Object.entries({ ...runs, ...Object.fromEntries(Object.entries(tails).map(([k, v]) => [`tail-${k}`, v])) })) {
      outputs.push({ sink: `cli ${name} stdout`, text: run.stdout }, { sink: `cli ${name} stderr`, text: run.stderr });
    }
    for (const gateway of [tokenGateway, passwordGateway]) {
      const file = await readLogWhenContains(gateway, 'connect rejected');
      outputs.push({ sink: `log file ${gateway.paths.logPath}`, text: file }, { sink: 'captured log lines', text: gateway.logLines.join('\n') });
    }
    for (const { sink, text } of outputs) assertNoSecrets(sink, text);
  });

  it('keeps the state dir 0700 and its files 0600', async () => {
    await readLogWhenContains(tokenGateway, 'gateway listening');
    const { paths } = tokenGateway;
    assert.equal(modeOf(paths.stateDir), '700');
    assert.equal(modeOf(paths.logDir), '700');
    assert.equal(modeOf(paths.logPath), '600');
    assert.equal(modeOf(paths.configPath), '600', 'the config holds secrets: tightened at startup although the test wrote it 0644');
  });
});

describe('state permissions are tightened at startup', () => {
  it('fixes a log file and state dir left readable by an older build, and says so', async () => {
    const { createTempStateDir } = await import('../../helpers/gateway.js');
    const stateDir = createTempStateDir();
    mkdirSync(`${stateDir}/logs`, { recursive: true });
    writeFileSync(`${stateDir}/logs/gateway.log`, '');
    chmodSync(`${stateDir}/logs/gateway.log`, 0o644);
    chmodSync(`${stateDir}/logs`, 0o755);
    chmodSync(stateDir, 0o755);
    const gateway = await startTestGateway({ env: { CLAWGATE_STATE_DIR: stateDir } });
    try {
      assert.equal(modeOf(stateDir), '700');
      assert.equal(modeOf(`${stateDir}/logs`), '700');
      assert.equal(modeOf(`${stateDir}/logs/gateway.log`), '600');
      const warning = gateway.logLines.find((line) => line.includes('tightened state permissions'));
      assert.ok(warning?.includes('gateway.log (was 644)'), warning);
      // Let the asynchronous log file finish opening before the dir is removed.
      await readLogWhenContains(gateway, 'gateway listening');
    } finally {
      await gateway.stop();
      rmSync(stateDir, { recursive: true, force: true });
    }
  });
});

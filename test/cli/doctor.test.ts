/** `clawgate doctor [--fix]`: each finding with its fix, real port owners, and --fix applying only the safe fixes. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { join } from 'node:path';
import { writeRunState } from '../../src/cli/run-state.js';
import { runCliInProcess } from '../helpers/cli.js';
import { createTempStateDir, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { findFreePort } from '../helpers/ports.js';
import { startFakeAnthropicServer, startFakeOpenAiServer } from '../helpers/fake-model.js';
import { FakeTelegram } from '../helpers/fake-telegram.js';

interface Report {
  ok: boolean;
  applied: string[];
  findings: { id: string; status: string; detail: string; fix?: string }[];
}

async function doctor(stateDir: string, args: string[] = [], extraEnv: NodeJS.ProcessEnv = {}): Promise<{ code: number; report: Report; stderr: string }> {
  const result = await runCliInProcess(['doctor', '--json', ...args], { CLAWGATE_STATE_DIR: stateDir, PATH: '/usr/bin:/bin', ...extraEnv });
  return { code: result.code, report: JSON.parse(result.stdout) as Report, stderr: result.stderr };
}

function finding(report: Report, id: string): Report['findings'][number] {
  const found = report.findings.find((f) => f.id === id);
  assert.ok(found !== undefined, `no ${id} finding in ${JSON.stringify(report.findings)}`);
  return found;
}

describe('clawgate doctor', () => {
  it('reports loose permissions and a missing token with their fixes; --fix applies exactly those', async () => {
    const stateDir = createTempStateDir();
    const port = await findFreePort();
    writeFileSync(join(stateDir, 'clawgate.json'), JSON.stringify({ gateway: { port } }), { mode: 0o644 });
    chmodSync(stateDir, 0o755);
    const before = await doctor(stateDir);
    assert.equal(before.code, 1);
    assert.equal(finding(before.report, 'permissions').status, 'fail');
    assert.match(finding(before.report, 'permissions').fix ?? '', /clawgate doctor --fix/);
    assert.equal(finding(before.report, 'token').status, 'warn');
    assert.equal(finding(before.report, 'port').status, 'info');
    assert.match(finding(before.report, 'port').detail, /nothing listens/);
    assert.match(finding(before.report, 'models').detail, /^no model configured: the built-in commands/);

    const fixed = await doctor(stateDir, ['--fix']);
    assert.equal(fixed.code, 0, JSON.stringify(fixed.report));
    assert.equal(fixed.report.applied.length, 2);
    assert.equal(statSync(stateDir).mode & 0o777, 0o700);
    assert.equal(statSync(join(stateDir, 'clawgate.json')).mode & 0o777, 0o600);
    assert.equal(statSync(join(stateDir, 'gateway-token')).mode & 0o777, 0o600);
    assert.equal(finding(fixed.report, 'token').status, 'ok');
  });

  it('fails a guessable token and an invalid config, and --fix leaves them alone', async () => {
    const stateDir = createTempStateDir();
    writeFileSync(join(stateDir, 'clawgate.json'), JSON.stringify({ gateway: { port: await findFreePort(), auth: { token: 'password1' } } }), { mode: 0o600 });
    const weak = await doctor(stateDir, ['--fix']);
    assert.equal(weak.code, 1);
    assert.equal(finding(weak.report, 'token').status, 'fail');
    assert.match(finding(weak.report, 'token').fix ?? '', /clawgate config set gateway\.auth\.token "\$\(openssl rand -base64 32\)"/);
    assert.deepEqual(weak.report.applied, []);
    writeFileSync(join(stateDir, 'clawgate.json'), '{ gateway: { bind: "lna" } }');
    // A broken config names no port, so the doctor would probe the default one: never a test's to touch.
    const broken = await doctor(stateDir, [], { CLAWGATE_GATEWAY_PORT: String(await findFreePort()) });
    assert.equal(finding(broken.report, 'config').status, 'fail');
    assert.match(finding(broken.report, 'config').detail, /did you mean "lan"/);
  });

  it('names Tailscale missing from PATH when the config asks for serve', async () => {
    const stateDir = createTempStateDir();
    writeFileSync(join(stateDir, 'clawgate.json'), JSON.stringify({ gateway: { port: await findFreePort(), tailscale: { mode: 'serve' } } }), { mode: 0o600 });
    const result = await doctor(stateDir, [], { PATH: '/nonexistent' });
    assert.equal(finding(result.report, 'tailscale').status, 'fail');
  });

  describe('port owner', () => {
    let gateway: TestGateway;
    let other: ReturnType<typeof createTcpServer>;
    let otherPort: number;
    before(async () => {
      gateway = await startTestGateway();
      other = createTcpServer((socket) => {
        socket.on('error', () => undefined); // the doctor's probe hangs up first
        socket.end('SSH-2.0-not-a-gateway\r\n');
      });
      await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
      otherPort = (other.address() as { port: number }).port;
    });
    after(async () => {
      await gateway.stop();
      other.close();
    });

    it('tells our gateway from another gateway and from another program', async () => {
      const port = gateway.server.port;
      const foreign = createTempStateDir();
      writeFileSync(join(foreign, 'clawgate.json'), JSON.stringify({ gateway: { port } }), { mode: 0o600 });
      assert.equal(finding((await doctor(foreign)).report, 'port').status, 'warn');

      writeFileSync(gateway.paths.configPath, JSON.stringify({ gateway: { port } }), { mode: 0o600 });
      writeRunState(gateway.paths.stateDir, { pid: process.pid, port, bind: 'loopback', authMode: 'token', authSource: '--token', startedAtMs: Date.now() });
      const ours = finding((await doctor(gateway.paths.stateDir)).report, 'port');
      assert.equal(ours.status, 'ok');
      assert.match(ours.detail, new RegExp(`our gateway \\(pid ${process.pid}, ready, auth from --token\\)`));

      const squatted = createTempStateDir();
      writeFileSync(join(squatted, 'clawgate.json'), JSON.stringify({ gateway: { port: otherPort } }), { mode: 0o600 });
      const squat = finding((await doctor(squatted)).report, 'port');
      assert.equal(squat.status, 'fail');
      assert.match(squat.fix ?? '', new RegExp(`ss -ltnp 'sport = :${otherPort}'`));
    });
  });

  describe('clock skew against a remote gateway', () => {
    let server: Server;
    let url: string;
    before(async () => {
      // A plain HTTP server whose Date header is 10 minutes ahead stands in for a remote gateway's clock.
      server = createServer((_request, response) => {
        response.sendDate = false;
        response.writeHead(200, { date: new Date(Date.now() + 600_000).toUTCString() });
        response.end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `ws://127.0.0.1:${(server.address() as { port: number }).port}`;
    });
    after(() => server.close());

    it('fails when the remote clock is minutes away', async () => {
      const stateDir = createTempStateDir();
      mkdirSync(stateDir, { recursive: true });
      writeFileSync(join(stateDir, 'clawgate.json'), JSON.stringify({ gateway: { port: await findFreePort(), remote: { url, token: 'x'.repeat(40) } } }), { mode: 0o600 });
      const clock = finding((await doctor(stateDir)).report, 'clock');
      assert.equal(clock.status, 'fail');
      assert.match(clock.detail, /differs from 127\.0\.0\.1:\d+ by (599|600|601) s/);
      assert.ok(existsSync(stateDir));
    });
  });

  describe('models and channels (FAKE model servers and a FAKE Bot API over real HTTP)', () => {
    it('says a plain install has no model and what the built-in commands still do', async () => {
      const stateDir = createTempStateDir();
      writeFileSync(join(stateDir, 'clawgate.json'), JSON.stringify({ gateway: { port: await findFreePort() } }), { mode: 0o600 });
      const models = finding((await doctor(stateDir)).report, 'models');
      assert.equal(models.status, 'info');
      assert.match(models.fix ?? '', /agents\.defaults\.model\.primary/);
    });

    it('reaches each configured model with its key, and names a refused key without printing it', async () => {
      const openai = await startFakeOpenAiServer([]);
      const anthropic = await startFakeAnthropicServer([]);
      try {
        openai.requireApiKey('sk-good-openai');
        anthropic.requireApiKey('sk-wrong-on-purpose-not-this');
        const stateDir = createTempStateDir();
        const config = {
          gateway: { port: await findFreePort() },
          models: {
            providers: {
              local: { baseUrl: openai.baseUrl, api: 'openai-completions', apiKey: '${DOCTOR_TEST_KEY}', models: [{ id: 'm1', name: 'm1' }] },
              claude: { baseUrl: anthropic.baseUrl.replace(/\/v1$/, ''), api: 'anthropic-messages', apiKey: 'sk-ant-secret-value', models: [{ id: 'c1', name: 'c1' }] },
            },
          },
          agents: { defaults: { model: { primary: 'local/m1', fallbacks: ['claude/c1'] } } },
        };
        writeFileSync(join(stateDir, 'clawgate.json'), JSON.stringify(config), { mode: 0o600 });
        const { report, code } = await doctor(stateDir, [], { DOCTOR_TEST_KEY: 'sk-good-openai' });
        const [primary, fallback] = report.findings.filter((f) => f.id === 'models');
        assert.equal(primary?.status, 'ok', JSON.stringify(primary));
        assert.equal(fallback?.status, 'fail');
        assert.match(fallback?.detail ?? '', /claude refused the API key \(HTTP 401\)/);
        assert.equal(code, 1);
        assert.doesNotMatch(JSON.stringify(report), /sk-ant-secret-value|sk-good-openai/);
        assert.ok(openai.requests.some((r) => r.method === 'GET' && r.path === '/v1/models'));
      } finally {
        await openai.close();
        await anthropic.close();
      }
    });

    it('checks the Telegram bot token with getMe and says when it is refused', async () => {
      const telegram = await FakeTelegram.start();
      try {
        const stateDir = createTempStateDir();
        const port = await findFreePort();
        const write = (botToken: string): void =>
          writeFileSync(join(stateDir, 'clawgate.json'), JSON.stringify({ gateway: { port }, channels: { telegram: { botToken, apiRoot: telegram.apiRoot } } }), { mode: 0o600 });
        write(telegram.token);
        assert.equal(finding((await doctor(stateDir)).report, 'telegram').status, 'ok');
        write('7000001:revokedTokenForTheDoctorTest');
        const refused = finding((await doctor(stateDir)).report, 'telegram');
        assert.equal(refused.status, 'fail');
        assert.match(refused.detail, /refused the bot token/);
        assert.doesNotMatch(JSON.stringify(refused), /revokedTokenForTheDoctorTest/);
      } finally {
        await telegram.close();
      }
    });
  });
});

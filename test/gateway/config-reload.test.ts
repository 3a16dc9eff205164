/**
 * Live config reload: the shared token and browser origins apply without a restart, a port change is
 * reported as needing one (and not half-applied), an invalid edit is refused and the running config stays.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import WebSocket from 'ws';
import { callGateway } from '../../src/client/index.js';
import { planConfigReload } from '../../src/gateway/index.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { openAuthenticatedSocket } from '../helpers/raw-socket.js';
import { eventually } from '../helpers/eventually.js';

const TOKEN_A = 'reload-token-a-0123456789abcdef0123';
const TOKEN_B = 'reload-token-b-0123456789abcdef0123';

function health(gateway: TestGateway, token: string): Promise<unknown> {
  return callGateway('health', {}, { url: gateway.url, token, scopes: ['operator.read'], timeoutMs: 5000 });
}

function browserUpgrade(gateway: TestGateway, origin: string): Promise<'open' | number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(gateway.url, { headers: { origin } });
    socket.once('open', () => {
      socket.terminate();
      resolve('open');
    });
    socket.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
    socket.once('error', () => undefined);
  });
}

describe('live config reload', () => {
  let gateway: TestGateway;
  const reloads = (): string[] => gateway.logLines.filter((line) => line.includes('config reload'));
  before(async () => {
    gateway = await startTestGateway({ flags: { auth: 'token' }, config: { gateway: { auth: { token: TOKEN_A } } } });
  });
  after(async () => {
    await gateway.stop();
  });
  const write = (config: unknown): void => writeFileSync(gateway.paths.configPath, JSON.stringify(config));

  it('applies a new token live: the new one works, the old one is refused and its sessions close', async () => {
    await health(gateway, TOKEN_A);
    const oldSession = await openAuthenticatedSocket(gateway.url, TOKEN_A);
    write({ gateway: { auth: { token: TOKEN_B } } });
    // The same rotation as SIGHUP (T-AUTH-1): an edited secret never leaves the old one's sessions open.
    const closed = await oldSession.closed;
    assert.equal(closed.code, 1008);
    assert.match(closed.reason, /secret was changed/);
    await eventually(() => reloads().length >= 1, 'the reload log line');
    assert.match(reloads()[0] ?? '', /config reloaded: applied gateway auth token \(from gateway\.auth\.token\)/);
    assert.ok(!reloads()[0]!.includes(TOKEN_B), 'the new secret is scrubbed from the log');
    await health(gateway, TOKEN_B);
    await assert.rejects(health(gateway, TOKEN_A), /AUTH_TOKEN_MISMATCH|token mismatch/);
  });

  it('applies browser origins live', async () => {
    assert.equal(await browserUpgrade(gateway, 'https://app.example'), 403);
    write({ gateway: { auth: { token: TOKEN_B }, controlUi: { allowedOrigins: ['https://app.example'] } } });
    await eventually(() => reloads().length >= 2, 'the second reload');
    assert.match(reloads()[1] ?? '', /applied gateway\.controlUi/);
    assert.equal(await browserUpgrade(gateway, 'https://app.example'), 'open');
  });

  it('reports a restart-only change as such, and a change a flag overrides as no change', async () => {
    // The test gateway runs with --port 0: the flag wins over gateway.port, so that edit changes nothing.
    write({ gateway: { auth: { token: TOKEN_B }, controlUi: { allowedOrigins: ['https://app.example'] }, port: 19999, handshakeTimeoutMs: 5000 } });
    await eventually(() => reloads().length >= 3, 'the third reload');
    assert.match(reloads()[2] ?? '', /config reloaded: applied nothing; needs a restart to apply: gateway\.handshakeTimeoutMs"/);
    await health(gateway, TOKEN_B);
  });

  it('refuses an invalid edit and keeps the running config', async () => {
    write({ gateway: { bind: 'lna', auth: { token: 'x' } } });
    await eventually(() => reloads().length >= 4, 'the refusal');
    assert.match(reloads()[3] ?? '', /config reload refused, the running config stays: .*gateway\.bind: must be one of/);
    await health(gateway, TOKEN_B);
  });
});

describe('planConfigReload', () => {
  it('sorts changes into live and restart, never both', async () => {
    const probe = await startTestGateway({ flags: { auth: 'token' }, config: { gateway: { auth: { token: TOKEN_A } } } });
    try {
      const settings = probe.settings;
      const plan = planConfigReload(
        { config: { gateway: { auth: { token: TOKEN_A } } }, settings },
        { config: { gateway: { auth: { token: TOKEN_A }, tls: { enabled: true } }, logging: { level: 'debug' } }, settings: { ...settings, bind: 'lan' } },
      );
      assert.deepEqual(plan.live, []);
      assert.deepEqual(plan.restart, ['gateway.bind', 'gateway.tls', 'logging']);
    } finally {
      await probe.stop();
    }
  });
});

/**
 * Tailscale Serve/Funnel and identity-header auth, against a FAKE `tailscale` executable on the
 * gateway's PATH (test/helpers/fake-tailscale.ts): Tailscale itself cannot run in this environment.
 * The fake implements the CLI contract the gateway relies on and records every call.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { callGateway } from '../../../src/client/index.js';
import { GatewayError, type StatusResult } from '../../../src/protocol/index.js';
import { createFakeTailscale, type FakeTailscale } from '../../helpers/fake-tailscale.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { connectFrame, openRawSocket } from '../../helpers/raw-socket.js';

const ALICE = { LoginName: 'alice@example.com', DisplayName: 'Alice' };

describe('gateway.tailscale.mode serve (fake tailscale CLI)', () => {
  let fake: FakeTailscale;
  let gateway: TestGateway;
  before(async () => {
    fake = createFakeTailscale();
    gateway = await startTestGateway({ config: { gateway: { tailscale: { mode: 'serve' } } }, env: fake.env });
  });
  after(async () => {
    await gateway.stop();
  });

  it('checks tailscale is running, serves the loopback port in the background, and confirms the route', () => {
    assert.deepEqual(fake.calls(), [
      ['status', '--json'],
      ['serve', '--bg', '--yes', String(gateway.server.port)],
      ['serve', 'status', '--json'],
    ]);
  });

  it('reports the Serve URL in status', async () => {
    const { payload } = await callGateway<StatusResult>('status', {}, { url: gateway.url, token: gateway.token, scopes: ['operator.read'] });
    assert.deepEqual(payload.gateway.tailscale, { mode: 'serve', url: 'https://gw.tail1234.ts.net/' });
  });

  it('resets serve when the gateway stops (resetOnExit defaults to true)', async () => {
    await gateway.server.stop('test');
    assert.deepEqual(fake.calls().at(-1), ['serve', 'reset']);
  });
});

describe('gateway.tailscale startup rules (fake tailscale CLI)', () => {
  it('leaves serve in place on exit with resetOnExit false', async () => {
    const fake = createFakeTailscale();
    const gateway = await startTestGateway({ config: { gateway: { tailscale: { mode: 'serve', resetOnExit: false } } }, env: fake.env });
    await gateway.stop();
    assert.equal(fake.calls().some((call) => call.includes('reset')), false);
  });

  it('refuses funnel without password auth before running tailscale at all', async () => {
    const fake = createFakeTailscale();
    await assert.rejects(startTestGateway({ config: { gateway: { tailscale: { mode: 'funnel' } } }, env: fake.env }), (error: unknown) => {
      assert.ok(error instanceof GatewayError);
      assert.equal(error.code, 'TAILSCALE_FUNNEL_REQUIRES_PASSWORD');
      assert.match(error.message, /Refusing to start Tailscale Funnel without password auth.*gateway\.auth\.mode "password"/);
      return true;
    });
    assert.deepEqual(fake.calls(), []);
  });

  it('runs funnel with password auth', async () => {
    const fake = createFakeTailscale();
    const gateway = await startTestGateway({ flags: { auth: 'password', password: 'correct horse battery staple' }, config: { gateway: { tailscale: { mode: 'funnel' } } }, env: fake.env });
    await gateway.stop();
    assert.deepEqual(fake.calls().map((call) => call.slice(0, 2)), [['status', '--json'], ['funnel', '--bg'], ['serve', 'status'], ['funnel', 'reset']]);
  });

  it('fails with TAILSCALE_FAILED when tailscale is stopped, and stops listening', async () => {
    const fake = createFakeTailscale({ backendState: 'Stopped' });
    await assert.rejects(
      startTestGateway({ config: { gateway: { tailscale: { mode: 'serve' } } }, env: fake.env }),
      (error: unknown) => error instanceof GatewayError && error.code === 'TAILSCALE_FAILED' && /tailscale is not running \(state Stopped\); run `tailscale up`/.test(error.message),
    );
  });

  it('fails with TAILSCALE_FAILED carrying the CLI message when serve is refused', async () => {
    const fake = createFakeTailscale({ failServe: 'Serve is not enabled on your tailnet.' });
    await assert.rejects(
      startTestGateway({ config: { gateway: { tailscale: { mode: 'serve' } } }, env: fake.env }),
      (error: unknown) => error instanceof GatewayError && error.code === 'TAILSCALE_FAILED' && /tailscale serve failed: Serve is not enabled on your tailnet\./.test(error.message),
    );
  });
});

describe('gateway.auth.allowTailscale identity headers (fake tailscale CLI)', () => {
  let fake: FakeTailscale;
  let gateway: TestGateway;
  before(async () => {
    fake = createFakeTailscale({ whois: { '100.100.1.2': ALICE } });
    gateway = await startTestGateway({ config: { gateway: { auth: { allowTailscale: true } } }, env: fake.env });
  });
  after(async () => {
    await gateway.stop();
  });

  /** Connects without any token, with Serve-style headers, as `role`; returns the connect response. */
  async function connectAs(headers: Record<string, string>, role = 'operator'): Promise<Record<string, unknown>> {
    const raw = await openRawSocket(gateway.url, { headers });
    await raw.waitFor((f) => f['event'] === 'connect.challenge');
    raw.send(connectFrame({ role, scopes: role === 'operator' ? ['operator.read'] : [], params: role === 'node' ? { client: { id: 'node-host', version: 'test', platform: 'linux', mode: 'node' } } : {} }));
    const res = await raw.waitFor((f) => f['type'] === 'res' && f['id'] === 'c1');
    raw.socket.close();
    return res;
  }
  const whoisCalls = () => fake.calls().filter((call) => call[0] === 'whois');

  it('accepts a loopback request whose tailscale-user-login matches whois for x-forwarded-for', async () => {
    const res = await connectAs({ 'tailscale-user-login': 'Alice@Example.com', 'x-forwarded-for': '100.100.1.2' });
    assert.equal(res['ok'], true, JSON.stringify(res['error']));
    assert.ok(gateway.logLines.some((line) => line.includes('"auth":"tailscale"') && line.includes('alice@example.com')));
    assert.deepEqual(whoisCalls().at(-1), ['whois', '--json', '100.100.1.2']);
  });

  it('caches whois answers (one call for repeated connects from the same address)', async () => {
    const before = whoisCalls().length;
    await connectAs({ 'tailscale-user-login': 'alice@example.com', 'x-forwarded-for': '100.100.1.2' });
    assert.equal(whoisCalls().length, before);
  });

  it('falls back to token rules when whois names someone else', async () => {
    const res = await connectAs({ 'tailscale-user-login': 'mallory@example.com', 'x-forwarded-for': '100.100.1.2' });
    assert.equal(res['ok'], false);
    assert.equal((res['error'] as { details: { code: string } }).details.code, 'AUTH_TOKEN_MISSING');
  });

  it('falls back to token rules when whois does not know the address', async () => {
    const res = await connectAs({ 'tailscale-user-login': 'alice@example.com', 'x-forwarded-for': '100.100.9.9' });
    assert.equal((res['error'] as { details: { code: string } }).details.code, 'AUTH_TOKEN_MISSING');
  });

  it('ignores the login header without x-forwarded-for (not from Serve) and never calls whois', async () => {
    const before = whoisCalls().length;
    const res = await connectAs({ 'tailscale-user-login': 'alice@example.com' });
    assert.equal((res['error'] as { details: { code: string } }).details.code, 'AUTH_TOKEN_MISSING');
    assert.equal(whoisCalls().length, before);
  });

  it('never authenticates a node through Tailscale identity', async () => {
    const res = await connectAs({ 'tailscale-user-login': 'alice@example.com', 'x-forwarded-for': '100.100.1.2' }, 'node');
    assert.equal(res['ok'], false);
  });
});

/** Connects with spoofed Serve headers and no token to a gateway started with `config`; returns the detail code. */
async function spoofedConnect(fake: FakeTailscale, config: Record<string, unknown>): Promise<string> {
  const gateway = await startTestGateway({ config, env: fake.env });
  try {
    const raw = await openRawSocket(gateway.url, { headers: { 'tailscale-user-login': 'alice@example.com', 'x-forwarded-for': '100.100.1.2' } });
    await raw.waitFor((f) => f['event'] === 'connect.challenge');
    raw.send(connectFrame({}));
    const res = await raw.waitFor((f) => f['type'] === 'res');
    raw.socket.close();
    return (res['error'] as { details: { code: string } }).details.code;
  } finally {
    await gateway.stop();
  }
}

describe('gateway.auth.allowTailscale false', () => {
  it('ignores identity headers and never runs whois', async () => {
    const fake = createFakeTailscale({ whois: { '100.100.1.2': ALICE } });
    assert.equal(await spoofedConnect(fake, { gateway: { auth: { allowTailscale: false } } }), 'AUTH_TOKEN_MISSING');
    assert.deepEqual(fake.calls(), []);
  });
});

describe('gateway.auth.allowTailscale unset', () => {
  it('is off by default, even in serve mode: another local user spoofing Serve headers gets nowhere', async () => {
    const fake = createFakeTailscale({ whois: { '100.100.1.2': ALICE } });
    assert.equal(await spoofedConnect(fake, { gateway: { tailscale: { mode: 'serve', resetOnExit: true } } }), 'AUTH_TOKEN_MISSING');
    assert.ok(!fake.calls().some((call) => call[0] === 'whois'), 'whois never consulted');
  });
});

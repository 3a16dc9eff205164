/**
 * Cross-site WebSocket hijacking and DNS rebinding (security lessons §1.4, T-CSWSH-1/2): browsers are
 * checked before the 101, over real sockets with exactly the headers a browser sends.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { attemptUpgrade } from '../../helpers/upgrade.js';
import { attemptConnect } from '../../helpers/connect-attempt.js';
import { GatewayError } from '../../../src/protocol/index.js';

function assertOriginRefused(outcome: Awaited<ReturnType<typeof attemptUpgrade>>, code: string): void {
  assert.equal(outcome.status, 403, 'refused before the upgrade completes');
  assert.equal(outcome.firstFrame, undefined, 'no challenge was ever sent');
  assert.equal(outcome.body?.['ok'], false);
  assert.equal(outcome.body?.['error'].code, 'FORBIDDEN');
  assert.equal(outcome.body?.['error'].details.code, code);
  assert.equal(outcome.body?.['error'].retryable, false);
}

describe('browser access on a loopback gateway', () => {
  let gateway: TestGateway;
  let port: number;
  before(async () => {
    gateway = await startTestGateway();
    port = gateway.server.port;
  });
  after(async () => {
    await gateway.stop();
  });

  it('a web page from another origin on loopback cannot connect', async () => {
    const outcome = await attemptUpgrade(port, { Origin: 'https://evil.example' });
    assertOriginRefused(outcome, 'CONTROL_UI_ORIGIN_NOT_ALLOWED');
    assert.equal(
      outcome.body?.['error'].message,
      "origin not allowed: https://evil.example. Fix: open the Control UI from the gateway's own address, or add the origin to gateway.controlUi.allowedOrigins.",
    );
    const logged = gateway.logLines.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => line['msg'] === 'refusing browser connection');
    assert.equal(logged?.['code'], 'CONTROL_UI_ORIGIN_NOT_ALLOWED');
    assert.equal(logged?.['origin'], 'https://evil.example');
  });

  it('a page served by another local port (a dev server, another app) cannot connect', async () => {
    assertOriginRefused(await attemptUpgrade(port, { Origin: 'http://localhost:5173' }), 'CONTROL_UI_ORIGIN_NOT_ALLOWED');
    assertOriginRefused(await attemptUpgrade(port, { Origin: `http://127.0.0.1:${port + 1}` }), 'CONTROL_UI_ORIGIN_NOT_ALLOWED');
  });

  it('an opaque origin (sandboxed iframe, file://) cannot connect', async () => {
    assertOriginRefused(await attemptUpgrade(port, { Origin: 'null' }), 'CONTROL_UI_ORIGIN_NOT_ALLOWED');
  });

  it('the refusal is the same through the ws client (the upgrade never opens)', async () => {
    await assert.rejects(attemptConnect(gateway.url, { token: gateway.token!, ws: { origin: 'https://evil.example' } }), /HTTP 403/);
  });

  it("the gateway's own page (same origin) can connect", async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`]) {
      const outcome = await attemptUpgrade(port, { Origin: `http://${host}`, Host: host });
      assert.equal(outcome.status, 101, host);
      assert.match(outcome.firstFrame ?? '', /connect\.challenge/);
    }
    const attempt = await attemptConnect(gateway.url, { token: gateway.token!, ws: { origin: `http://127.0.0.1:${port}` } });
    assert.equal(attempt.ok, true);
  });

  it('DNS rebinding Host header is refused', async () => {
    // The attacker's name now resolves to 127.0.0.1: origin and Host agree, but the name is not ours.
    for (const name of ['evil.example', '127.evil.example', 'localhost.evil.example']) {
      const outcome = await attemptUpgrade(port, { Origin: `http://${name}:${port}`, Host: `${name}:${port}` });
      assertOriginRefused(outcome, 'CONTROL_UI_HOST_NOT_ALLOWED');
      assert.match(outcome.body?.['error'].message, /^host not allowed: .* \(possible DNS rebinding\)\. Fix: /);
    }
  });

  it('a loopback name on another port is refused (Host must carry the gateway port)', async () => {
    const outcome = await attemptUpgrade(port, { Origin: `http://localhost:${port + 1}`, Host: `localhost:${port + 1}` });
    assertOriginRefused(outcome, 'CONTROL_UI_HOST_NOT_ALLOWED');
  });

  it('non-browser clients (no Origin) are unaffected, whatever Host they send', async () => {
    // SSH tunnels and proxies give CLIs other Host values; only browsers are confused deputies.
    const outcome = await attemptUpgrade(port, { Host: 'tunnel.example:28789' });
    assert.equal(outcome.status, 101);
    assert.equal((await attemptConnect(gateway.url, { token: gateway.token! })).ok, true);
  });
});

describe('browser access with gateway.controlUi settings', () => {
  let gateway: TestGateway;
  let port: number;
  before(async () => {
    gateway = await startTestGateway({
      config: { gateway: { controlUi: { allowedOrigins: ['https://ui.example.com'], allowedHosts: ['gw.internal'] } } },
    });
    port = gateway.server.port;
  });
  after(async () => {
    await gateway.stop();
  });

  it('an origin listed in allowedOrigins can connect (case and default port normalized)', async () => {
    const outcome = await attemptUpgrade(port, { Origin: 'HTTPS://UI.example.com:443' });
    assert.equal(outcome.status, 101);
  });

  it('a name listed in allowedHosts can serve the UI same-origin', async () => {
    assert.equal((await attemptUpgrade(port, { Origin: 'https://gw.internal', Host: 'gw.internal' })).status, 101);
    assertOriginRefused(await attemptUpgrade(port, { Origin: 'https://other.example', Host: 'gw.internal' }), 'CONTROL_UI_ORIGIN_NOT_ALLOWED');
  });

  it('other origins are still refused', async () => {
    assertOriginRefused(await attemptUpgrade(port, { Origin: 'https://ui.example.com.evil.example' }), 'CONTROL_UI_ORIGIN_NOT_ALLOWED');
  });
});

describe('browser access config is checked at startup', () => {
  it('refuses an allowedOrigins entry that is not an origin, naming the entry', async () => {
    await assert.rejects(
      startTestGateway({ config: { gateway: { controlUi: { allowedOrigins: ['localhost:5173'] } } } }),
      (error: unknown) =>
        error instanceof GatewayError &&
        error.code === 'CONFIG_INVALID' &&
        error.message.includes('gateway.controlUi.allowedOrigins[0]') &&
        error.message.includes('scheme://host[:port]'),
    );
  });

  it('refuses a trustedProxies entry that is not an IP or CIDR', async () => {
    await assert.rejects(
      startTestGateway({ config: { gateway: { trustedProxies: ['10.0.0.0/8', 'proxy.local'] } } }),
      (error: unknown) => error instanceof GatewayError && error.code === 'CONFIG_INVALID' && error.message.includes('"proxy.local" is not an IP address or CIDR'),
    );
  });
});

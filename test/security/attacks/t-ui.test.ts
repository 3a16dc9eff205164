/**
 * Attack families T-URL, T-CSWSH (plus framing and XSS) against the real Control UI (security lessons §5; issue 12):
 * real Chromium (skips, saying why, when it is not installed), a real gateway with the agent and
 * Control UI features, a FAKE scripted OpenAI-compatible model server, and a hostile page served by
 * a second loopback HTTP server on another port (another origin), which also records any request
 * or WebSocket a leak would send it.
 *
 * Already covered in test/e2e/control-ui-browser.test.ts and not repeated here: `?token=`,
 * `?password=`, `?gatewayUrl=` on a fresh tab (stripped, nothing stored, same-origin
 * requests only), a foreign page's bare WebSocket refused before the upgrade, and
 * `<img onerror>`/`<script>`/`javascript:` model output rendered inert.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { BrowserContext, Page } from 'playwright-core';
import { WebSocketServer } from 'ws';
import { createAgentFeature } from '../../../src/agent/feature.js';
import { createControlUiFeature } from '../../../src/control-ui/index.js';
import { chromiumSkipReason, launchChromium, type LaunchedChromium } from '../../helpers/browser.js';
import { startFakeOpenAiServer, type FakeModelServer } from '../../helpers/fake-model.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { approveNode, call, openNodeSocket, type TestNode } from '../../helpers/node-socket.js';
import { openAuthenticatedSocket } from '../../helpers/raw-socket.js';

const WAIT = { timeout: 20_000 };

/** A hostile origin: serves `page` and records every HTTP request and WebSocket it receives. */
async function startEvilServer(): Promise<{ port: number; hits: string[]; setPage(html: string): void; close(): Promise<void> }> {
  const hits: string[] = [];
  let page = '<!doctype html><title>evil</title>';
  const server: Server = createServer((request, response) => {
    if (request.url !== '/') hits.push(`http ${request.url ?? ''}`);
    response.writeHead(200, { 'content-type': 'text/html' }).end(page);
  });
  const wss = new WebSocketServer({ server });
  wss.on('connection', (socket, request) => {
    hits.push(`ws ${request.url ?? ''}`);
    socket.on('message', (data) => hits.push(`ws-message ${String(data).slice(0, 200)}`));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    hits,
    setPage: (html) => (page = html),
    close: async () => {
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('T-URL / T-CSWSH against the real Control UI in Chromium', { skip: chromiumSkipReason() }, () => {
  let model: FakeModelServer;
  let gateway: TestGateway;
  let chromium: LaunchedChromium;
  let evil: Awaited<ReturnType<typeof startEvilServer>>;
  let owner: BrowserContext;
  let page: Page;
  let base: string;

  before(async () => {
    model = await startFakeOpenAiServer([{ kind: 'text', chunks: ['ok'] }]);
    gateway = await startTestGateway({
      features: [createAgentFeature(), createControlUiFeature()],
      config: {
        models: { providers: { local: { baseUrl: model.baseUrl, api: 'openai-completions', apiKey: 'test-key', models: [{ id: 'test-model', name: 'test-model' }] } } },
        agents: { defaults: { model: { primary: 'local/test-model' } } },
        tools: { exec: { mode: 'ask' } },
      },
    });
    base = `http://127.0.0.1:${gateway.server.port}`;
    evil = await startEvilServer();
    chromium = await launchChromium();
    owner = await chromium.newDevice();
    page = await owner.newPage();
    await page.goto(`${base}/`);
    await page.waitForSelector('[data-testid=login]', { timeout: 60_000 });
    await page.fill('[data-testid=secret]', gateway.token!);
    await page.click('[data-testid=connect]');
    await page.waitForSelector('[data-status=connected]', WAIT);
  });
  after(async () => {
    await chromium?.close();
    await evil?.close();
    await gateway?.stop();
    await model?.close();
  });

  it('T-URL-1 (UI) a logged-in tab sent to ?gatewayUrl=/#gatewayUrl= (any spelling) of another host sends it nothing and stores nothing', async () => {
    const evilWs = `ws://127.0.0.1:${evil.port}/steal`;
    const sockets: string[] = [];
    const requests: string[] = [];
    page.on('websocket', (socket) => sockets.push(socket.url()));
    page.on('request', (request) => requests.push(request.url()));
    const links = [
      `${base}/?gatewayUrl=${encodeURIComponent(evilWs)}`,
      `${base}/?GATEWAYURL=${encodeURIComponent(evilWs)}&url=${encodeURIComponent(evilWs)}&gateway=${encodeURIComponent(evilWs)}`,
      `${base}/#gatewayUrl=${encodeURIComponent(evilWs)}&token=wrong-token-from-link`,
      `${base}/?token=leak-query-token#password=leak-hash-password&gatewayUrl=${encodeURIComponent(`http://127.0.0.1:${evil.port}/x`)}`,
    ];
    for (const link of links) {
      await page.goto(link);
      await page.waitForSelector('[data-status=connected], [data-testid=login]', WAIT);
      await page.waitForTimeout(300);
    }
    assert.deepEqual(evil.hits, [], 'the hostile host got a request or a socket');
    assert.ok(sockets.every((url) => url.startsWith(`ws://127.0.0.1:${gateway.server.port}`)), sockets.join(' '));
    assert.ok(requests.every((url) => url.startsWith(base)), requests.join(' '));
    const stored = await page.evaluate(`JSON.stringify({ ...sessionStorage }) + JSON.stringify({ ...localStorage }) + document.cookie`);
    assert.doesNotMatch(String(stored), /steal|wrong-token-from-link|leak-query-token|leak-hash-password|127\.0\.0\.1:\d+\/x/);
    assert.doesNotMatch(page.url(), /token|password|gatewayUrl/i);
  });

  it('T-CSWSH-1 (UI) a foreign page cannot open an authenticated WebSocket (token in the URL, any loopback spelling) nor read the UI\'s responses', async () => {
    const visitor = await chromium.newDevice();
    try {
      const tab = await visitor.newPage();
      for (const origin of [`http://127.0.0.1:${evil.port}`, `http://localhost:${evil.port}`]) {
        await tab.goto(`${origin}/`);
        const outcome = await tab.evaluate(`Promise.all([
          'ws://127.0.0.1:${gateway.server.port}/?token=${gateway.token}',
          'ws://localhost:${gateway.server.port}/',
        ].map((url) => new Promise((resolve) => {
          const socket = new WebSocket(url, ['openclaw', 'clawgate']);
          let opened = false;
          socket.onopen = () => { opened = true; socket.send(JSON.stringify({ type: 'req', id: 'c1', method: 'connect', params: { auth: { token: '${gateway.token}' } } })); };
          socket.onclose = (event) => resolve({ opened, code: event.code });
        })))`);
        assert.deepEqual(outcome, [{ opened: false, code: 1006 }, { opened: false, code: 1006 }], origin);
        const read = await tab.evaluate(`Promise.all(['${base}/', '${base}/healthz', '${base}/readyz'].map((url) =>
          fetch(url, { credentials: 'include' }).then((r) => r.text()).then((text) => 'read:' + text.slice(0, 40), (error) => 'blocked:' + error.name)))`);
        assert.ok((read as string[]).every((r) => r.startsWith('blocked:')), `${origin}: ${JSON.stringify(read)}`);
      }
      // The gateway's answers to a foreign Origin carry no CORS grant.
      for (const path of ['/', '/healthz', '/index.html']) {
        const res = await fetch(`${base}${path}`, { headers: { origin: `http://127.0.0.1:${evil.port}` } });
        assert.equal(res.headers.get('access-control-allow-origin'), null, path);
        assert.equal(res.headers.get('access-control-allow-credentials'), null, path);
      }
    } finally {
      await visitor.close();
    }
  });

  it('T-FRAME-1 a foreign page cannot frame the UI (frame-ancestors \'none\' and X-Frame-Options on every response)', async () => {
    evil.setPage(`<!doctype html><title>evil</title><iframe id=f src="${base}/" width=800 height=600></iframe>`);
    const visitor = await chromium.newDevice();
    try {
      const tab = await visitor.newPage();
      await tab.goto(`http://127.0.0.1:${evil.port}/`);
      await tab.waitForTimeout(1500);
      const child = tab.frames().find((frame) => frame !== tab.mainFrame());
      assert.ok(child !== undefined, 'the iframe exists');
      assert.equal(await child.locator('[data-testid=login], [data-testid=composer]').count(), 0, 'the UI rendered inside a foreign frame');
      assert.doesNotMatch(child.url(), new RegExp(`^${base}`), `frame url ${child.url()}`);
    } finally {
      await visitor.close();
      evil.setPage('<!doctype html><title>evil</title>');
    }
    for (const path of ['/', '/index.html', '/chat/deep/link', '/no-such-file.js']) {
      const res = await fetch(`${base}${path}`);
      assert.match(res.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/, path);
      assert.equal(res.headers.get('x-frame-options'), 'DENY', path);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff', path);
    }
  });

  it('T-XSS-2 model output and an exec approval card with HTML/JS (svg, iframe srcdoc, data:/javascript: links) never execute', async () => {
    const admin = await openAuthenticatedSocket(gateway.url, gateway.token!, ['operator.admin', 'operator.approvals']);
    const node: TestNode = await openNodeSocket(gateway.url, gateway.token!, { displayName: 'box', commands: ['system.run', 'system.which'] });
    try {
      await approveNode(admin, node.nodeId);
      const evilCommand = `echo "<img src=x onerror=window.xssFired=11><svg onload=window.xssFired=12>"`;
      model.setScript([
        { kind: 'toolCall', id: 'call_xss', name: 'exec', args: { command: evilCommand } },
        { kind: 'text', chunks: ['<svg onload="window.xssFired=21"></svg>', ' <iframe srcdoc="<script>parent.xssFired=22</script>"></iframe>', ' [a](data:text/html,<script>alert(1)</script>)', ' ![b](javascript:window.xssFired=23)', ' <a href="javascript:window.xssFired=24">c</a>', ' &lt;img src=x onerror=window.xssFired=25&gt;'] },
      ]);
      await page.goto(`${base}/`);
      await page.waitForSelector('[data-status=connected]', WAIT);
      await page.fill('[data-testid=composer]', 'render the page');
      await page.press('[data-testid=composer]', 'Enter');
      await page.waitForSelector('[data-testid=approval-card]', WAIT);
      assert.match((await page.textContent('[data-testid=approval-card]'))!, /<img src=x onerror=/);
      const pending = (await call(admin, 'exec.approval.list'))['payload'].approvals as { id: string }[];
      await call(admin, 'exec.approval.resolve', { id: pending[0]!.id, decision: 'deny' });
      await page.locator('[data-testid=msg-assistant][data-state=final]', { hasText: /iframe srcdoc/ }).waitFor({ state: 'attached', ...WAIT });
      await page.waitForTimeout(300);
      const messages = page.locator('[data-testid=messages]');
      for (const tag of ['img', 'svg', 'iframe', 'script', 'a[href^="javascript"]', 'a[href^="data"]']) {
        assert.equal(await messages.locator(tag).count(), 0, `a live <${tag}> in the messages`);
      }
      assert.equal(await page.evaluate(`window.xssFired`), undefined);
      assert.equal(node.frames.filter((f) => f['event'] === 'node.invoke.request').length, 0, 'a denied command reached the node');
    } finally {
      node.socket.terminate();
      admin.socket.close();
    }
  });
});

/**
 * The Control UI in real Chromium (Debian's `chromium`, driven by playwright-core) against a real
 * gateway with the agent feature, a FAKE OpenAI-compatible model server (scripted SSE over real
 * HTTP), our real node host and real sockets. Skips, saying why, when Chromium is not installed.
 * Writes the README's screenshots to docs/screenshots/ with CLAWGATE_UPDATE_SCREENSHOTS=1.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { createAgentFeature } from '../../src/agent/feature.js';
import { resolveStatePaths } from '../../src/config/index.js';
import { createControlUiFeature } from '../../src/control-ui/index.js';
import { chromiumSkipReason, launchChromium, screenshotDir, storageDump, type LaunchedChromium } from '../helpers/browser.js';
import { runCliInProcess } from '../helpers/cli.js';
import { createTempStateDir, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { fakeModelConfig, lastToolResultText, startFakeOpenAiServer, type FakeModelServer } from '../helpers/fake-model.js';
import { call } from '../helpers/node-socket.js';
import { openAuthenticatedSocket } from '../helpers/raw-socket.js';
import { startNodeHost } from '../helpers/node-host.js';

const WAIT = { timeout: 20_000 };
const SCREENSHOTS = screenshotDir();

async function send(page: Page, text: string): Promise<void> {
  await page.fill('[data-testid=composer]', text);
  await page.press('[data-testid=composer]', 'Enter');
}


/** Waits until the page's messages log matches `pattern`. */
async function waitForMessages(page: Page, pattern: RegExp): Promise<void> {
  // Locators, not waitForFunction: the UI's CSP (no unsafe-eval) forbids string predicates.
  await page.locator('[data-testid=messages]', { hasText: pattern }).waitFor({ state: 'attached', ...WAIT });
}

describe('Control UI in Chromium', { skip: chromiumSkipReason() }, () => {
  let model: FakeModelServer;
  let gateway: TestGateway;
  let stateDir: string;
  let chromium: LaunchedChromium;
  let admin: BrowserContext;
  let page: Page;
  let base: string;
  /** The admin page's console, quoted in failures. */
  const pageLog: string[] = [];

  before(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    model = await startFakeOpenAiServer([{ kind: 'text', chunks: ['Hello', ' from', ' **the**', ' test', ' model.'], chunkDelayMs: 150 }]);
    stateDir = createTempStateDir();
    gateway = await startTestGateway({ stateDir, features: [createAgentFeature(), createControlUiFeature()], config: fakeModelConfig(model.baseUrl, { exec: { mode: 'ask' } }) });
    base = `http://127.0.0.1:${gateway.server.port}`;
    chromium = await launchChromium();
    admin = await chromium.newDevice();
    page = await admin.newPage();
    page.on('console', (message) => pageLog.push(`${message.type()}: ${message.text()}`));
    page.on('pageerror', (error) => pageLog.push(`pageerror: ${error.message}`));
  });
  after(async () => {
    await chromium?.close();
    await gateway?.stop();
    await model?.close();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('logs in with the token once, streams a reply, and keeps the conversation across a reload', async () => {
    await page.goto(`${base}/`);
    // The first load parses the bundle on a busy machine: allow it more time.
    await page.waitForSelector('[data-testid=login]', { timeout: 60_000 }).catch(async (error: unknown) => {
      throw new Error(`no login screen: ${String(error)}\npage log:\n${pageLog.join('\n')}\nbody: ${await page.innerHTML('body').catch(() => '?')}`);
    });
    await page.fill('[data-testid=secret]', gateway.token!);
    await page.click('[data-testid=connect]');
    await page.waitForSelector('[data-status=connected]', WAIT);
    assert.equal(await page.evaluate(`sessionStorage.getItem('clawgate.gatewayToken')`), gateway.token, 'a token is kept for this tab');
    assert.equal(await page.evaluate(`localStorage.length`), 0, 'nothing in localStorage');
    await send(page, 'hello from the browser');
    await page.waitForSelector('[data-testid=msg-assistant][data-state=streaming]', WAIT);
    await page.waitForSelector('[data-testid=msg-assistant][data-state=final]', WAIT);
    assert.match((await page.textContent('[data-testid=msg-assistant]'))!, /Hello from the test model\./);
    assert.equal(await page.locator('[data-testid=msg-assistant] strong').textContent(), 'the', 'Markdown bold as an element');
    await page.screenshot({ path: join(SCREENSHOTS, 'chat-desktop.png') });
    await page.reload();
    await page.waitForSelector('[data-status=connected]', WAIT);
    await page.waitForSelector('[data-testid=msg-assistant]', WAIT);
    assert.match((await page.textContent('[data-testid=messages]'))!, /hello from the browser[\s\S]*Hello from the test model\./);
  });

  it('renders model output with <img onerror> and <script> as inert text', async () => {
    model.setScript([{ kind: 'text', chunks: ['Look: <img src=x onerror="window.xssFired=1">', ' and <script>window.xssFired=2</script>', ' [x](javascript:window.xssFired=3)'] }]);
    await send(page, 'be evil');
    await page.locator('[data-testid=msg-assistant][data-state=final]').nth(1).waitFor(WAIT);
    const last = page.locator('[data-testid=msg-assistant]').last();
    assert.match((await last.textContent())!, /<img src=x onerror="window.xssFired=1">/);
    assert.match((await last.textContent())!, /<script>window.xssFired=2<\/script>/);
    assert.equal(await page.locator('[data-testid=messages] img').count(), 0);
    assert.equal(await page.locator('[data-testid=messages] script').count(), 0);
    assert.equal(await page.locator('[data-testid=messages] a[href^="javascript"]').count(), 0);
    await page.waitForTimeout(300);
    assert.equal(await page.evaluate(`window.xssFired`), undefined);
  });

  it('stops a long reply mid-stream', async () => {
    model.setScript([{ kind: 'hang', chunks: ['This reply goes on and on'] }]);
    await send(page, 'talk forever');
    await page.waitForSelector('[data-testid=msg-assistant][data-state=streaming]', WAIT);
    await page.click('[data-testid=abort]');
    await page.waitForSelector('[data-testid=msg-assistant][data-state=aborted]', WAIT);
    assert.match((await page.locator('[data-testid=msg-assistant][data-state=aborted]').textContent())!, /This reply goes on and on/);
    model.setScript([{ kind: 'text', chunks: ['ok'] }]);
  });

  it('shows an exec approval inline; allowing it runs `uname -a` on the node and the tool card shows the output', async () => {
    const admin = await openAuthenticatedSocket(gateway.url, gateway.token!, ['operator.admin']);
    const node = await startNodeHost(gateway, { displayName: 'box', admin, allow: ['uname'] }).finally(() => admin.socket.close());
    try {
      model.setScript([{ kind: 'toolCall', id: 'call_ui_1', name: 'exec', args: { command: 'uname -a', host: 'node' } }, (req) => ({ kind: 'text', chunks: [`The node says: ${lastToolResultText(req)}`] })]);
      await send(page, 'what system is the node?');
      await page.waitForSelector('[data-testid=approval-card]', WAIT);
      assert.match((await page.textContent('[data-testid=approval-card]'))!, /uname -a/);
      assert.equal(await page.locator('[data-testid=approve-exec-always]').count(), 1, 'Always allow is offered');
      await page.click('[data-testid=approve-exec]');
      await page.locator('[data-testid=tool-output]', { hasText: /Linux/ }).waitFor({ state: 'attached', ...WAIT });
      await waitForMessages(page, /The node says/);
      model.setScript([{ kind: 'toolCall', id: 'call_ui_2', name: 'exec', args: { command: 'uname -s' } }, (req) => ({ kind: 'text', chunks: [`Kernel: ${lastToolResultText(req)}`] })]);
      await send(page, 'which kernel?');
      await page.click('[data-testid=approve-exec-always]');
      await page.locator('[data-testid=approval-state]', { hasText: 'always allowed' }).waitFor(WAIT);
      await waitForMessages(page, /Kernel: Node: box/);
      await page.locator('[data-testid=tool-card] summary').first().click();
      await page.screenshot({ path: join(SCREENSHOTS, 'exec-approval-desktop.png') });
      await page.click('[data-testid=tab-nodes]');
      await page.locator('section[aria-label=Nodes] .card', { hasText: 'box' }).getByText('connected').waitFor(WAIT);
      await page.click('[data-testid=tab-chat]');
    } finally {
      node.stop();
      model.setScript([{ kind: 'text', chunks: ['ok'] }]);
    }
  });

  it('lets a second device in once the first approves it in the Devices panel, without a reload', async () => {
    const socket = await openAuthenticatedSocket(gateway.url, gateway.token!, ['operator.admin']);
    const setup = await call(socket, 'device.pair.setupCode', {});
    socket.socket.close();
    const bootstrapToken = setup['payload'].bootstrapToken as string;
    const other = await chromium.newDevice({ width: 390, height: 844 });
    try {
      const phone = await other.newPage();
      let loads = 0;
      phone.on('load', () => loads++);
      await phone.goto(`${base}/#bootstrap=${bootstrapToken}`);
      await phone.waitForSelector('[data-testid=pairing]', WAIT);
      assert.equal(new URL(phone.url()).hash, '', 'the code left the address bar');
      await page.click('[data-testid=tab-devices]');
      await page.waitForSelector('[data-testid=pending-device]', WAIT);
      await page.screenshot({ path: join(SCREENSHOTS, 'devices-desktop.png') });
      await page.click('[data-testid=approve-device]');
      await phone.waitForSelector('[data-status=connected]', WAIT);
      assert.equal(loads, 1, 'no reload');
      await phone.waitForSelector('[data-testid=msg-assistant]', WAIT);
      await phone.screenshot({ path: join(SCREENSHOTS, 'chat-phone.png') });
      await page.click('[data-testid=tab-chat]');
    } finally {
      await other.close();
    }
  });

  it('`clawgate dashboard` prints a one-time link without the gateway token that logs one browser straight in', async () => {
    const result = await runCliInProcess(['dashboard', '--no-open', '--json', '--url', gateway.url, '--token', gateway.token!], { CLAWGATE_STATE_DIR: createTempStateDir() });
    assert.equal(result.code, 0, result.stderr);
    assert.ok(!result.stdout.includes(gateway.token!), 'the gateway token is never printed');
    const link = JSON.parse(result.stdout) as { browserUrl: string; httpUrl: string; tokenIncluded: boolean; browserBootstrapExpiresAtMs: number };
    assert.equal(link.httpUrl, `${base}/`);
    assert.equal(link.tokenIncluded, false);
    assert.match(link.browserUrl, /#bootstrap=/);
    const plain = await runCliInProcess(['dashboard', '--no-open', '--url', gateway.url, '--token', gateway.token!], { CLAWGATE_STATE_DIR: createTempStateDir() });
    assert.ok(!plain.stdout.includes(gateway.token!), plain.stdout);
    const first = await chromium.newDevice();
    const second = await chromium.newDevice();
    try {
      const tab = await first.newPage();
      await tab.goto(link.browserUrl);
      await tab.waitForSelector('[data-status=connected]', WAIT);
      assert.equal(await tab.locator('[data-testid=pairing]').count(), 0, 'no approval needed');
      assert.equal(new URL(tab.url()).hash, '');
      // Single use, bound to the first browser's key: another profile gets the login screen.
      const replay = await second.newPage();
      await replay.goto(link.browserUrl);
      await replay.waitForSelector('[data-testid=login]', WAIT);
      assert.match((await replay.textContent('[data-testid=login]'))!, /setup code invalid, expired or already used/);
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('never honours ?token= or ?gatewayUrl=: nothing leaks to the network or to storage', async () => {
    const visitor = await chromium.newDevice();
    try {
      const tab = await visitor.newPage();
      const requests: string[] = [];
      const sockets: string[] = [];
      tab.on('request', (request) => requests.push(request.url()));
      tab.on('websocket', (socket) => sockets.push(socket.url()));
      await tab.goto(`${base}/?token=leak-me-123&password=leak-pw-456&gatewayUrl=ws://127.0.0.1:9/steal`);
      await tab.waitForSelector('[data-testid=login]', WAIT);
      assert.equal(new URL(tab.url()).search, '', 'the query left the address bar');
      assert.match((await tab.textContent('[data-testid=login]'))!, /Ignored \?token=, \?password=, \?gatewayUrl=/);
      // Only the navigation itself carried the query (the browser sent it before any code ran).
      assert.deepEqual(requests.filter((url) => url.includes('leak-me') || url.includes('steal')).length, 1);
      assert.ok(requests.every((url) => url.startsWith(base)), `same origin only: ${requests.join(' ')}`);
      assert.ok(sockets.every((url) => url.startsWith(`ws://127.0.0.1:${gateway.server.port}`)), sockets.join(' '));
      const stored = await storageDump(tab);
      assert.doesNotMatch(stored, /leak-me|leak-pw|steal/);
    } finally {
      await visitor.close();
    }
  });

  it('refuses a page on another origin before the WebSocket upgrade', async () => {
    const foreign: Server = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end('<!doctype html><title>evil</title>');
    });
    await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', resolve));
    const evilPort = (foreign.address() as { port: number }).port;
    const visitor = await chromium.newDevice();
    try {
      const tab = await visitor.newPage();
      await tab.goto(`http://127.0.0.1:${evilPort}/`);
      const outcome = await tab.evaluate(`new Promise((resolve) => {
        const socket = new WebSocket('ws://127.0.0.1:${gateway.server.port}/');
        let opened = false;
        socket.onopen = () => (opened = true);
        socket.onclose = (event) => resolve({ opened, code: event.code });
      })`);
      assert.deepEqual(outcome, { opened: false, code: 1006 });
      assert.ok(gateway.logLines.some((line) => line.includes('CONTROL_UI_ORIGIN_NOT_ALLOWED')), 'the gateway logged the refused origin');
    } finally {
      await visitor.close();
      await new Promise((resolve) => foreign.close(resolve));
    }
  });

  it('reconnects by itself after a gateway restart, with the history intact and a queued send delivered', async () => {
    const port = gateway.server.port;
    await gateway.stop();
    await page.waitForSelector('[data-testid=reconnect-banner]', WAIT);
    await send(page, 'sent while the gateway was down');
    await page.waitForSelector('text=waiting for reconnect', WAIT);
    assert.equal(await page.locator('[data-testid=login]').count(), 0, 'no login screen on a drop');
    gateway = await startTestGateway({ stateDir, flags: { port }, features: [createAgentFeature(), createControlUiFeature()], config: fakeModelConfig(model.baseUrl, { exec: { mode: 'ask' } }) });
    await page.waitForSelector('[data-status=connected]', { timeout: 30_000 });
    await waitForMessages(page, /sent while the gateway was down[\s\S]*ok/);
    assert.match((await page.textContent('[data-testid=messages]'))!, /hello from the browser[\s\S]*Hello from the test model\./);
  });
});

/** A gateway in its own process (the daemon's default features: agent + Control UI), for kill -9. */
async function startChildGateway(stateDir: string, token: string, port = 0): Promise<{ child: ChildProcess; port: number }> {
  const childPath = join(dirname(fileURLToPath(import.meta.url)), '..', 'helpers', 'gateway-child.js');
  const child = spawn(process.execPath, [childPath, stateDir, token, String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const firstLine = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`gateway child exited with ${code}`)));
  });
  return { child, port: (JSON.parse(firstLine) as { port: number }).port };
}

describe('Control UI survives a killed gateway', { skip: chromiumSkipReason() }, () => {
  it('reconnects by itself after kill -9 and a restart on the same port, with the history intact', async () => {
    const token = 'kill-test-token-0123456789abcdef';
    const model = await startFakeOpenAiServer([{ kind: 'text', chunks: ['Survivor', ' reply.'] }]);
    const stateDir = createTempStateDir();
    writeFileSync(resolveStatePaths({ env: { CLAWGATE_STATE_DIR: stateDir } }).configPath, JSON.stringify(fakeModelConfig(model.baseUrl, { exec: { mode: 'ask' } })));
    let gateway = await startChildGateway(stateDir, token);
    const chromium = await launchChromium();
    try {
      const page = await (await chromium.newDevice()).newPage();
      await page.goto(`http://127.0.0.1:${gateway.port}/#token=${token}`);
      await page.waitForSelector('[data-status=connected]', { timeout: 60_000 });
      await send(page, 'remember me');
      await page.waitForSelector('[data-testid=msg-assistant][data-state=final]', WAIT);
      const exited = new Promise((resolve) => gateway.child.once('exit', resolve));
      gateway.child.kill('SIGKILL');
      await exited;
      await page.waitForSelector('[data-testid=reconnect-banner]', WAIT);
      gateway = await startChildGateway(stateDir, token, gateway.port);
      await page.waitForSelector('[data-status=connected]', { timeout: 30_000 });
      await waitForMessages(page, /remember me[\s\S]*Survivor reply\./);
      assert.equal(await page.locator('[data-testid=login]').count(), 0);
    } finally {
      gateway.child.kill('SIGKILL');
      await chromium.close();
      await model.close();
      rmSync(stateDir, { recursive: true, force: true });
    }
  });
});

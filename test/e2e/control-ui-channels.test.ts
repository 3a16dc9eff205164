/**
 * The Control UI's Channels panel and password login in real Chromium (Debian's `chromium`,
 * playwright-core) against a real gateway. Telegram talks to a FAKE Bot API server
 * (test/helpers/fake-telegram.ts over real HTTP); the agent is a scripted echo.
 * Skips, saying why, when Chromium is not installed.
 */
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { createChannelsFeature, type AgentPort } from '../../src/channels/index.js';
import { createControlUiFeature } from '../../src/control-ui/index.js';
import { chromiumSkipReason, launchChromium, screenshotDir, storageDump, type LaunchedChromium } from '../helpers/browser.js';
import { FakeTelegram } from '../helpers/fake-telegram.js';
import { startTestGateway } from '../helpers/gateway.js';
import { eventually } from '../helpers/telegram-harness.js';
import { openAuthenticatedSocket } from '../helpers/raw-socket.js';

const WAIT = { timeout: 20_000 };
const echo: AgentPort = { runTurn: async (request) => ({ status: 'ok', text: `echo: ${request.text}` }) };

async function loginWith(page: Page, url: string, secret: string, kind: 'token' | 'password'): Promise<void> {
  await page.goto(url);
  await page.waitForSelector('[data-testid=login]', { timeout: 60_000 });
  await page.fill('[data-testid=secret]', secret);
  if (kind === 'password') await page.check('input[name=kind] >> nth=1');
  await page.click('[data-testid=connect]');
  await page.waitForSelector('[data-status=connected]', WAIT);
}


describe('Control UI Channels panel and password login in Chromium (fake Telegram Bot API)', { skip: chromiumSkipReason() }, () => {
  let chromium: LaunchedChromium;
  before(async () => {
    chromium = await launchChromium();
  });
  after(async () => {
    await chromium?.close();
  });

  it('shows Telegram status and an unknown sender\'s request; approving it lets their next message get a reply', async () => {
    const fake = await FakeTelegram.start();
    const gateway = await startTestGateway({
      features: [createChannelsFeature({ agent: () => echo, telegramPerChatMinMs: 10 }), createControlUiFeature()],
      config: { channels: { telegram: { botToken: fake.token, apiRoot: `${fake.apiRoot}/bot${fake.token}/` } } },
    });
    const context = await chromium.newDevice();
    try {
      await eventually(() => fake.isPollHeld, 'polling');
      const page = await context.newPage();
      await loginWith(page, `http://127.0.0.1:${gateway.server.port}/`, gateway.token!, 'token');
      await page.click('[data-testid=tab-channels]');
      const account = page.locator('[data-testid=channel-account][data-channel=telegram]');
      await account.waitFor(WAIT);
      await page.locator('[data-testid=channel-lifecycle]', { hasText: 'ready' }).waitFor(WAIT);
      assert.match((await account.textContent())!, /Telegram[\s\S]*Configured\s*yes[\s\S]*Running\s*yes[\s\S]*Connected\s*yes[\s\S]*Mode\s*polling/);

      fake.injectMessage({ chatId: 555001, text: 'hi bot', username: 'newuser' });
      await fake.waitForCall('sendMessage');
      const request = page.locator('[data-testid=channel-request]');
      await request.waitFor(WAIT); // the panel re-reads every 5 s
      assert.match((await request.textContent())!, /555001/);
      await page.screenshot({ path: join(screenshotDir(), 'channels-desktop.png') });
      await page.click('[data-testid=approve-channel-request]');
      await page.locator('[data-testid=channel-requests]').getByText('555001').waitFor({ state: 'detached', ...WAIT });

      const socket = await openAuthenticatedSocket(gateway.url, gateway.token!, ['operator.pairing']);
      socket.send({ type: 'req', id: 'l1', method: 'channels.pairing.list', params: {} });
      const listed = await socket.waitFor((f) => f['type'] === 'res' && f['id'] === 'l1');
      socket.socket.close();
      assert.deepEqual((listed['payload'] as { requests: unknown[] }).requests, []);

      fake.injectMessage({ chatId: 555001, text: 'hello again' });
      await fake.waitForCall('sendMessage', (c) => c.params['text'] === 'echo: hello again');

      await page.click('[data-testid=channel-stop]');
      await page.locator('[data-testid=channel-lifecycle]', { hasText: 'stopped' }).waitFor(WAIT);
      await eventually(() => !fake.isPollHeld, 'polling stopped');
      await page.click('[data-testid=channel-start]');
      await eventually(() => fake.isPollHeld, 'polling again');
    } finally {
      await context.close();
      await gateway.stop();
      await fake.close();
    }
  });

  it('keeps a password only in memory: nothing stored after login, a reload asks again; a token survives a reload', async () => {
    const password = 'correct horse battery staple 42';
    const gateway = await startTestGateway({ features: [createControlUiFeature()], flags: { auth: 'password', password } });
    const context = await chromium.newDevice();
    try {
      const base = `http://127.0.0.1:${gateway.server.port}/`;
      const page = await context.newPage();
      await loginWith(page, base, password, 'password');
      const stored = await storageDump(page);
      assert.equal(stored.includes(password), false, 'the password is in browser storage');
      assert.equal(stored.includes('correct horse'), false, 'part of the password is in browser storage');
      await page.reload();
      await page.waitForSelector('[data-testid=login]', WAIT);
      assert.equal(await page.locator('[data-status=connected]').count(), 0);
    } finally {
      await context.close();
      await gateway.stop();
    }
    const tokenGateway = await startTestGateway({ features: [createControlUiFeature()] });
    const tokenContext = await chromium.newDevice();
    try {
      const page = await tokenContext.newPage();
      await loginWith(page, `http://127.0.0.1:${tokenGateway.server.port}/`, tokenGateway.token!, 'token');
      await page.reload();
      await page.waitForSelector('[data-status=connected]', WAIT);
      assert.equal(await page.locator('[data-testid=login]').count(), 0, 'a token login survives a reload in the tab');
    } finally {
      await tokenContext.close();
      await tokenGateway.stop();
    }
  });
});

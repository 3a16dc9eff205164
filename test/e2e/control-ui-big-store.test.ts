/**
 * The Control UI with a big store, in real Chromium (Debian's `chromium`, playwright-core), against
 * a real gateway whose SQLite store is seeded directly (through the agent's own AgentStore) with
 * 1,000 sessions and one 5,000-message session. Asserts the DOM stays bounded (windowed lists)
 * while scrolling pages in older history and more sessions. No model is called.
 * Skips, saying why, when Chromium is not installed.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { createAgentFeature } from '../../src/agent/feature.js';
import { AgentStore } from '../../src/agent/store/agent-store.js';
import type { TranscriptMessage } from '../../src/agent/transcript.js';
import { createControlUiFeature } from '../../src/control-ui/index.js';
import { stateDatabasePath } from '../../src/store/index.js';
import { openSqlite } from '../../src/store/sqlite-driver.js';
import { chromiumSkipReason, launchChromium, type LaunchedChromium } from '../helpers/browser.js';
import { createTempStateDir, startTestGateway, type TestGateway } from '../helpers/gateway.js';

const WAIT = { timeout: 30_000 };
const SESSIONS = 1000;
const MESSAGES = 5000;
/** Rows a windowed list may hold at 1280x800 with its overscan; far below any page size (200). */
const MAX_ROWS_IN_DOM = 80;

/** Seeds through a second connection to the gateway's own SQLite file (WAL allows it). */
function seed(stateDir: string): void {
  const db = openSqlite(stateDatabasePath(stateDir));
  db.pragma('busy_timeout = 5000');
  try {
    const store = new AgentStore(db, randomUUID);
    const start = Date.now() - 10_000_000;
    db.transaction(() => {
      for (let i = 0; i < SESSIONS; i++) store.ensureSession(`agent:main:s${String(i).padStart(4, '0')}`, 'main', start + i);
      const big = store.ensureSession('agent:main:big', 'main', start);
      for (let i = 0; i < MESSAGES; i++) {
        const text = `message ${i}${i % 7 === 0 ? '\n\nwith a second paragraph to vary the row height' : ''}`;
        const message: TranscriptMessage =
          i % 2 === 0
            ? { role: 'user', content: text, timestamp: start + i }
            : { role: 'assistant', content: [{ type: 'text', text }], stopReason: 'stop', timestamp: start + i };
        store.appendMessage(big, undefined, message, Date.now() + 1000);
      }
    })();
  } finally {
    db.close();
  }
}

async function count(page: Page, selector: string): Promise<number> {
  return page.locator(selector).count();
}

async function rows(page: Page, list: string): Promise<number> {
  return Number(await page.getAttribute(`[data-testid=${list}]`, 'data-rows'));
}

describe('Control UI with 1,000 sessions and a 5,000-message session in Chromium', { skip: chromiumSkipReason() }, () => {
  let gateway: TestGateway;
  let stateDir: string;
  let chromium: LaunchedChromium;
  before(async () => {
    stateDir = createTempStateDir();
    gateway = await startTestGateway({ stateDir, features: [createAgentFeature(), createControlUiFeature()], config: {} });
    seed(stateDir);
    chromium = await launchChromium();
  });
  after(async () => {
    await chromium?.close();
    await gateway?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('keeps a bounded number of rows in the DOM while scrolling up through all 5,000 messages and down the sessions', async () => {
    const context = await chromium.newDevice();
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${gateway.server.port}/#token=${gateway.token}`);
    await page.waitForSelector('[data-status=connected]', { timeout: 60_000 });

    // Sessions sidebar: the first page of 200 (plus the open main session), windowed; more on scroll.
    await page.locator('[data-testid=session]', { hasText: /^big$/ }).waitFor(WAIT);
    const firstSessionRows = await rows(page, 'session-list');
    assert.ok(firstSessionRows >= 200 && firstSessionRows <= 201, `sessions loaded: ${firstSessionRows}`);
    assert.ok((await count(page, '[data-testid=session]')) <= MAX_ROWS_IN_DOM, 'session rows in the DOM');
    for (let i = 0; i < 40 && (await rows(page, 'session-list')) < 600; i++) {
      await page.evaluate(`(() => { const list = document.querySelector('[data-testid=session-list]'); list.scrollTop = list.scrollHeight; })()`);
      await page.waitForTimeout(100);
    }
    assert.ok((await rows(page, 'session-list')) >= 600, 'scrolling the sidebar pages in more sessions');
    assert.ok((await count(page, '[data-testid=session]')) <= MAX_ROWS_IN_DOM, 'session rows in the DOM after paging');
    await page.evaluate(`document.querySelector('[data-testid=session-list]').scrollTop = 0`);

    // The big session opens at its newest page, scrolled to the bottom.
    await page.locator('[data-testid=session]', { hasText: /^big$/ }).click();
    await page.locator('[data-testid=messages]', { hasText: `message ${MESSAGES - 1}` }).waitFor(WAIT);
    assert.equal(await rows(page, 'messages'), 200);
    assert.ok((await count(page, '[data-testid=messages] .vrow')) <= MAX_ROWS_IN_DOM, 'message rows in the DOM');

    // Scrolling to the top pages in older history until the first message, never growing the DOM.
    let maxInDom = 0;
    for (let i = 0; i < 200 && (await count(page, '[data-testid=load-older]')) > 0; i++) {
      await page.evaluate(`document.querySelector('[data-testid=messages]').scrollTop = 0`);
      await page.waitForTimeout(50);
      maxInDom = Math.max(maxInDom, await count(page, '[data-testid=messages] .vrow'));
    }
    assert.equal(await rows(page, 'messages'), MESSAGES, 'every page loaded');
    await page.evaluate(`document.querySelector('[data-testid=messages]').scrollTop = 0`);
    await page.locator('[data-testid=messages]', { hasText: /message 0\b/ }).waitFor(WAIT);
    assert.ok(maxInDom <= MAX_ROWS_IN_DOM, `message rows in the DOM while paging: ${maxInDom}`);
    assert.ok((await count(page, '[data-testid=messages] .vrow')) <= MAX_ROWS_IN_DOM);
    assert.equal(await count(page, `[data-testid=messages] >> text="message ${MESSAGES - 1}"`), 0, 'the newest message is out of the DOM at the top');
    await context.close();
  });
});

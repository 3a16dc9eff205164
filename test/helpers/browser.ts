/**
 * @module test/helpers/browser — real Chromium (Debian's `chromium`) driven by playwright-core.
 *
 * Each `launchChromium` gets a fresh temporary profile; each browser context is a separate device
 * (its own IndexedDB, sessionStorage and cookies). Tests skip with a clear message when no
 * Chromium is installed (CI installs it: .ci/run).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

/** Where Chromium is, or undefined (then browser tests skip). */
export function chromiumPath(): string | undefined {
  const fromEnv = process.env['CLAWGATE_CHROMIUM'];
  if (fromEnv !== undefined && existsSync(fromEnv)) return fromEnv;
  return CANDIDATES.find((path) => existsSync(path));
}

/** The skip reason for `describe(..., { skip })`, or false when Chromium is present. */
export function chromiumSkipReason(): string | false {
  return chromiumPath() === undefined ? 'chromium is not installed (apt-get install chromium); browser tests skipped' : false;
}

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface LaunchedChromium {
  browser: Browser;
  /** A fresh context: a new browser profile as far as the gateway can tell (another device). */
  newDevice(viewport?: { width: number; height: number }): Promise<BrowserContext>;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<LaunchedChromium> {
  const executablePath = chromiumPath();
  if (executablePath === undefined) throw new Error('chromium is not installed');
  const { chromium } = await import('playwright-core');
  // playwright-core gives every launch a fresh temporary user-data-dir of its own and removes it on close.
  const browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_FLAGS, timeout: 60_000 });
  return {
    browser,
    newDevice: (viewport = { width: 1280, height: 800 }) => browser.newContext({ viewport }),
    close: async () => {
      await browser.close();
    },
  };
}

/** Everything a page keeps (both storages, cookies, every IndexedDB value), as one string: leak checks search it. */
export async function storageDump(page: Page): Promise<string> {
  // A string, evaluated in the page: the test project has no DOM types.
  return page.evaluate(`(async () => {
    const parts = [JSON.stringify({ ...localStorage }), JSON.stringify({ ...sessionStorage }), document.cookie];
    for (const info of await indexedDB.databases()) {
      const db = await new Promise((resolve, reject) => {
        const request = indexedDB.open(info.name);
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      for (const name of Array.from(db.objectStoreNames)) {
        const values = await new Promise((resolve) => {
          const request = db.transaction(name).objectStore(name).getAll();
          request.onsuccess = () => resolve(request.result);
        });
        parts.push(JSON.stringify(values));
      }
      db.close();
    }
    return parts.join('\\n');
  })()`);
}

/**
 * Where the browser tests write their screenshots: docs/screenshots/ (the README's pictures) only
 * when CLAWGATE_UPDATE_SCREENSHOTS=1, so a plain `npm test` never leaves the checkout dirty.
 */
export function screenshotDir(): string {
  if (process.env['CLAWGATE_UPDATE_SCREENSHOTS'] === '1') return join(process.cwd(), 'docs', 'screenshots');
  const dir = join(tmpdir(), 'clawgate-screenshots');
  mkdirSync(dir, { recursive: true });
  return dir;
}

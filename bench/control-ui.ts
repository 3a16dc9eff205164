/**
 * @module bench/control-ui — the Control UI's numbers: shipped asset size (gzipped), time from
 * navigation to an interactive chat with 1,000 stored sessions, and the page's JS heap after a
 * 5,000-token streamed reply.
 *
 * One run, one machine: a real gateway (agent + control-ui features) on loopback, a FAKE scripted
 * OpenAI-compatible model server, Debian's chromium through playwright-core. Sessions are created
 * through chat.send (one short scripted reply each). The timed navigation is a returning browser
 * (device token in IndexedDB) until the sidebar lists sessions and the composer is usable.
 * Prints JSON. Needs chromium.
 *
 * Run: npm run build && node dist/bench/control-ui.js [--sessions 1000] [--tokens 5000]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createAgentFeature } from '../src/agent/feature.js';
import { createControlUiFeature } from '../src/control-ui/index.js';
import { launchChromium } from '../test/helpers/browser.js';
import { startFakeOpenAiServer } from '../test/helpers/fake-model.js';
import { startTestGateway } from '../test/helpers/gateway.js';
import { openAuthenticatedSocket } from '../test/helpers/raw-socket.js';

function argNumber(name: string, fallback: number): number {
  const index = process.argv.indexOf(name);
  const value = index === -1 ? NaN : Number(process.argv[index + 1]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

function assetSizes(): { file: string; bytes: number; gzipBytes: number }[] {
  const dir = join(process.cwd(), 'dist', 'webui', 'assets');
  return readdirSync(dir).map((file) => {
    const body = readFileSync(join(dir, file));
    return { file, bytes: body.length, gzipBytes: gzipSync(body, { level: 9 }).length };
  });
}

const sessionCount = argNumber('--sessions', 1000);
const tokenCount = argNumber('--tokens', 5000);
const assets = assetSizes();
const model = await startFakeOpenAiServer([{ kind: 'text', chunks: ['ok'] }]);
const gateway = await startTestGateway({
  features: [createAgentFeature(), createControlUiFeature()],
  config: {
    models: { providers: { local: { baseUrl: model.baseUrl, api: 'openai-completions', apiKey: 'k', models: [{ id: 'm', name: 'm' }] } } },
    agents: { defaults: { model: { primary: 'local/m' } } },
  },
});
const socket = await openAuthenticatedSocket(gateway.url, gateway.token!, ['operator.read', 'operator.write']);
const seedStart = performance.now();
for (let index = 0; index < sessionCount; index++) {
  socket.send({ type: 'req', id: `s${index}`, method: 'chat.send', params: { sessionKey: `bench-${index}`, message: `hello ${index}`, idempotencyKey: `bench-${index}` } });
  if (index % 50 === 49) await socket.waitFor((frame) => frame['id'] === `s${index}`, 60_000);
}
await socket.waitFor((frame) => frame['id'] === `s${sessionCount - 1}`, 60_000);
// Let the runs finish before measuring the page.
await new Promise((resolve) => setTimeout(resolve, 2000));
const seedMs = performance.now() - seedStart;
socket.socket.close();

const chromium = await launchChromium();
try {
  const context = await chromium.newDevice();
  const page = await context.newPage();
  const base = `http://127.0.0.1:${gateway.server.port}`;
  // First visit logs in (pairs the device); the timed visit is a returning browser.
  await page.goto(`${base}/#token=${gateway.token}`);
  await page.waitForSelector('[data-status=connected]', { timeout: 60_000 });
  const start = performance.now();
  await page.goto(`${base}/`);
  await page.waitForSelector('[data-status=connected]', { timeout: 60_000 });
  await page.waitForSelector('.sessions li:nth-child(50)', { timeout: 60_000 });
  await page.waitForSelector('[data-testid=composer]:not([disabled])', { timeout: 60_000 });
  const interactiveMs = performance.now() - start;

  model.setScript([{ kind: 'text', chunks: Array.from({ length: tokenCount }, (_, i) => (i % 12 === 11 ? ' word\n' : ' word')) }]);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  const streamStart = performance.now();
  await page.fill('[data-testid=composer]', 'stream a long reply');
  await page.press('[data-testid=composer]', 'Enter');
  await page.waitForSelector('[data-testid=msg-assistant][data-state=final]', { timeout: 180_000 });
  const streamMs = performance.now() - streamStart;
  await cdp.send('HeapProfiler.collectGarbage');
  const metrics = (await cdp.send('Performance.getMetrics')).metrics;
  const heap = metrics.find((metric) => metric.name === 'JSHeapUsedSize')?.value ?? 0;
  const nodes = metrics.find((metric) => metric.name === 'Nodes')?.value ?? 0;
  process.stdout.write(
    `${JSON.stringify(
      {
        assets,
        totalGzipBytes: assets.reduce((sum, asset) => sum + asset.gzipBytes, 0),
        sessions: sessionCount,
        seedMs: Math.round(seedMs),
        navigationToInteractiveChatMs: Math.round(interactiveMs),
        streamedTokens: tokenCount,
        streamMs: Math.round(streamMs),
        jsHeapAfterStreamMiB: Math.round((heap / 1048576) * 10) / 10,
        domNodesAfterStream: nodes,
      },
      null,
      2,
    )}\n`,
  );
} finally {
  await chromium.close();
  await gateway.stop();
  await model.close();
}

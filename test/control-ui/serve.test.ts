/** The Control UI feature over real HTTP: headers, caching, SPA fallback, the Host gate, basePath, enabled. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { createControlUiFeature } from '../../src/control-ui/index.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(port: number, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A stand-in for the Vite output: what the feature serves does not depend on its content. */
function writeFixture(): string {
  const root = mkdtempSync(join(tmpdir(), 'clawgate-ui-'));
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><html><head><script type="module" src="./assets/index-AbCd1234.js"></script><link rel="stylesheet" href="./assets/index-EfGh5678.css"></head><body></body></html>');
  writeFileSync(join(root, 'assets', 'index-AbCd1234.js'), 'console.log(1);');
  writeFileSync(join(root, 'assets', 'index-EfGh5678.css'), 'body{}');
  writeFileSync(join(root, 'assets', 'index-AbCd1234.js.map'), '{}');
  return root;
}

describe('control UI over HTTP', () => {
  let root: string;
  let gateway: TestGateway;
  before(async () => {
    root = writeFixture();
    gateway = await startTestGateway({ features: [createControlUiFeature({ root })] });
  });
  after(async () => {
    await gateway.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('serves index.html at / with the strict CSP, nosniff, no-referrer and no-cache', async () => {
    const answer = await get(gateway.server.port, '/');
    assert.equal(answer.status, 200);
    assert.equal(answer.headers['content-type'], 'text/html; charset=utf-8');
    assert.match(answer.body, /src="\/assets\/index-AbCd1234\.js"/);
    const csp = String(answer.headers['content-security-policy']);
    for (const directive of ["default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'none'", `connect-src 'self' ws://127.0.0.1:${gateway.server.port} wss://127.0.0.1:${gateway.server.port}`]) {
      assert.ok(csp.includes(directive), `CSP has ${directive}: ${csp}`);
    }
    assert.ok(!csp.includes('unsafe-inline') && !csp.includes('unsafe-eval'));
    assert.equal(answer.headers['x-content-type-options'], 'nosniff');
    assert.equal(answer.headers['referrer-policy'], 'no-referrer');
    assert.equal(answer.headers['x-frame-options'], 'DENY');
    assert.equal(answer.headers['cache-control'], 'no-cache');
  });

  it('caches hashed assets forever and never serves source maps', async () => {
    const script = await get(gateway.server.port, '/assets/index-AbCd1234.js');
    assert.equal(script.status, 200);
    assert.equal(script.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal(script.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(script.body, 'console.log(1);');
    assert.equal((await get(gateway.server.port, '/assets/index-AbCd1234.js.map')).status, 404);
  });

  it('gzips text assets for browsers that accept it', async () => {
    const answer = await new Promise<{ encoding: string | undefined; body: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: gateway.server.port, path: '/assets/index-AbCd1234.js', headers: { 'accept-encoding': 'gzip, deflate, br' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ encoding: res.headers['content-encoding'], body: gunzipSync(Buffer.concat(chunks)).toString('utf8') }));
      });
      req.on('error', reject);
      req.end();
    });
    assert.deepEqual(answer, { encoding: 'gzip', body: 'console.log(1);' });
  });

  it('falls back to index.html for app paths, but a missing asset is a 404, never HTML', async () => {
    const deep = await get(gateway.server.port, '/chat/some/session?x=1');
    assert.equal(deep.status, 200);
    assert.match(deep.body, /<!doctype html>/);
    const missing = await get(gateway.server.port, '/assets/index-Old00000.js');
    assert.equal(missing.status, 404);
    assert.doesNotMatch(missing.body, /<html/);
  });

  it('leaves the core probes alone', async () => {
    const health = await get(gateway.server.port, '/health');
    assert.equal(health.status, 200);
    assert.match(health.body, /"live"/);
  });

  it('refuses a foreign Host (DNS rebinding) with the upgrade gate\'s code', async () => {
    const answer = await get(gateway.server.port, '/', { host: `attacker.example:${gateway.server.port}` });
    assert.equal(answer.status, 421);
    assert.match(answer.body, /CONTROL_UI_HOST_NOT_ALLOWED/);
    assert.doesNotMatch(answer.body, /<html/);
    assert.equal((await get(gateway.server.port, '/', { host: `localhost:${gateway.server.port}` })).status, 200);
  });

  it('answers HEAD without a body', async () => {
    const answer = await get(gateway.server.port, '/', {}, 'HEAD');
    assert.equal(answer.status, 200);
    assert.equal(answer.body, '');
  });
});

describe('control UI config', () => {
  it('serves under gateway.controlUi.basePath and redirects the bare prefix', async () => {
    const root = writeFixture();
    const gateway = await startTestGateway({ features: [createControlUiFeature({ root })], config: { gateway: { controlUi: { basePath: '/ui/' } } } });
    try {
      assert.equal((await get(gateway.server.port, '/')).status, 404);
      const bare = await get(gateway.server.port, '/ui');
      assert.equal(bare.status, 308);
      assert.equal(bare.headers['location'], '/ui/');
      const page = await get(gateway.server.port, '/ui/');
      assert.match(page.body, /src="\/ui\/assets\/index-AbCd1234\.js"/);
      assert.equal((await get(gateway.server.port, '/ui/assets/index-AbCd1234.js')).status, 200);
    } finally {
      await gateway.stop();
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('is off with gateway.controlUi.enabled false', async () => {
    const root = writeFixture();
    const gateway = await startTestGateway({ features: [createControlUiFeature({ root })], config: { gateway: { controlUi: { enabled: false } } } });
    try {
      assert.equal((await get(gateway.server.port, '/')).status, 404);
    } finally {
      await gateway.stop();
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('says the UI is not built instead of failing when dist/ui is missing', async () => {
    const gateway = await startTestGateway({ features: [createControlUiFeature({ root: join(tmpdir(), 'clawgate-no-such-ui') })] });
    try {
      const answer = await get(gateway.server.port, '/');
      assert.equal(answer.status, 503);
      assert.match(answer.body, /npm run build:ui/);
    } finally {
      await gateway.stop();
    }
  });
});

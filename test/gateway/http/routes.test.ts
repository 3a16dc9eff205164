/** The HTTP side of the gateway port: unauthenticated probes that reveal nothing about the setup. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';

describe('HTTP routes', () => {
  let gateway: TestGateway;
  let base: string;
  before(async () => {
    gateway = await startTestGateway();
    base = `http://127.0.0.1:${gateway.server.port}`;
  });
  after(async () => {
    await gateway.stop();
  });

  it('GET /health answers {ok:true,status:"live"} without auth', async () => {
    const response = await fetch(`${base}/health`);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { ok: true, status: 'live' });
    assert.equal(response.headers.get('cache-control'), 'no-store');
  });

  it('GET /readyz answers 200 ready once started', async () => {
    const response = await fetch(`${base}/readyz`);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { ok: true, status: 'ready' });
  });

  it('answers unknown paths with a JSON 404 and other methods with 405', async () => {
    assert.equal((await fetch(`${base}/nope`)).status, 404);
    const post = await fetch(`${base}/health`, { method: 'POST', body: '{}' });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get('allow'), 'GET, HEAD');
  });

  it('never reveals the token, paths or version on the probes', async () => {
    const text = (await (await fetch(`${base}/health`)).text()) + (await (await fetch(`${base}/readyz`)).text());
    assert.ok(!text.includes(gateway.token!));
    assert.ok(!text.includes(gateway.paths.stateDir));
  });
});

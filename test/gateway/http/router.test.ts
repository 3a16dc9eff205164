/** HttpRouter: exact before prefix, longest prefix first, HEAD via GET, 405 with Allow, duplicates refused, handler failures answered 500. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { GatewayError } from '../../../src/protocol/index.js';
import { HttpRouter, writeJson } from '../../../src/gateway/http/router.js';

async function serve(router: HttpRouter): Promise<{ base: string; server: Server }> {
  const server = createServer((request, response) => router.handle(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { base: `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`, server };
}

describe('HttpRouter', () => {
  it('routes exact paths, then the longest prefix, and answers HEAD with a GET route', async () => {
    const router = new HttpRouter([
      { method: 'GET', path: '/ui/', isPrefix: true, handler: (_q, r) => writeJson(r, 200, { route: 'ui' }) },
      { method: 'GET', path: '/ui/api/', isPrefix: true, handler: (_q, r) => writeJson(r, 200, { route: 'api' }) },
      { method: 'GET', path: '/ui/exact', handler: (_q, r) => writeJson(r, 200, { route: 'exact' }) },
    ]);
    const { base, server } = await serve(router);
    try {
      assert.deepEqual(await (await fetch(`${base}/ui/page`)).json(), { route: 'ui' });
      assert.deepEqual(await (await fetch(`${base}/ui/api/x?y=1`)).json(), { route: 'api' });
      assert.deepEqual(await (await fetch(`${base}/ui/exact`)).json(), { route: 'exact' });
      const head = await fetch(`${base}/ui/exact`, { method: 'HEAD' });
      assert.equal(head.status, 200);
      assert.equal(await head.text(), '');
      assert.equal((await fetch(`${base}/elsewhere`)).status, 404);
      const post = await fetch(`${base}/ui/exact`, { method: 'POST', body: '{}' });
      assert.equal(post.status, 405);
      assert.equal(post.headers.get('allow'), 'GET, HEAD');
    } finally {
      server.close();
    }
  });

  it('answers 500 without detail when a handler throws or rejects', async () => {
    const router = new HttpRouter([
      {
        method: 'GET',
        path: '/throws',
        handler: () => {
          throw new Error('secret path /etc/x');
        },
      },
      { method: 'GET', path: '/rejects', handler: async () => Promise.reject(new Error('secret')) },
    ]);
    const { base, server } = await serve(router);
    try {
      for (const path of ['/throws', '/rejects']) {
        const response = await fetch(`${base}${path}`);
        assert.equal(response.status, 500);
        assert.deepEqual(await response.json(), { ok: false, error: 'internal error' });
      }
    } finally {
      server.close();
    }
  });

  it('refuses the same method and path twice with DUPLICATE_HTTP_ROUTE', () => {
    const route = { method: 'GET' as const, path: '/health', handler: () => undefined };
    assert.throws(() => new HttpRouter([route, route]), (e: unknown) => e instanceof GatewayError && e.code === 'DUPLICATE_HTTP_ROUTE');
  });
});

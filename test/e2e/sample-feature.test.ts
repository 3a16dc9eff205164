/**
 * The feature seam, end to end over real sockets: a test-only feature (test/helpers/sample-feature.ts,
 * defined outside gateway/) adds a two-response method whose handler aborts when its caller goes away,
 * a subscriber-delivered event, a migration, an HTTP route, a config section with a secret, and
 * health/status/readiness contributions, without any edit to the core.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayError } from '../../src/protocol/index.js';
import type { GatewayFeature } from '../../src/gateway/index.js';
import { openSqlite } from '../../src/store/sqlite-driver.js';
import { stateDatabasePath } from '../../src/store/index.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { openAuthenticatedSocket, type RawSocket } from '../helpers/raw-socket.js';
import { createSampleFeature } from '../helpers/sample-feature.js';

const API_KEY = 'sk-sample-0123456789abcdef';
let nextId = 0;

/** Sends a request and returns every `res` frame for its id once the final one (or `count`) arrived. */
async function call(socket: RawSocket, method: string, params: unknown): Promise<Record<string, unknown>> {
  const id = `r${++nextId}`;
  socket.send({ type: 'req', id, method, params });
  return socket.waitFor((f) => f['type'] === 'res' && f['id'] === id);
}

describe('a feature plugged in through the seam (sample)', () => {
  let gateway: TestGateway;
  let base: string;
  before(async () => {
    gateway = await startTestGateway({ features: [createSampleFeature()], config: { sample: { apiKey: API_KEY } } });
    base = `http://127.0.0.1:${gateway.server.port}`;
  });
  after(async () => {
    await gateway.stop();
  });

  it('advertises its methods and events in hello-ok, after the core ones', async () => {
    const socket = await openAuthenticatedSocket(gateway.url, gateway.token!);
    const hello = socket.frames.find((f) => f['id'] === 'c1')!['payload'] as { features: { methods: string[]; events: string[] } };
    assert.ok(hello.features.methods.includes('sample.work'));
    assert.equal(hello.features.events.at(-1), 'sample.progress');
    assert.equal(hello.features.events[0], 'connect.challenge');
    socket.socket.close();
  });

  it('answers sample.work twice on one id (accepted, then final) and delivers progress only to subscribers', async () => {
    const watcher = await openAuthenticatedSocket(gateway.url, gateway.token!, ['operator.read']);
    const bystander = await openAuthenticatedSocket(gateway.url, gateway.token!, ['operator.read']);
    const worker = await openAuthenticatedSocket(gateway.url, gateway.token!, ['operator.write']);
    assert.deepEqual((await call(watcher, 'sample.subscribe', { jobId: 'job-1' }))['payload'], { subscribed: true });
    worker.send({ type: 'req', id: 'w1', method: 'sample.work', params: { jobId: 'job-1' } });
    const ack = await worker.waitFor((f) => f['id'] === 'w1');
    assert.deepEqual(ack, { type: 'res', id: 'w1', ok: true, payload: { jobId: 'job-1', status: 'accepted' } });
    assert.deepEqual((await watcher.waitFor((f) => f['event'] === 'sample.progress'))['payload'], { jobId: 'job-1', state: 'started' });
    assert.deepEqual((await call(worker, 'sample.release', { jobId: 'job-1' }))['payload'], { released: true });
    const final = await worker.waitFor((f) => f['id'] === 'w1' && f !== ack);
    assert.deepEqual(final['payload'], { jobId: 'job-1', status: 'done' });
    assert.deepEqual(worker.frames.filter((f) => f['id'] === 'w1').map((f) => (f['payload'] as { status: string }).status), ['accepted', 'done']);
    await watcher.waitFor((f) => f['event'] === 'sample.progress' && (f['payload'] as { state: string }).state === 'done');
    await call(bystander, 'health', {}); // a round trip, so any stray event would have arrived first
    assert.equal(bystander.frames.filter((f) => f['event'] === 'sample.progress').length, 0);
    for (const s of [watcher, bystander, worker]) s.socket.close();
  });

  it('aborts the handler when its connection closes, and through the cancel API', async () => {
    const watcher = await openAuthenticatedSocket(gateway.url, gateway.token!, ['operator.read']);
    await call(watcher, 'sample.subscribe', { jobId: 'job-2' });
    await call(watcher, 'sample.subscribe', { jobId: 'job-3' });
    const leaving = await openAuthenticatedSocket(gateway.url, gateway.token!, ['operator.write']);
    leaving.send({ type: 'req', id: 'w2', method: 'sample.work', params: { jobId: 'job-2' } });
    await leaving.waitFor((f) => f['id'] === 'w2');
    leaving.socket.close();
    await watcher.waitFor((f) => f['event'] === 'sample.progress' && (f['payload'] as { jobId: string; state: string }).state === 'aborted');
    const staying = await openAuthenticatedSocket(gateway.url, gateway.token!, ['operator.write']);
    staying.send({ type: 'req', id: 'w3', method: 'sample.work', params: { jobId: 'job-3' } });
    await staying.waitFor((f) => f['id'] === 'w3');
    assert.deepEqual((await call(staying, 'sample.cancel', { jobId: 'job-3' }))['payload'], { cancelled: true });
    const final = await staying.waitFor((f) => f['id'] === 'w3' && f['ok'] === false);
    assert.equal((final['error'] as { details: { code: string } }).details.code, 'REQUEST_ABORTED');
    const job2 = (await (await fetch(`${base}/sample/jobs/job-2`)).json()) as { status: string };
    assert.equal(job2.status, 'aborted', 'the HTTP route reads the table the feature migration made');
    watcher.socket.close();
    staying.socket.close();
  });

  it('serves its HTTP route next to the core probes, and 404s unknown jobs', async () => {
    assert.equal((await fetch(`${base}/sample/jobs/nope`)).status, 404);
    assert.deepEqual(await (await fetch(`${base}/healthz`)).json(), { ok: true, status: 'live' });
    assert.equal((await fetch(`${base}/readyz`)).status, 200);
  });

  it('adds its part to health and status', async () => {
    const socket = await openAuthenticatedSocket(gateway.url, gateway.token!, ['operator.read']);
    const health = (await call(socket, 'health', {}))['payload'] as { channels: Record<string, unknown>; channelOrder: string[] };
    assert.deepEqual(health.channelOrder, ['sample']);
    assert.equal((health.channels['sample'] as { running: boolean }).running, true);
    const status = (await call(socket, 'status', {}))['payload'] as { channels: { id: string }[] };
    assert.deepEqual(status.channels, [{ id: 'sample', running: true }]);
    socket.socket.close();
  });

  it('redacts its secret in config.get, in log fields and in log messages', async () => {
    const socket = await openAuthenticatedSocket(gateway.url, gateway.token!, ['operator.read']);
    const config = (await call(socket, 'config.get', {}))['payload'] as { config: { sample: { apiKey: string } } };
    assert.equal(config.config.sample.apiKey, '[redacted]');
    const logged = gateway.logLines.filter((line) => line.includes('sample provider'));
    assert.equal(logged.length, 2);
    assert.ok(logged.every((line) => !line.includes(API_KEY)));
    assert.ok(logged.every((line) => line.includes('[redacted]')));
    socket.socket.close();
  });

  it('records its migration under its own owner', () => {
    const db = openSqlite(stateDatabasePath(gateway.paths.stateDir));
    try {
      const rows = db.prepare('SELECT owner, version FROM schema_migrations ORDER BY owner, version').all() as { owner: string; version: number }[];
      assert.deepEqual(rows.map((r) => `${r.owner}:${r.version}`), ['core:1', 'core:2', 'core:3', 'core:4', 'sample:1']);
    } finally {
      db.close();
    }
  });
});

describe('feature readiness', () => {
  it('makes /readyz answer 503 naming the feature that is not ready', async () => {
    const gateway = await startTestGateway({ features: [createSampleFeature()], config: { sample: { ready: false } } });
    try {
      const response = await fetch(`http://127.0.0.1:${gateway.server.port}/readyz`);
      assert.equal(response.status, 503);
      assert.deepEqual(await response.json(), { ok: false, status: 'not ready', features: ['sample'] });
    } finally {
      await gateway.stop();
    }
  });
});

describe('feature start-up refusals', () => {
  it('refuses to start when a dependency is missing, before anything listens', async () => {
    await assert.rejects(
      startTestGateway({ features: [{ ...createSampleFeature(), dependsOn: ['agent'] }] }),
      (e: unknown) => e instanceof GatewayError && e.code === 'FEATURE_DEPENDENCY_MISSING' && e.message === 'feature sample depends on agent, which is not registered',
    );
  });

  it('stops cleanly with FEATURE_START_FAILED when onReady throws, closing the features already started', async () => {
    const closed: string[] = [];
    const first: GatewayFeature = { name: 'first', onReady: () => undefined, onClose: () => void closed.push('first') };
    const failing: GatewayFeature = {
      name: 'failing',
      dependsOn: ['first'],
      onReady: () => {
        throw new Error('no bot token');
      },
    };
    await assert.rejects(startTestGateway({ features: [failing, first] }), (e: unknown) => e instanceof GatewayError && e.code === 'FEATURE_START_FAILED' && e.message.includes('no bot token'));
    assert.deepEqual(closed, ['first']);
  });
});

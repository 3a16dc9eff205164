/**
 * kill -9 of a real gateway process at the moments that write state (issue 12, "faults"): a pairing
 * approval, a device-token rotation, a transcript append with an agent turn in flight, and a
 * `clawgate config set` killed mid-write. After a restart nothing the gateway acknowledged is lost,
 * `PRAGMA integrity_check` says ok and the config parses. The Telegram update commit is covered by
 * test/e2e/telegram-crash.test.ts. The model is a FAKE OpenAI-compatible server (test/helpers/fake-model.ts).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { loadConfig, resolveStatePaths } from '../../src/config/index.js';
import { stateDatabasePath } from '../../src/store/index.js';
import { openSqlite } from '../../src/store/sqlite-driver.js';
import { CLAWGATE_BIN, withPortGuard } from '../helpers/cli.js';
import { connectDevice, createDeviceIdentity, request } from '../helpers/device.js';
import { startFakeOpenAiServer } from '../helpers/fake-model.js';
import { createTempStateDir } from '../helpers/gateway.js';
import { openAuthenticatedSocket } from '../helpers/raw-socket.js';

const CHILD = join(dirname(fileURLToPath(import.meta.url)), '..', 'helpers', 'gateway-child.js');
const TOKEN = 'crash-safety-token-0123456789abcdef';
const OWNER = ['operator.admin', 'operator.pairing', 'operator.read', 'operator.write'];

interface Child {
  process: ChildProcess;
  url: string;
}

async function spawnGateway(stateDir: string): Promise<Child> {
  const child = spawn(process.execPath, [CHILD, stateDir, TOKEN], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve));
  return { process: child, url: `ws://127.0.0.1:${(JSON.parse(line) as { port: number }).port}` };
}

async function kill9(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

/** Runs `PRAGMA integrity_check` on the state database (no gateway running). */
function assertDatabaseIntact(stateDir: string): void {
  const db = openSqlite(stateDatabasePath(stateDir));
  try {
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
  } finally {
    db.close();
  }
}

/** Starts a gateway, runs `body`, always kills it. */
async function withGateway(stateDir: string, body: (child: Child) => Promise<void>): Promise<void> {
  const child = await spawnGateway(stateDir);
  try {
    await body(child);
  } finally {
    await kill9(child.process);
  }
}

describe('kill -9 of the gateway while it writes state', () => {
  it('a pairing approval acknowledged just before kill -9 survives the restart', async () => {
    const stateDir = createTempStateDir();
    const identity = createDeviceIdentity();
    let requestId = '';
    await withGateway(stateDir, async (gateway) => {
      const owner = await openAuthenticatedSocket(gateway.url, TOKEN, OWNER);
      const setup = await request(owner, 'device.pair.setupCode', {});
      const bootstrapToken = setup['payload'].bootstrapToken as string;
      const pending = await connectDevice(gateway.url, { identity, scopes: ['operator.read'], auth: { bootstrapToken } });
      requestId = pending.error!['details'].requestId as string;
      const approved = await request(owner, 'device.pair.approve', { requestId });
      assert.equal(approved['ok'], true, JSON.stringify(approved['error']));
      // The ack is on the wire: kill at once, no graceful close.
      await kill9(gateway.process);
    });
    assertDatabaseIntact(stateDir);
    await withGateway(stateDir, async (gateway) => {
      const owner = await openAuthenticatedSocket(gateway.url, TOKEN, OWNER);
      const list = await request(owner, 'device.pair.list', {});
      assert.equal(list['ok'], true, JSON.stringify(list['error']));
      const paired = (list['payload'].paired as { deviceId: string }[]).map((device) => device.deviceId);
      assert.ok(paired.includes(identity.deviceId), `the approved device is still paired: ${JSON.stringify(list['payload'])}`);
      const pendingIds = (list['payload'].pending as { requestId: string }[]).map((entry) => entry.requestId);
      assert.equal(pendingIds.includes(requestId), false, 'and its request is not pending again');
    });
  });

  it('a device-token rotation acknowledged just before kill -9: the new token works after restart, the old one stays refused', async () => {
    const stateDir = createTempStateDir();
    const identity = createDeviceIdentity();
    let oldToken = '';
    let newToken = '';
    await withGateway(stateDir, async (gateway) => {
      const first = await connectDevice(gateway.url, { identity, scopes: ['operator.read'], auth: { token: TOKEN } });
      oldToken = first.hello!['auth'].deviceToken as string;
      first.raw.socket.close();
      const owner = await openAuthenticatedSocket(gateway.url, TOKEN, OWNER);
      const rotated = await request(owner, 'device.token.rotate', { deviceId: identity.deviceId, role: 'operator' });
      assert.equal(rotated['ok'], true, JSON.stringify(rotated['error']));
      newToken = rotated['payload'].deviceToken as string;
      await kill9(gateway.process);
    });
    assertDatabaseIntact(stateDir);
    await withGateway(stateDir, async (gateway) => {
      const stale = await connectDevice(gateway.url, { identity, scopes: ['operator.read'], auth: { deviceToken: oldToken } });
      assert.equal(stale.error?.['details'].code, 'AUTH_DEVICE_TOKEN_MISMATCH');
      const fresh = await connectDevice(gateway.url, { identity, scopes: ['operator.read'], auth: { deviceToken: newToken } });
      assert.equal(fresh.ok, true, JSON.stringify(fresh.error));
      fresh.raw.socket.close();
    });
  });

  it('a transcript append with a turn in flight: the accepted message is in chat.history after restart, the run reads interrupted', async () => {
    // FAKE model: answers the first turn, then streams a partial reply and hangs (the turn in flight).
    const model = await startFakeOpenAiServer([
      { kind: 'text', chunks: ['first answer'] },
      { kind: 'hang', chunks: ['partial'] },
    ]);
    const stateDir = createTempStateDir();
    writeFileSync(
      resolveStatePaths({ env: { CLAWGATE_STATE_DIR: stateDir } }).configPath,
      JSON.stringify({
        models: { providers: { local: { baseUrl: model.baseUrl, api: 'openai-completions', apiKey: 'k', models: [{ id: 'm', name: 'm' }] } } },
        agents: { defaults: { model: { primary: 'local/m' } } },
      }),
    );
    try {
      await withGateway(stateDir, async (gateway) => {
        const socket = await openAuthenticatedSocket(gateway.url, TOKEN, OWNER);
        socket.send({ type: 'req', id: 'a1', method: 'agent', params: { message: 'first question', sessionKey: 'main', idempotencyKey: 'crash-run-1' } });
        await socket.waitFor((f) => f['id'] === 'a1' && (f['payload'] as { status?: string })?.status === 'ok', 10_000);
        socket.send({ type: 'req', id: 'a2', method: 'agent', params: { message: 'second question', sessionKey: 'main', idempotencyKey: 'crash-run-2' } });
        await socket.waitFor((f) => f['id'] === 'a2' && (f['payload'] as { status?: string })?.status === 'accepted', 10_000);
        await model.waitForRequests(2);
        await kill9(gateway.process);
      });
      assertDatabaseIntact(stateDir);
      await withGateway(stateDir, async (gateway) => {
        const socket = await openAuthenticatedSocket(gateway.url, TOKEN, OWNER);
        const history = await request(socket, 'chat.history', { sessionKey: 'main' });
        assert.equal(history['ok'], true, JSON.stringify(history['error']));
        const texts = (history['payload'].messages as { role: string; content: unknown }[]).map((m) =>
          `${m.role}:${typeof m.content === 'string' ? m.content : (m.content as { text?: string }[]).map((b) => b.text ?? '').join('')}`,
        );
        for (const expected of ['user:first question', 'assistant:first answer', 'user:second question']) {
          assert.ok(texts.includes(expected), `${expected} survives: ${JSON.stringify(texts)}`);
        }
        const wait = await request(socket, 'agent.wait', { runId: 'crash-run-2', timeoutMs: 0 });
        assert.notEqual(wait['payload']?.status, 'ok', 'the cut turn is not reported as completed');
      });
    } finally {
      await model.close();
    }
  });

  it('`clawgate config set` killed at random points mid-write: the config always parses and holds the old or the new value', async () => {
    const stateDir = createTempStateDir();
    const paths = resolveStatePaths({ env: { CLAWGATE_STATE_DIR: stateDir } });
    writeFileSync(paths.configPath, JSON.stringify({ gateway: { port: 20000 } }));
    let previous = 20000;
    for (let round = 1; round <= 12; round += 1) {
      const next = 20000 + round;
      const child = spawn(process.execPath, [CLAWGATE_BIN, 'config', 'set', 'gateway.port', String(next)], {
        env: withPortGuard({ PATH: process.env['PATH'], CLAWGATE_STATE_DIR: stateDir }),
        stdio: 'ignore',
      });
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      // Kill somewhere between start-up and the end of the write (the CLI takes ~150-400 ms here).
      setTimeout(() => child.kill('SIGKILL'), 100 + ((round * 37) % 300));
      const code = await exited;
      const loaded = loadConfig(paths.configPath); // throws CONFIG_INVALID if half-written
      const port = loaded.config.gateway?.port;
      assert.ok(port === previous || port === next, `round ${round}: port ${String(port)} is the old (${previous}) or the new (${next}) value`);
      if (code === 0) assert.equal(port, next, 'an acknowledged write (exit 0) is on disk');
      previous = port ?? previous;
      JSON.parse(readFileSync(paths.configPath, 'utf8'));
    }
  });
});

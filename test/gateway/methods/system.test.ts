/** health, status, system-presence, logs.tail and config.get over a real socket. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { openAuthenticatedSocket, type RawSocket } from '../../helpers/raw-socket.js';

describe('system methods', () => {
  let gateway: TestGateway;
  let reader: RawSocket;
  let admin: RawSocket;
  const remoteSecret = 'remote-secret-token-xyz-0987';
  let counter = 0;

  async function call(socket: RawSocket, method: string, params?: unknown): Promise<Record<string, any>> {
    const id = `r${++counter}`;
    socket.send(params === undefined ? { type: 'req', id, method } : { type: 'req', id, method, params });
    return (await socket.waitFor((f) => f['id'] === id)) as Record<string, any>;
  }

  before(async () => {
    gateway = await startTestGateway({ config: `// JSON5 with comments\n{ gateway: { remote: { url: 'ws://10.0.0.1:18789', token: '${remoteSecret}' } } }` });
    reader = await openAuthenticatedSocket(gateway.url, gateway.token!, ['operator.read']);
    admin = await openAuthenticatedSocket(gateway.url, gateway.token!, ['operator.admin']);
  });
  after(async () => {
    reader.socket.close();
    admin.socket.close();
    await gateway.stop();
  });

  it('health returns an ok snapshot with event-loop figures', async () => {
    const res = await call(reader, 'health');
    assert.equal(res['ok'], true);
    assert.equal(res['payload'].ok, true);
    assert.equal(typeof res['payload'].eventLoop.delayP99Ms, 'number');
    assert.deepEqual(res['payload'].channels, {});
  });

  it('health accepts {probe: true}', async () => {
    const res = await call(reader, 'health', { probe: true });
    assert.equal(res['ok'], true);
  });

  it('status reports bind, addresses, port, auth mode and connection counts', async () => {
    const res = await call(reader, 'status');
    const { gateway: info, connections } = res['payload'];
    assert.equal(info.bind, 'loopback');
    assert.equal(info.port, gateway.server.port);
    assert.ok(info.addresses.includes(`127.0.0.1:${gateway.server.port}`));
    assert.equal(info.authMode, 'token');
    assert.equal(info.protocol, 4);
    assert.ok(connections.operators >= 2);
  });

  it('system-presence lists the gateway itself first', async () => {
    const res = await call(reader, 'system-presence');
    assert.equal(res['payload'][0].reason, 'self');
    assert.equal(res['payload'][0].mode, 'gateway');
  });

  it('an admin-only method refuses a read-only caller with FORBIDDEN / MISSING_SCOPE', async () => {
    const res = await call(reader, 'device.pair.setupCode', {});
    assert.equal(res['ok'], false);
    assert.equal(res['error'].code, 'FORBIDDEN');
    assert.equal(res['error'].message, 'missing scope: operator.admin');
    assert.equal(res['error'].details.code, 'MISSING_SCOPE');
    assert.equal(res['error'].details.missingScope, 'operator.admin');
  });

  it('config.get is readable with operator.read (as in OpenClaw) and carries no secret', async () => {
    const res = await call(reader, 'config.get');
    assert.equal(res['ok'], true);
    assert.equal(res['payload'].config.gateway.remote.token, '[redacted]');
    assert.ok(!JSON.stringify(res).includes(remoteSecret));
  });

  it('config.get returns the config with every secret redacted', async () => {
    const res = await call(admin, 'config.get');
    assert.equal(res['ok'], true);
    assert.equal(res['payload'].config.gateway.remote.token, '[redacted]');
    assert.equal(res['payload'].config.gateway.remote.url, 'ws://10.0.0.1:18789');
    assert.ok(!JSON.stringify(res).includes(remoteSecret));
    assert.match(res['payload'].hash, /^[0-9a-f]{64}$/);
  });

  it('logs.tail returns recent JSON log lines with secrets scrubbed', async () => {
    gateway.logger.info({ note: `token is ${gateway.token}` }, `message mentioning ${remoteSecret}`);
    gateway.logger.flush();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const res = await call(reader, 'logs.tail', { limit: 50 });
    assert.equal(res['ok'], true);
    const text = res['payload'].lines.join('\n');
    assert.match(text, /client connected/);
    assert.match(text, /message mentioning \[redacted\]/);
    assert.ok(!text.includes(gateway.token!), 'gateway token never in logs.tail');
    assert.ok(!text.includes(remoteSecret), 'remote token never in logs.tail');
  });

  it('logs.tail pages by byte cursor without repeating lines', async () => {
    const first = await call(reader, 'logs.tail', { limit: 5000 });
    const cursor = first['payload'].cursor;
    assert.ok(cursor > 0);
    const next = await call(reader, 'logs.tail', { cursor, limit: 5000 });
    for (const line of next['payload'].lines) assert.ok(!first['payload'].lines.includes(line));
  });

  it('logs.tail rejects limit above 5000 with INVALID_PARAMS', async () => {
    const res = await call(reader, 'logs.tail', { limit: 5001 });
    assert.equal(res['error'].details.code, 'INVALID_PARAMS');
  });

  it('a connection with no scopes can call nothing (default-deny)', async () => {
    const none = await openAuthenticatedSocket(gateway.url, gateway.token!, []);
    const res = await call(none, 'health');
    assert.equal(res['error'].code, 'FORBIDDEN');
    assert.equal(res['error'].details.missingScope, 'operator.read');
    none.socket.close();
  });
});

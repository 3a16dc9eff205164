/**
 * Every frame Clawgate's gateway sends in a scripted session validates against OpenClaw's published
 * protocol.schema.json (`@openclaw/gateway-protocol`): envelopes (ResponseFrame/EventFrame), hello-ok
 * (HelloOk), errors (ErrorShape, plus the closed details shape for detail codes the schema knows),
 * method results where the schema defines them, and tick/shutdown/presence event payloads.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type WebSocket from 'ws';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { connectFrame } from '../helpers/raw-socket.js';
import { openRecordedSocket, type FrameRecorder } from '../helpers/frame-recorder.js';
import { formatViolations, ProtocolSchema } from '../helpers/protocol-schema.js';
import { openNodeSocket } from '../helpers/node-socket.js';
import { connectDevice, createDeviceIdentity } from '../helpers/device.js';

const schema = new ProtocolSchema();

interface Session {
  socket: WebSocket;
  recorder: FrameRecorder;
  hello: Record<string, unknown>;
  call(method: string, params?: unknown): Promise<Record<string, unknown>>;
}

/** Opens a recorded socket, connects with the given scopes and returns once hello-ok arrived. */
async function openSession(gateway: TestGateway, scopes: string[], params: Record<string, unknown> = {}): Promise<Session> {
  const { socket, recorder } = await openRecordedSocket(gateway.url);
  await recorder.waitFor((f) => f['event'] === 'connect.challenge');
  socket.send(JSON.stringify(connectFrame({ token: gateway.token!, scopes, params })));
  const res = await recorder.waitFor((f) => f['id'] === 'c1');
  assert.equal(res['ok'], true, `connect failed: ${JSON.stringify(res['error'])}`);
  let next = 0;
  return {
    socket,
    recorder,
    hello: res['payload'] as Record<string, unknown>,
    call: async (method, callParams) => {
      const id = `r${++next}`;
      socket.send(JSON.stringify({ type: 'req', id, method, ...(callParams === undefined ? {} : { params: callParams }) }));
      return recorder.waitFor((f) => f['type'] === 'res' && f['id'] === id);
    },
  };
}

/** Sends `frames` on a fresh recorded socket after the challenge and resolves once the server closed it. */
async function refusedConnect(url: string, ...frames: string[]): Promise<{ recorder: FrameRecorder; close: { code: number; reason: string } }> {
  const { socket, recorder } = await openRecordedSocket(url);
  await recorder.waitFor((f) => f['event'] === 'connect.challenge');
  for (const frame of frames) socket.send(frame);
  return { recorder, close: await recorder.closed };
}

function errorOf(frame: Record<string, unknown>): { code: string; message: string; details: Record<string, unknown> } {
  assert.equal(frame['ok'], false, `expected an error response, got ${JSON.stringify(frame)}`);
  return frame['error'] as { code: string; message: string; details: Record<string, unknown> };
}

describe('protocol schema conformance of gateway frames', () => {
  let gateway: TestGateway;
  let passwordGateway: TestGateway;
  before(async () => {
    // 1000 ms is the shortest tick the config allows; the admin session waits for one real tick.
    gateway = await startTestGateway({ config: { gateway: { tickIntervalMs: 1000 } } });
    passwordGateway = await startTestGateway({ flags: { auth: 'password', password: 'test-password-0123456789' } });
  });
  after(async () => {
    await gateway.stop();
    await passwordGateway.stop();
  });

  it('loads the published schema and knows the definitions this suite relies on', () => {
    for (const name of ['RequestFrame', 'ResponseFrame', 'EventFrame', 'HelloOk', 'ErrorShape', 'TickEvent', 'ShutdownEvent', 'PresenceEntry', 'LogsTailResult', 'MissingScopeErrorDetails']) {
      assert.ok(schema.hasDefinition(name), `protocol.schema.json ${schema.version} lacks ${name}`);
    }
    assert.equal(schema.resultDefinition('logs.tail'), 'LogsTailResult');
  });

  it('an operator.admin session: challenge, hello-ok, every method result, tick and presence events conform', async () => {
    const admin = await openSession(gateway, ['operator.admin']);
    const snapshot = admin.hello['snapshot'] as Record<string, unknown>;
    assert.equal(typeof snapshot['configPath'], 'string', 'admins see config paths in hello-ok');

    for (const [method, params] of [
      ['health', undefined],
      ['health', { probe: true }],
      ['status', {}],
      ['system-presence', {}],
      ['logs.tail', {}],
      ['logs.tail', { limit: 5, maxBytes: 4096 }],
      ['config.get', {}],
    ] as const) {
      const res = await admin.call(method, params);
      assert.equal(res['ok'], true, `${method} failed: ${JSON.stringify(res['error'])}`);
    }
    await admin.recorder.waitFor((f) => f['event'] === 'tick', 3000);
    // A second, long-lived client joining makes the gateway broadcast presence (CLI one-shots are not tracked).
    const other = await openSession(gateway, ['operator.read'], { client: { id: 'gateway-client', version: 'test', platform: 'linux', mode: 'backend', instanceId: 'conformance-peer' } });
    await admin.recorder.waitFor((f) => f['event'] === 'presence');
    other.socket.close();
    other.recorder.assertConforms(schema);

    const events = admin.recorder.frames().filter((f) => f['type'] === 'event').map((f) => f['event']);
    assert.ok(events.includes('connect.challenge') && events.includes('tick') && events.includes('presence'), `events seen: ${events.join(', ')}`);
    assert.ok(admin.recorder.received.length >= 11, 'challenge + hello-ok + 7 results + tick + presence were recorded');
    admin.recorder.assertConforms(schema);
    admin.socket.close();
  });

  it('a non-admin session: hello-ok without admin fields and every dispatch refusal conform', async () => {
    const reader = await openSession(gateway, ['operator.read']);
    assert.equal((reader.hello['snapshot'] as Record<string, unknown>)['configPath'], undefined);

    const missingScope = errorOf(await reader.call('device.pair.setupCode', {}));
    assert.equal(missingScope.code, 'FORBIDDEN');
    assert.equal(missingScope.message, 'missing scope: operator.admin');
    // MissingScopeErrorDetails is closed: exactly these keys.
    assert.deepEqual(missingScope.details, { code: 'MISSING_SCOPE', missingScope: 'operator.admin', requiredScopes: ['operator.admin'] });
    assert.equal(errorOf(await reader.call('no.such.method', {})).details['code'], 'UNKNOWN_METHOD');
    assert.equal(errorOf(await reader.call('logs.tail', { limit: 0 })).details['code'], 'INVALID_PARAMS');
    assert.equal(errorOf(await reader.call('health', { bogus: true })).details['code'], 'INVALID_PARAMS');
    assert.equal(errorOf(await reader.call('connect', connectFrame({ token: gateway.token! })['params'])).details['code'], 'ALREADY_CONNECTED');
    reader.socket.send('{not json');
    const invalidFrame = errorOf(await reader.recorder.waitFor((f) => f['type'] === 'res' && f['ok'] === false && (f['error'] as Record<string, unknown>)['message'] !== undefined && String((f['error'] as Record<string, unknown>)['message']).startsWith('invalid frame')));
    assert.equal(invalidFrame.details['code'], 'INVALID_FRAME');

    reader.recorder.assertConforms(schema);
    reader.socket.close();
  });

  it('MISSING_SCOPE raised outside the dispatcher (node pair approve, node invoke, device admin) conforms', async () => {
    const closed = (scope: string, required: string[]): Record<string, unknown> => ({ code: 'MISSING_SCOPE', missingScope: scope, requiredScopes: required });
    const admin = await openSession(gateway, ['operator.admin']);
    const pairing = await openSession(gateway, ['operator.pairing', 'operator.write']);

    // Node surface approval: system.which needs admin on top of pairing (checked in the node service).
    const node = await openNodeSocket(gateway.url, gateway.token!, { commands: ['system.which'] });
    const { pending } = (await pairing.call('node.pair.list', {}))['payload'] as { pending: { nodeId: string; requestId: string }[] };
    const nodeRequest = pending.find((request) => request.nodeId === node.nodeId);
    assert.ok(nodeRequest !== undefined, 'the node filed a pending surface');
    const approve = errorOf(await pairing.call('node.pair.approve', { requestId: nodeRequest.requestId }));
    assert.deepEqual(approve.details, closed('operator.admin', ['operator.pairing', 'operator.admin']));

    // node.invoke of an admin-only command by a write operator (checked before the node is looked up).
    const invoke = errorOf(await pairing.call('node.invoke', { nodeId: node.nodeId, command: 'fs.listDir', idempotencyKey: 'conformance-admin-invoke' }));
    assert.deepEqual(invoke.details, closed('operator.admin', ['operator.admin']));

    // Device admin: approving a device that asks for admin needs admin (checked in the device admin).
    const setup = await admin.call('device.pair.setupCode', {});
    assert.equal(setup['ok'], true, JSON.stringify(setup['error']));
    const bootstrapToken = (setup['payload'] as { bootstrapToken: string }).bootstrapToken;
    const identity = createDeviceIdentity();
    const device = await connectDevice(gateway.url, { identity, scopes: ['operator.admin'], auth: { bootstrapToken } });
    const deviceRequestId = String(device.error?.['details'].requestId);
    const deviceApprove = errorOf(await pairing.call('device.pair.approve', { requestId: deviceRequestId }));
    assert.deepEqual(deviceApprove.details, closed('operator.admin', ['operator.admin']));

    pairing.recorder.assertConforms(schema);
    for (const socket of [admin.socket, pairing.socket, node.socket, device.raw.socket]) socket.close();
  });

  it('a node session refused an operator method gets a conforming ROLE_NOT_ALLOWED', async () => {
    const node = await openSession(gateway, [], { role: 'node', client: { id: 'node-host', version: 'test', platform: 'linux', mode: 'node' } });
    const refused = errorOf(await node.call('health'));
    assert.equal(refused.details['code'], 'ROLE_NOT_ALLOWED');
    node.recorder.assertConforms(schema);
    node.socket.close();
  });

  it('every connect refusal sends a conforming error response before closing', async () => {
    const cases: { name: string; url: string; frames: string[]; detailCode: string; closeCode: number }[] = [
      { name: 'non-connect first frame', url: gateway.url, frames: [JSON.stringify({ type: 'req', id: 'x1', method: 'health' })], detailCode: 'FIRST_FRAME_NOT_CONNECT', closeCode: 1008 },
      { name: 'invalid connect params', url: gateway.url, frames: [JSON.stringify(connectFrame({ token: gateway.token!, params: { client: { id: 'nope' } } }))], detailCode: 'CONNECT_PARAMS_INVALID', closeCode: 1008 },
      { name: 'protocol mismatch', url: gateway.url, frames: [JSON.stringify(connectFrame({ token: gateway.token!, params: { minProtocol: 2, maxProtocol: 3 } }))], detailCode: 'PROTOCOL_MISMATCH', closeCode: 1002 },
      { name: 'invalid role', url: gateway.url, frames: [JSON.stringify(connectFrame({ token: gateway.token!, role: 'superuser' }))], detailCode: 'INVALID_ROLE', closeCode: 1008 },
      { name: 'missing token', url: gateway.url, frames: [JSON.stringify(connectFrame({}))], detailCode: 'AUTH_TOKEN_MISSING', closeCode: 1008 },
      { name: 'wrong token', url: gateway.url, frames: [JSON.stringify(connectFrame({ token: 'wrong-token' }))], detailCode: 'AUTH_TOKEN_MISMATCH', closeCode: 1008 },
      { name: 'missing password', url: passwordGateway.url, frames: [JSON.stringify(connectFrame({}))], detailCode: 'AUTH_PASSWORD_MISSING', closeCode: 1008 },
      { name: 'wrong password', url: passwordGateway.url, frames: [JSON.stringify(connectFrame({ password: 'wrong-password' }))], detailCode: 'AUTH_PASSWORD_MISMATCH', closeCode: 1008 },
    ];
    for (const testCase of cases) {
      const { recorder, close } = await refusedConnect(testCase.url, ...testCase.frames);
      const response = recorder.frames().find((f) => f['type'] === 'res');
      assert.ok(response !== undefined, `${testCase.name}: no error response before close`);
      assert.equal(errorOf(response).details['code'], testCase.detailCode, testCase.name);
      assert.equal(close.code, testCase.closeCode, testCase.name);
      recorder.assertConforms(schema);
    }
  });

  it('the shutdown event sent when the gateway stops conforms to ShutdownEvent', async () => {
    const stopping = await startTestGateway();
    const session = await openSession(stopping, ['operator.read']);
    await stopping.stop();
    const shutdown = await session.recorder.waitFor((f) => f['event'] === 'shutdown');
    assert.equal((shutdown['payload'] as Record<string, unknown>)['reason'], 'test finished');
    assert.equal((await session.recorder.closed).code, 1001);
    session.recorder.assertConforms(schema);
  });
});

describe('protocol schema validator (negative controls, so the suite above cannot pass vacuously)', () => {
  it('rejects a hello-ok with a key the schema does not allow', () => {
    const violations = schema.checkServerFrame({
      type: 'res',
      id: 'c1',
      ok: true,
      payload: {
        type: 'hello-ok',
        protocol: 4,
        server: { version: '1', connId: 'c' },
        features: { methods: [], events: [] },
        snapshot: { presence: [], health: {}, stateVersion: { presence: 0, health: 0 }, uptimeMs: 0 },
        auth: { role: 'operator', scopes: [], method: 'token' },
        policy: { maxPayload: 1, maxBufferedBytes: 1, tickIntervalMs: 1 },
      },
    });
    assert.match(formatViolations(violations), /HelloOk at payload: \/auth must NOT have additional properties/);
  });

  it('rejects MISSING_SCOPE details carrying extra keys', () => {
    const violations = schema.checkServerFrame({
      type: 'res',
      id: 'r1',
      ok: false,
      error: { code: 'FORBIDDEN', message: 'missing scope', details: { code: 'MISSING_SCOPE', missingScope: 'operator.admin', requiredScopes: ['operator.admin'], method: 'config.get' } },
    });
    assert.match(formatViolations(violations), /GatewayErrorDetails\/anyOf\/\d+ at error\.details/);
  });

  it('rejects a tick without ts, a res without ok, and a result that breaks its method schema', () => {
    assert.notEqual(schema.checkServerFrame({ type: 'event', event: 'tick', payload: {} }).length, 0);
    assert.notEqual(schema.checkServerFrame({ type: 'res', id: 'r1' }).length, 0);
    const requests = new Map([['r1', 'logs.tail']]);
    assert.notEqual(schema.checkServerFrame({ type: 'res', id: 'r1', ok: true, payload: { file: '', cursor: -1 } }, requests).length, 0);
  });
});

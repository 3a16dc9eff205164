/**
 * Interop (run by `npm run interop`, not the default suite): the clawgate CLI against a real
 * `openclaw gateway run` (2026.9.6, Node 24) with an isolated HOME and state dir. OpenClaw needs
 * ~6–15 s on this machine before it answers RPCs, so the suite polls with clawgate's own client.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { callGateway } from '../../src/client/index.js';
import { ProtocolSchema } from '../helpers/protocol-schema.js';
import { openRecordedSocket } from '../helpers/frame-recorder.js';
import { connectFrame } from '../helpers/raw-socket.js';
import {
  createIsolatedEnv,
  findFreePort,
  findOpenClawInstall,
  runCommand,
  spawnDaemon,
  waitUntil,
  type IsolatedEnv,
  type RunningProcess,
  type RunResult,
} from '../helpers/openclaw.js';

const CLAWGATE_BIN = fileURLToPath(new URL('../../../bin/clawgate.js', import.meta.url));
const TOKEN = 'interop-token-0123456789abcdef';
const READY_TIMEOUT_MS = 120_000;

function describeRun(result: RunResult): string {
  return `exit ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`;
}

describe('clawgate CLI → real openclaw gateway', { timeout: READY_TIMEOUT_MS + 60_000 }, () => {
  let isolated: IsolatedEnv;
  let openclaw: RunningProcess;
  let url: string;
  /** The clawgate CLI runs with its own empty state dir and no OPENCLAW_* / CLAWGATE_* credentials. */
  let cliEnv: NodeJS.ProcessEnv;
  const clawgate = (args: string[]): Promise<RunResult> => runCommand(process.execPath, [CLAWGATE_BIN, ...args], cliEnv, 30_000);

  before(async () => {
    const install = findOpenClawInstall();
    isolated = createIsolatedEnv(install);
    const port = await findFreePort();
    url = `ws://127.0.0.1:${port}`;
    openclaw = spawnDaemon(
      install.openclawBin,
      ['gateway', 'run', '--port', String(port), '--bind', 'loopback', '--auth', 'token', '--token', TOKEN, '--allow-unconfigured'],
      isolated.env,
    );
    try {
      await waitUntil(async () => {
        if (openclaw.child.exitCode !== null) throw new Error('openclaw gateway exited');
        const { payload } = await callGateway('health', {}, { url, token: TOKEN, scopes: ['operator.read'], timeoutMs: 5000 });
        return typeof payload === 'object' && payload !== null;
      }, READY_TIMEOUT_MS, 500);
    } catch (error) {
      throw new Error(`openclaw gateway did not become ready: ${String(error)}\n${openclaw.output()}`);
    }
    cliEnv = { PATH: process.env['PATH'] ?? '', HOME: isolated.env['HOME'], CLAWGATE_STATE_DIR: `${isolated.root}/clawgate-cli` };
  });
  after(async () => {
    await openclaw?.stop();
    isolated?.remove();
  });

  it('`clawgate gateway health --url --token` prints OK and exits 0', async () => {
    const result = await clawgate(['gateway', 'health', '--url', url, '--token', TOKEN]);
    assert.equal(result.code, 0, describeRun(result));
    assert.match(result.stdout, /Gateway Health\nOK \(\d+ms\)/);
  });

  it('`clawgate gateway health --json` returns OpenClaw’s health summary', async () => {
    const result = await clawgate(['gateway', 'health', '--url', url, '--token', TOKEN, '--json']);
    assert.equal(result.code, 0, describeRun(result));
    const health = JSON.parse(result.stdout) as { ok: boolean; defaultAgentId: string; eventLoop: unknown };
    assert.equal(health.ok, true);
    assert.equal(health.defaultAgentId, 'main');
    assert.ok(health.eventLoop !== undefined);
  });

  it('`clawgate gateway call status --json` returns OpenClaw’s status', async () => {
    const result = await clawgate(['gateway', 'call', 'status', '--url', url, '--token', TOKEN, '--json']);
    assert.equal(result.code, 0, describeRun(result));
    const status = JSON.parse(result.stdout) as { runtimeVersion?: string };
    assert.equal(status.runtimeVersion, '2026.9.6');
  });

  it('a wrong token ends with exit 4 (auth failed) and OpenClaw’s mismatch message', async () => {
    const result = await clawgate(['gateway', 'health', '--url', url, '--token', 'wrong-token']);
    assert.equal(result.code, 4, describeRun(result));
    assert.match(result.stderr, /gateway token mismatch.*\[AUTH_TOKEN_MISMATCH\]/);
    assert.doesNotMatch(result.stdout + result.stderr, /wrong-token/, 'the token is never echoed');
  });

  it('the real gateway’s envelopes and error shapes validate against the published schema too', async () => {
    // A control for our validator: OpenClaw's own frames must pass the envelope checks. Its 2026.9.6
    // hello-ok carries fields the 2026.9.1 schema predates, so only envelopes and errors are compared.
    const schema = new ProtocolSchema();
    const { socket, recorder } = await openRecordedSocket(url);
    await recorder.waitFor((f) => f['event'] === 'connect.challenge');
    socket.send(JSON.stringify(connectFrame({ token: 'wrong-token' })));
    await recorder.closed;
    const frames = recorder.frames();
    assert.ok(frames.length >= 2, 'challenge and error response');
    for (const frame of frames) {
      const definition = frame['type'] === 'res' ? 'ResponseFrame' : 'EventFrame';
      assert.deepEqual(schema.check(definition, frame), [], JSON.stringify(frame));
    }
    const refusal = frames.find((f) => f['type'] === 'res') as { error: { code: string; details: { code: string } } };
    assert.equal(refusal.error.code, 'INVALID_REQUEST');
    assert.equal(refusal.error.details.code, 'AUTH_TOKEN_MISMATCH');
  });
});

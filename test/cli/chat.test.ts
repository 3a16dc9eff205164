/** `clawgate chat` as a real process against a real gateway with the agent and a FAKE model server. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createAgentFeature } from '../../src/agent/feature.js';
import { CLAWGATE_BIN } from '../helpers/cli.js';
import { createTempStateDir, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startFakeOpenAiServer, type FakeModelServer } from '../helpers/fake-model.js';
import { call } from '../helpers/node-socket.js';
import { openAuthenticatedSocket } from '../helpers/raw-socket.js';

describe('clawgate chat', () => {
  let model: FakeModelServer;
  let gateway: TestGateway;
  before(async () => {
    model = await startFakeOpenAiServer([{ kind: 'text', chunks: ['Hi', ' human.'] }]);
    gateway = await startTestGateway({
      features: [createAgentFeature()],
      config: { models: { providers: { local: { baseUrl: model.baseUrl, models: [{ id: 'm', name: 'm' }] } } }, agents: { defaults: { model: 'local/m' } } },
    });
  });
  after(async () => {
    await gateway.stop();
    await model.close();
  });

  it('sends each line, streams the reply, and shows the history on the next start', async () => {
    const run = (input: string): Promise<{ code: number | null; stdout: string; stderr: string }> =>
      new Promise((resolve) => {
        const child = spawn(process.execPath, [CLAWGATE_BIN, 'chat', '--session', 'term', '--url', gateway.url, '--token', gateway.token!], { env: { ...process.env, CLAWGATE_STATE_DIR: createTempStateDir() }, stdio: ['pipe', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk) => (stdout += chunk));
        child.stderr.on('data', (chunk) => (stderr += chunk));
        child.on('exit', (code) => resolve({ code, stdout, stderr }));
        child.stdin.end(input);
      });
    const first = await run('hello\n');
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /Hi human\.\n/);
    const second = await run('');
    assert.match(second.stdout, /^user: hello\nassistant: Hi human\.\n— session term/);
  });

  it('Ctrl-C (SIGINT to the process) aborts the streaming reply and the chat goes on', async () => {
    model.setScript([{ kind: 'hang', chunks: ['Once upon'] }]);
    const child = spawn(process.execPath, [CLAWGATE_BIN, 'chat', '--session', 'sigint', '--url', gateway.url, '--token', gateway.token!], { env: { ...process.env, CLAWGATE_STATE_DIR: createTempStateDir() }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const seen = (pattern: RegExp, stream: () => string): Promise<void> =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          if (!pattern.test(stream())) return;
          child.stdout.off('data', check);
          child.stderr.off('data', check);
          resolve();
        };
        child.stdout.on('data', check);
        child.stderr.on('data', check);
        child.on('exit', () => reject(new Error(`chat exited before ${String(pattern)}; stdout=${stdout} stderr=${stderr}`)));
        check();
      });
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.stdin.write('tell me a story\n');
    await seen(/Once upon/, () => stdout);
    child.kill('SIGINT');
    await seen(/\[aborted\]/, () => stderr);
    child.stdin.end();
    assert.equal(await exited, 0, stderr);
    const history = await runHistory(gateway);
    assert.deepEqual(history, [['user', 'tell me a story'], ['assistant', 'Once upon']], 'the partial reply is kept, the run ended aborted');
  });

  it('Ctrl-C typed on a terminal (a real pty through util-linux `script`) aborts the reply; Ctrl-D leaves', { skip: !existsSync('/usr/bin/script') && 'no /usr/bin/script for a pty' }, async () => {
    model.setScript([{ kind: 'hang', chunks: ['Far away'] }]);
    const command = [process.execPath, CLAWGATE_BIN, 'chat', '--session', 'pty', '--url', gateway.url, '--token', gateway.token!].map((arg) => `'${arg}'`).join(' ');
    const child = spawn('/usr/bin/script', ['-qfec', command, '/dev/null'], { env: { ...process.env, CLAWGATE_STATE_DIR: createTempStateDir() }, stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const seen = async (pattern: RegExp): Promise<void> => {
      const deadline = Date.now() + 15_000;
      while (!pattern.test(output)) {
        if (Date.now() > deadline) throw new Error(`no ${String(pattern)} in: ${output}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    await seen(/— session pty/);
    child.stdin.write('a story please\r');
    await seen(/Far away/);
    child.stdin.write('\x03');
    await seen(/\[aborted\]/);
    child.stdin.write('\x04');
    assert.equal(await exited, 0, output);
  });
});

/** The `sigint` session's transcript as [role, text] pairs, read through chat.history. */
async function runHistory(gateway: TestGateway): Promise<[string, string][]> {
  const socket = await openAuthenticatedSocket(gateway.url, gateway.token!, ['operator.read']);
  try {
    const res = await call(socket, 'chat.history', { sessionKey: 'sigint' });
    return (res['payload'].messages as { role: string; content: string | { text: string }[] }[]).map((m) => [m.role, typeof m.content === 'string' ? m.content : m.content.map((b) => b.text).join('')]);
  } finally {
    socket.socket.close();
  }
}

/** `clawgate chat` as a real process against a real gateway with the agent and a FAKE model server. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createAgentFeature } from '../../src/agent/feature.js';
import { CLAWGATE_BIN } from '../helpers/cli.js';
import { createTempStateDir, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startFakeOpenAiServer, type FakeModelServer } from '../helpers/fake-model.js';

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
});

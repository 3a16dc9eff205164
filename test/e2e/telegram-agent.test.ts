/**
 * Telegram → gateway → agent → node → Telegram, end to end: a FAKE Telegram Bot API server
 * (test/helpers/fake-telegram.ts, via channels.telegram.apiRoot), a FAKE OpenAI-compatible model
 * server (scripted), our real node host, and the real agent and channels features.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createAgentFeature } from '../../src/agent/feature.js';
import { withChannels } from '../../src/channels/index.js';
import { FakeTelegram } from '../helpers/fake-telegram.js';
import { lastToolResultText, startFakeOpenAiServer, type FakeModelServer } from '../helpers/fake-model.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { call } from '../helpers/node-socket.js';
import { openAuthenticatedSocket, type RawSocket } from '../helpers/raw-socket.js';
import { eventually } from '../helpers/eventually.js';
import { startNodeHost, type RunningNodeHost } from '../helpers/node-host.js';

const OWNER = 555;

interface Stack {
  bot: FakeTelegram;
  gateway: TestGateway;
  admin: RawSocket;
  node: RunningNodeHost;
}

async function startStack(extraConfig: Record<string, unknown>): Promise<Stack> {
  const bot = await FakeTelegram.start();
  const gateway = await startTestGateway({
    features: withChannels(createAgentFeature(), { telegramPerChatMinMs: 10 }),
    config: { channels: { telegram: { botToken: bot.token, apiRoot: bot.apiRoot, allowFrom: [OWNER, 777] } }, commands: { ownerAllowFrom: [`telegram:${OWNER}`] }, ...extraConfig },
  });
  const admin = await openAuthenticatedSocket(gateway.url, gateway.token!, ['operator.admin']);
  const node = await startNodeHost(gateway, { displayName: 'box', admin, allow: ['uname'] });
  await eventually(() => bot.isPollHeld, 'telegram polling');
  return { bot, gateway, admin, node };
}

async function stopStack(stack: Stack | undefined): Promise<void> {
  if (stack === undefined) return;
  stack.node.stop();
  stack.admin.socket.terminate();
  await stack.gateway.stop();
  await stack.bot.close();
}

describe('Telegram with the agent and no model configured', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({});
  });
  after(() => stopStack(stack));

  it('answers `/run box uname -a` from Telegram with the node\'s output', async () => {
    stack.bot.injectMessage({ chatId: OWNER, text: '/run box uname -a' });
    const reply = await stack.bot.waitForCall('sendMessage', (c) => c.status === 200, 15_000);
    assert.match(String(reply.params['text']), /^Node: box\nLinux /);
    assert.ok(stack.bot.callsOf('sendChatAction').length >= 1, 'typing shown');
  });

  it('registers the built-in commands with setMyCommands and answers /help', async () => {
    const commands = (stack.bot.callsOf('setMyCommands')[0]!.params['commands'] as { command: string }[]).map((c) => c.command);
    assert.deepEqual(commands, ['help', 'status', 'nodes', 'run', 'new', 'stop']);
    stack.bot.injectMessage({ chatId: OWNER, text: '/help' });
    const reply = await stack.bot.waitForCall('sendMessage', (c) => /\/run/.test(String(c.params['text'])) && !/^Node:/.test(String(c.params['text'])), 15_000);
    assert.match(String(reply.params['text']), /&lt;node&gt;|<node>/);
  });

  it('lets only the owner start a new session with /new', async () => {
    stack.bot.injectMessage({ chatId: 777, text: '/new' });
    const refused = await stack.bot.waitForCall('sendMessage', (c) => c.params['chat_id'] === '777', 15_000);
    assert.match(String(refused.params['text']), /Only the owner can start a new session/);
    stack.bot.injectMessage({ chatId: OWNER, text: '/new' });
    const done = await stack.bot.waitForCall('sendMessage', (c) => c.params['chat_id'] === String(OWNER) && /new|session|fresh/i.test(String(c.params['text'])) && !/^Node:/.test(String(c.params['text'])) && !/\/run/.test(String(c.params['text'])), 15_000);
    assert.doesNotMatch(String(done.params['text']), /Only the owner/);
  });

  it('delivers `agent {deliver, channel, to}` to Telegram with deliveryStatus', async () => {
    const res = await call(stack.admin, 'agent', { message: '/run box uname -a', idempotencyKey: 'deliver-1', deliver: true, channel: 'telegram', to: String(OWNER) });
    let final = res;
    if ((res['payload'] as { status?: string }).status === 'accepted') final = await stack.admin.waitFor((f) => f['id'] === res['id'] && (f['payload'] as { status?: string }).status !== 'accepted', 15_000);
    const result = (final['payload'] as any).result;
    assert.equal(result.deliveryStatus.status, 'sent');
    assert.equal(result.deliverySucceeded, true);
    await stack.bot.waitForCall('sendMessage', (c) => /^Node: box/.test(String(c.params['text'])) && c.atMs > 0);
    const missing = await call(stack.admin, 'agent', { message: '/help', idempotencyKey: 'deliver-2', deliver: true, channel: 'whatsapp', to: '1' });
    let missingFinal = missing;
    if ((missing['payload'] as { status?: string }).status === 'accepted') missingFinal = await stack.admin.waitFor((f) => f['id'] === missing['id'] && (f['payload'] as { status?: string }).status !== 'accepted', 15_000);
    assert.deepEqual((missingFinal['payload'] as any).result.deliveryStatus, { requested: true, attempted: false, status: 'failed', succeeded: false, error: true, reason: 'unknown_channel' });
  });
});

describe('Telegram with the agent, a scripted model and exec approvals from the phone', () => {
  let stack: Stack;
  let model: FakeModelServer;
  before(async () => {
    model = await startFakeOpenAiServer([]);
    stack = await startStack({
      models: { providers: { local: { baseUrl: model.baseUrl, api: 'openai-completions', apiKey: 'test-key', models: [{ id: 'test-model', name: 'test-model' }] } } },
      agents: { defaults: { model: { primary: 'local/test-model' } } },
      tools: { exec: { mode: 'ask' } },
    });
  });
  after(async () => {
    await stopStack(stack);
    await model.close();
  });

  it('runs `uname -a` on the node after the owner taps "Allow once", and the reply in the chat contains its output', async () => {
    model.setScript([{ kind: 'toolCall', id: 'call_1', name: 'exec', args: { command: 'uname -a', host: 'node' } }, (req) => ({ kind: 'text', chunks: [`The node says: ${lastToolResultText(req)}`] })]);
    stack.bot.injectMessage({ chatId: OWNER, text: 'what system is the node running?' });
    const prompt = await stack.bot.waitForCall('sendMessage', (c) => c.params['reply_markup'] !== undefined, 15_000);
    assert.match(String(prompt.params['text']), /Approval needed[\s\S]*uname -a/);
    const buttons = (prompt.params['reply_markup'] as { inline_keyboard: { text: string; callback_data: string }[][] }).inline_keyboard[0]!;
    assert.deepEqual(buttons.map((b) => b.text), ['✅ Allow once', '♾ Always allow', '❌ Deny']);
    assert.ok(buttons.every((b) => Buffer.byteLength(b.callback_data) <= 64), 'Telegram caps callback_data at 64 bytes');
    stack.bot.injectCallbackQuery({ chatId: 999, fromId: 999, data: buttons[0]!.callback_data });
    const refused = await stack.bot.waitForCall('answerCallbackQuery', () => true, 10_000);
    assert.equal(refused.params['text'], 'Only the owner can decide approvals.');
    const promptId = (prompt.result as { message_id: number }).message_id;
    stack.bot.injectCallbackQuery({ chatId: OWNER, fromId: OWNER, data: buttons[0]!.callback_data, messageId: promptId, text: 'Approval needed: uname -a' });
    await stack.bot.waitForCall('answerCallbackQuery', (c) => c.params['text'] === 'Allowed once.', 10_000);
    const closed = await stack.bot.waitForCall('editMessageText', (c) => c.params['message_id'] === promptId, 10_000);
    assert.equal(closed.status, 200);
    assert.equal(closed.params['text'], 'Approval needed: uname -a\n\n✅ Allowed once.');
    assert.equal(closed.params['reply_markup'], undefined, 'the buttons are gone');
    const reply = await stack.bot.waitForCall('sendMessage', (c) => /^The node says: Node: box\nLinux /.test(String(c.params['text'])), 15_000);
    assert.equal(reply.params['chat_id'], String(OWNER));
    const progress = stack.bot.callsOf('sendMessage').find((c) => /⏳ Working…/.test(String(c.params['text'])));
    assert.ok(progress !== undefined, 'tool progress shown in a status message (streaming.mode progress)');
  });

  it('after the owner taps "♾ Always allow" the command runs, and the same command later runs with no prompt', async () => {
    const script = (id: string) => [{ kind: 'toolCall' as const, id, name: 'exec', args: { command: 'uname -s' } }, (req: Parameters<typeof lastToolResultText>[0]) => ({ kind: 'text' as const, chunks: [`Kernel: ${lastToolResultText(req)}`] })];
    model.setScript(script('call_always_1'));
    const prompts = stack.bot.callsOf('sendMessage').filter((c) => c.params['reply_markup'] !== undefined).length;
    stack.bot.injectMessage({ chatId: OWNER, text: 'which kernel?' });
    const prompt = await stack.bot.waitForCall('sendMessage', (c) => c.params['reply_markup'] !== undefined && /uname -s/.test(String(c.params['text'])), 15_000);
    const always = (prompt.params['reply_markup'] as { inline_keyboard: { text: string; callback_data: string }[][] }).inline_keyboard[0]!.find((b) => b.text === '♾ Always allow')!;
    const promptId = (prompt.result as { message_id: number }).message_id;
    stack.bot.injectCallbackQuery({ chatId: OWNER, fromId: OWNER, data: always.callback_data, messageId: promptId, text: 'Approval needed: uname -s' });
    await stack.bot.waitForCall('answerCallbackQuery', (c) => /^Always allowed/.test(String(c.params['text'])), 10_000);
    const closed = await stack.bot.waitForCall('editMessageText', (c) => c.params['message_id'] === promptId, 10_000);
    assert.match(String(closed.params['text']), /♾ Always allowed/);
    const replies = (): number => stack.bot.callsOf('sendMessage').filter((c) => /^Kernel: Node: box\nLinux/.test(String(c.params['text']))).length;
    await eventually(() => replies() === 1, 'the first reply', 15_000);
    const rules = (await call(stack.admin, 'exec.approval.rules.list'))['payload'].rules as { argv: string[]; resolvedBy: string }[];
    assert.deepEqual([rules[0]?.argv, rules[0]?.resolvedBy], [['uname', '-s'], `telegram:${OWNER}`]);
    model.setScript(script('call_always_2'));
    stack.bot.injectMessage({ chatId: OWNER, text: 'and again?' });
    await eventually(() => replies() === 2, 'the second reply', 15_000);
    assert.equal(stack.bot.callsOf('sendMessage').filter((c) => c.params['reply_markup'] !== undefined).length, prompts + 1, 'the covered command prompted again');
  });

  it('stops a running answer with /stop, at once', async () => {
    model.setScript([{ kind: 'hang' }]);
    const before = stack.bot.callsOf('sendMessage').length;
    const requests = model.requests.length;
    stack.bot.injectMessage({ chatId: OWNER, text: 'write me a very long story' });
    await model.waitForRequests(requests + 1);
    stack.bot.injectMessage({ chatId: OWNER, text: '/stop' });
    const stopped = await stack.bot.waitForCall('sendMessage', (c) => c.params['text'] === '⏹ Stopped.', 15_000);
    assert.equal(stopped.params['chat_id'], String(OWNER));
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(stack.bot.callsOf('sendMessage').slice(before).map((c) => c.params['text']), ['⏹ Stopped.']);
  });

  it('turns a model failure into one short readable message', async () => {
    model.setScript([{ kind: 'error', status: 400, body: { error: { message: 'bad request from model' } } }]);
    stack.bot.injectMessage({ chatId: OWNER, text: 'fail please' });
    const reply = await stack.bot.waitForCall('sendMessage', (c) => /⚠️/.test(String(c.params['text'])), 30_000);
    assert.ok(String(reply.params['text']).length < 500);
  });
});

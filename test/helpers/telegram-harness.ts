/**
 * @module test/helpers/telegram-harness — a Telegram channel wired to the FAKE Bot API
 * (fake-telegram.ts) through `apiRoot`, with real SQLite, a channel manager and a scripted agent.
 */
import { ChannelManager, DmPairingStore, InboundRouter, sessionKeyFor, type AgentPort, type ChannelsStatus, type TurnRequest } from '../../src/channels/index.js';
import { TelegramChannel, TelegramIngressStore, resolveTelegramSettings } from '../../src/channels/telegram/index.js';
import type { TelegramConfig } from '../../src/config/index.js';
import { createLogger, SecretRegistry } from '../../src/logging/index.js';
import { systemClock, type Clock } from '../../src/time/index.js';
import { createChannelDb, type ChannelDb } from './channel-db.js';
import { FakeTelegram } from './fake-telegram.js';

export interface TelegramHarness {
  fake: FakeTelegram;
  db: ChannelDb;
  channel: TelegramChannel;
  manager: ChannelManager;
  router: InboundRouter;
  ingress: TelegramIngressStore;
  pairing: DmPairingStore;
  turns: TurnRequest[];
  logLines: string[];
  status(probe?: boolean): Promise<ChannelsStatus>;
  account(): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

/** A scripted agent: answers `echo: <text>` unless told otherwise. */
export function echoAgent(reply: (request: TurnRequest) => string | Promise<string> = (request) => `echo: ${request.text}`): AgentPort {
  return { runTurn: async (request) => ({ status: 'ok', text: await reply(request) }) };
}

export async function startTelegramHarness(options: { config?: Partial<TelegramConfig>; agent?: AgentPort; clock?: Clock; fake?: FakeTelegram; db?: ChannelDb } = {}): Promise<TelegramHarness> {
  const fake = options.fake ?? (await FakeTelegram.start());
  const db = options.db ?? createChannelDb();
  const clock = options.clock ?? systemClock;
  const logLines: string[] = [];
  const secrets = new SecretRegistry();
  const settings = resolveTelegramSettings({ botToken: fake.token, apiRoot: fake.apiRoot, ...options.config }, {});
  secrets.add(settings.token);
  const logger = createLogger({ secrets, level: 'debug', extraSink: { write: (line: string) => logLines.push(line) } });
  const sqlite = options.db === undefined ? db.db : db.reopen();
  const ingress = new TelegramIngressStore(sqlite, 'default', () => clock.now());
  const pairing = new DmPairingStore(sqlite, { now: () => clock.now() });
  const turns: TurnRequest[] = [];
  const agent = options.agent ?? echoAgent();
  const recording: AgentPort = {
    runTurn: (request) => {
      turns.push(request);
      return agent.runTurn(request);
    },
  };
  const channel = new TelegramChannel({ settings, store: ingress, pairing, logger, clock, perChatMinMs: 10 });
  const router = new InboundRouter({
    clock,
    agent: recording,
    sessionKeyOf: (message) => sessionKeyFor({ agentId: 'main', dmScope: 'main' }, message),
    openReply: (batch) => channel.openReply(batch),
    limits: { quietWindowMs: 50 },
  });
  const manager = new ChannelManager({ clock, logger, router, plugins: [channel] });
  await manager.startAll();
  return {
    fake,
    db,
    channel,
    manager,
    router,
    ingress,
    pairing,
    turns,
    logLines,
    status: (probe = false) => manager.status({ probe }),
    account: async () => (await manager.status()).channelAccounts['telegram']![0]!,
    close: async () => {
      await manager.stopAll();
      if (options.fake === undefined) await fake.close();
      if (options.db === undefined) db.cleanup();
    },
  };
}

export { eventually } from './eventually.js';

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isTelegramConfigured, normalizeAllowList, normalizeApiRoot, resolveTelegramSettings } from '../../../src/channels/telegram/index.js';
import { parseTelegramTarget } from '../../../src/channels/telegram/index.js';
import { GatewayError } from '../../../src/protocol/index.js';
import { redactConfig } from '../../../src/config/index.js';

const isCode = (code: string) => (error: unknown) => error instanceof GatewayError && error.code === code;

describe('resolveTelegramSettings', () => {
  it('defaults like OpenClaw: pairing DMs, allowlist groups, 4000-char chunks, progress streaming, polling', () => {
    const settings = resolveTelegramSettings({ botToken: '1:abc' }, {});
    assert.equal(settings.dmPolicy, 'pairing');
    assert.equal(settings.groupPolicy, 'allowlist');
    assert.equal(settings.textChunkLimit, 4000);
    assert.equal(settings.streamingMode, 'progress');
    assert.equal(settings.replyToMode, 'off');
    assert.equal(settings.apiRoot, 'https://api.telegram.org');
    assert.equal(settings.webhook, undefined);
  });

  it('takes the token from tokenFile, then botToken, then TELEGRAM_BOT_TOKEN', () => {
    const dir = mkdtempSync(join(tmpdir(), 'clawgate-tg-'));
    try {
      writeFileSync(join(dir, 'token'), '2:fromfile\n');
      assert.deepEqual(pick(resolveTelegramSettings({ tokenFile: join(dir, 'token'), botToken: '1:cfg' }, { TELEGRAM_BOT_TOKEN: '3:env' })), ['2:fromfile', 'tokenFile']);
      assert.deepEqual(pick(resolveTelegramSettings({ botToken: '1:cfg' }, { TELEGRAM_BOT_TOKEN: '3:env' })), ['1:cfg', 'config']);
      assert.deepEqual(pick(resolveTelegramSettings({}, { TELEGRAM_BOT_TOKEN: '3:env' })), ['3:env', 'env']);
      symlinkSync(join(dir, 'token'), join(dir, 'link'));
      assert.throws(() => resolveTelegramSettings({ tokenFile: join(dir, 'link') }, {}), isCode('TELEGRAM_TOKEN_FILE_INVALID'));
      assert.throws(() => resolveTelegramSettings({}, {}), isCode('TELEGRAM_TOKEN_MISSING'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails closed: allowlist without ids, open without "*", webhook without a secret', () => {
    assert.throws(() => resolveTelegramSettings({ botToken: '1:a', dmPolicy: 'allowlist' }, {}), isCode('TELEGRAM_CONFIG_INVALID'));
    assert.throws(() => resolveTelegramSettings({ botToken: '1:a', dmPolicy: 'open', allowFrom: [5] }, {}), isCode('TELEGRAM_CONFIG_INVALID'));
    assert.throws(() => resolveTelegramSettings({ botToken: '1:a', webhookUrl: 'https://x/hook' }, {}), isCode('TELEGRAM_CONFIG_INVALID'));
    const hook = resolveTelegramSettings({ botToken: '1:a', webhookUrl: 'https://x/hook', webhookSecret: 's3cr3t' }, {}).webhook;
    assert.deepEqual(hook, { url: 'https://x/hook', secret: 's3cr3t', path: '/telegram-webhook', host: '127.0.0.1', port: 8787 });
  });

  it('is configured only with a token somewhere and not disabled', () => {
    assert.equal(isTelegramConfigured(undefined, { TELEGRAM_BOT_TOKEN: 'x' }), false);
    assert.equal(isTelegramConfigured({}, {}), false);
    assert.equal(isTelegramConfigured({}, { TELEGRAM_BOT_TOKEN: 'x' }), true);
    assert.equal(isTelegramConfigured({ botToken: 'x', enabled: false }, {}), false);
  });

  it('normalizes apiRoot and allowFrom as OpenClaw does', () => {
    assert.equal(normalizeApiRoot(' http://127.0.0.1:9/bot123:ABC-def/ '), 'http://127.0.0.1:9');
    assert.equal(normalizeApiRoot('https://api.telegram.org///'), 'https://api.telegram.org');
    assert.deepEqual([...normalizeAllowList([123, 'telegram:456', 'tg:789', '*', '@name'])], ['123', '456', '789', '*']);
  });

  it('redacts botToken and webhookSecret in config output', () => {
    const redacted = redactConfig({ channels: { telegram: { botToken: '1:secret', webhookSecret: 'hook' } } }) as { channels: { telegram: Record<string, unknown> } };
    assert.equal(redacted.channels.telegram['botToken'], '[redacted]');
    assert.equal(redacted.channels.telegram['webhookSecret'], '[redacted]');
  });
});

describe('parseTelegramTarget', () => {
  it('accepts chat ids with prefixes and topics, refuses usernames with the reason', () => {
    assert.deepEqual(parseTelegramTarget('telegram:555'), { chatId: '555' });
    assert.deepEqual(parseTelegramTarget('-100123:topic:5'), { chatId: '-100123', threadId: '5' });
    assert.throws(() => parseTelegramTarget('@bob'), (error: unknown) => isCode('CHANNEL_TARGET_INVALID')(error) && /cannot look up @usernames/.test((error as Error).message));
  });
});

function pick(settings: { token: string; tokenSource: string }): [string, string] {
  return [settings.token, settings.tokenSource];
}

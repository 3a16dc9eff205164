import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sessionKeyFor, type ConversationRef } from '../../src/channels/index.js';

const dm: ConversationRef = { chatId: '555', kind: 'direct' };
const target = (conversation: ConversationRef) => ({ channel: 'telegram', accountId: 'default', conversation, sender: { id: '555' } });

describe('sessionKeyFor', () => {
  it('routes DMs to the main session by default (dmScope main), as OpenClaw does', () => {
    assert.equal(sessionKeyFor({ agentId: 'main', dmScope: 'main' }, target(dm)), 'agent:main:main');
  });

  it('follows the other dmScope values', () => {
    assert.equal(sessionKeyFor({ agentId: 'main', dmScope: 'per-peer' }, target(dm)), 'agent:main:direct:555');
    assert.equal(sessionKeyFor({ agentId: 'main', dmScope: 'per-channel-peer' }, target(dm)), 'agent:main:telegram:direct:555');
    assert.equal(sessionKeyFor({ agentId: 'main', dmScope: 'per-account-channel-peer' }, target(dm)), 'agent:main:telegram:default:direct:555');
  });

  it('gives groups and forum topics their own keys', () => {
    assert.equal(sessionKeyFor({ agentId: 'main', dmScope: 'main' }, target({ chatId: '-100123', kind: 'group' })), 'agent:main:telegram:group:-100123');
    assert.equal(sessionKeyFor({ agentId: 'main', dmScope: 'main' }, target({ chatId: '-100123', kind: 'group', threadId: '42' })), 'agent:main:telegram:group:-100123:topic:42');
  });
});

import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DmPairingStore, PAIRING_CODE_ALPHABET, PAIRING_TTL_MS } from '../../src/channels/index.js';
import { createChannelDb, type ChannelDb } from '../helpers/channel-db.js';

describe('DmPairingStore', () => {
  let db: ChannelDb;
  let now: number;
  let store: DmPairingStore;
  beforeEach(() => {
    db = createChannelDb();
    now = 1_700_000_000_000;
    store = new DmPairingStore(db.db, { now: () => now });
  });
  afterEach(() => db.cleanup());

  const ask = (senderId: string) => store.challenge({ channel: 'telegram', accountId: 'default', senderId });

  it('creates an 8-character code without 0 O 1 I, once per sender per hour', () => {
    const first = ask('555');
    assert.equal(first.kind, 'created');
    const code = first.kind === 'created' ? first.code : '';
    assert.match(code, /^[A-HJ-NP-Z2-9]{8}$/);
    assert.equal(PAIRING_CODE_ALPHABET.length, 32);
    assert.deepEqual(ask('555'), { kind: 'pending' });
    now += PAIRING_TTL_MS;
    assert.equal(ask('555').kind, 'created');
  });

  it('allows at most 3 pending requests per account and ignores the rest', () => {
    assert.equal(ask('1').kind, 'created');
    assert.equal(ask('2').kind, 'created');
    assert.equal(ask('3').kind, 'created');
    assert.deepEqual(ask('4'), { kind: 'limit' });
    assert.equal(store.list().length, 3);
  });

  it('approves by code (any case), then the sender is allowed and the request gone', () => {
    const created = ask('555');
    const code = created.kind === 'created' ? created.code : '';
    assert.equal(store.isAllowed('telegram', 'default', '555'), false);
    const approved = store.approveByCode('telegram', code.toLowerCase());
    assert.equal(approved?.senderId, '555');
    assert.equal(store.isAllowed('telegram', 'default', '555'), true);
    assert.equal(store.list().length, 0);
    assert.equal(store.approveByCode('telegram', code), undefined);
  });

  it('never approves an expired code', () => {
    const created = ask('555');
    now += PAIRING_TTL_MS + 1;
    assert.equal(store.approveByCode('telegram', created.kind === 'created' ? created.code : ''), undefined);
  });

  it('uses opaque request ids that are not the code, and dismisses by id', () => {
    const created = ask('555');
    const [request] = store.list();
    assert.ok(request !== undefined);
    assert.notEqual(request.requestId, created.kind === 'created' ? created.code : '');
    assert.equal(store.dismiss(request.requestId), true);
    assert.equal(store.isAllowed('telegram', 'default', '555'), false);
    assert.equal(store.list().length, 0);
  });

  it('bootstraps the command owner only once', () => {
    assert.equal(store.bootstrapCommandOwner('telegram:555'), true);
    assert.equal(store.bootstrapCommandOwner('telegram:666'), false);
    assert.deepEqual(store.commandOwners(), ['telegram:555']);
  });
});

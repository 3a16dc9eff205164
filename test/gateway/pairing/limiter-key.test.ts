/** Canonical rate-limit keys and the budgets beside the per-client buckets (issue 12, hole 2). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalOrigin, canonicalSource } from '../../../src/gateway/pairing/limiter-key.js';
import { GlobalFailureBudget, SerialDelay } from '../../../src/gateway/pairing/auth-budget.js';
import { Admission } from '../../../src/gateway/http/admission.js';

describe('canonicalOrigin', () => {
  it('maps every spelling of one origin to one key', () => {
    const spellings = ['http://127.0.0.1:18789', 'HTTP://127.0.0.1:18789/', 'http://127.0.0.1:018789', 'http://2130706433:18789', 'http://0x7f000001:18789', 'http://0177.0.0.1:18789'];
    assert.deepEqual(new Set(spellings.map(canonicalOrigin)), new Set(['http://127.0.0.1:18789']));
    assert.equal(canonicalOrigin('https://UI.example.com:443/x'), 'https://ui.example.com');
  });

  it('gives fixed keys to a missing, null or unparseable Origin', () => {
    assert.equal(canonicalOrigin(undefined), 'none');
    assert.equal(canonicalOrigin('null'), 'null');
    assert.equal(canonicalOrigin('not a url'), 'invalid');
  });
});

describe('canonicalSource', () => {
  it('treats all of loopback as one source and IPv6 by /64', () => {
    for (const address of ['127.0.0.1', '127.9.8.7', '::1', '::ffff:127.0.0.2']) assert.equal(canonicalSource(address), 'loopback');
    assert.equal(canonicalSource('10.1.2.3'), '10.1.2.3');
    assert.equal(canonicalSource('2001:db8:0:1::5'), canonicalSource('2001:0db8:0000:0001:abcd::9'));
    assert.notEqual(canonicalSource('2001:db8:0:1::5'), canonicalSource('2001:db8:0:2::5'));
  });
});

describe('GlobalFailureBudget', () => {
  it('refuses everyone once spent, except recently successful non-loopback sources, until the window frees', () => {
    const budget = new GlobalFailureBudget({ maxFailures: 3, windowMs: 1000 });
    budget.recordSuccess('10.0.0.5', 0);
    budget.recordSuccess('loopback', 0);
    for (let index = 0; index < 3; index++) budget.recordFailure(100);
    assert.equal(budget.retryAfterMs('10.0.0.9', 200), 900);
    assert.equal(budget.retryAfterMs('loopback', 200), 900, 'loopback is never excused');
    assert.equal(budget.retryAfterMs('10.0.0.5', 200), 0, 'a known source keeps working');
    assert.equal(budget.retryAfterMs('10.0.0.9', 1100), 0);
  });
});

describe('SerialDelay', () => {
  it('hands out one slot at a time, doubling, and refuses slots past maxWaitMs', () => {
    const delay = new SerialDelay({ initialMs: 250, maxMs: 5000, maxWaitMs: 10_000 });
    const waits = Array.from({ length: 8 }, () => delay.reserve('local', 0));
    assert.deepEqual(waits, [250, 750, 1750, 3750, 7750, undefined, undefined, undefined]);
    delay.clear('local');
    assert.equal(delay.reserve('local', 0), 250);
  });
});

describe('Admission', () => {
  it('caps handshakes per source and in all, and keeps room for the owner', () => {
    const admission = new Admission({ maxPendingHandshakes: 3, maxPendingPerSource: 2, maxConnections: 4, ownerReservedConnections: 1, maxConnectionsPerPrincipal: 2 });
    assert.equal(admission.admitHandshake('a'), undefined);
    assert.equal(admission.admitHandshake('a'), undefined);
    assert.equal(admission.admitHandshake('a'), 'source-handshakes-full');
    assert.equal(admission.admitHandshake('b'), undefined);
    assert.equal(admission.admitHandshake('c'), 'handshakes-full');
    assert.equal(admission.admitConnection('device:x', false), undefined);
    assert.equal(admission.admitConnection('device:x', false), undefined);
    assert.equal(admission.admitConnection('device:x', false), 'principal-full');
    assert.equal(admission.admitConnection('device:y', false), undefined);
    assert.equal(admission.admitConnection('device:z', false), 'connections-full', 'the last slot is the owner reserve');
    assert.equal(admission.admitConnection('token:loopback', true), undefined);
    admission.releaseConnection('device:x', false);
    assert.equal(admission.admitConnection('device:z', false), undefined);
  });
});

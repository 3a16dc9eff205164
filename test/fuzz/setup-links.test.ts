/**
 * Property: setup codes and links (`oc-pair://…`) are parsed without ever throwing. A valid payload
 * round-trips; any other input — random text, mutated real codes, payloads with wrong types, expired
 * or with a non-normalized url — reads as "not a setup code" (undefined), never half a payload.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeSetupCode, encodeSetupCode, normalizeSetupUrl, setupLink, type SetupPayload } from '../../src/protocol/setup-code.js';
import { fuzzRuns, fuzzSeed } from '../helpers/fuzz.js';

const NOW = 1_800_000_000_000;
const host = fc.oneof(fc.domain(), fc.ipV4(), fc.constantFrom('localhost', '127.0.0.1', '[::1]'));
const validPayload: fc.Arbitrary<SetupPayload> = fc
  .record(
    {
      url: fc.tuple(fc.constantFrom('ws', 'wss'), host, fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined })).map(([scheme, h, port]) => normalizeSetupUrl(`${scheme}://${h}${port === undefined ? '' : `:${port}`}`) ?? 'ws://127.0.0.1:1'),
      bootstrapToken: fc.string({ minLength: 1, maxLength: 64 }),
      expiresAtMs: fc.option(fc.integer({ min: NOW + 1, max: NOW + 86_400_000 }), { nil: undefined }),
    },
    { requiredKeys: ['url', 'bootstrapToken'] },
  )
  .map((p) => Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined)) as unknown as SetupPayload);

describe('fuzz: setup links', () => {
  it('round-trips every valid payload, as a code and as an oc-pair:// link', () => {
    fc.assert(
      fc.property(validPayload, (payload) => {
        assert.deepEqual(decodeSetupCode(encodeSetupCode(payload), NOW), payload);
        assert.deepEqual(decodeSetupCode(`  ${setupLink(payload)}\n`, NOW), payload);
      }),
      { numRuns: fuzzRuns(300), seed: fuzzSeed(1211) },
    );
  });

  it('never throws on arbitrary or mutated input, and anything it accepts is a complete, normalized, unexpired payload', () => {
    const mutated = fc.tuple(validPayload, fc.nat(), fc.string({ maxLength: 3 })).map(([payload, at, insert]) => {
      const code = encodeSetupCode(payload);
      const i = at % (code.length + 1);
      return `${code.slice(0, i)}${insert}${code.slice(i + 1)}`;
    });
    const wrongTypes = fc.record({ url: fc.jsonValue(), bootstrapToken: fc.jsonValue(), expiresAtMs: fc.jsonValue(), tlsFingerprint: fc.jsonValue() }, { requiredKeys: [] }).map((o) => Buffer.from(JSON.stringify(o)).toString('base64url'));
    const input = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), mutated, wrongTypes, fc.string().map((s) => `oc-pair://${s}`), fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? '').toString('base64url')));
    fc.assert(
      fc.property(input, (text) => {
        const decoded = decodeSetupCode(text, NOW);
        if (decoded === undefined) return;
        assert.equal(typeof decoded.bootstrapToken, 'string');
        assert.notEqual(decoded.bootstrapToken, '');
        assert.equal(normalizeSetupUrl(decoded.url), decoded.url);
        if (decoded.expiresAtMs !== undefined) assert.ok(decoded.expiresAtMs > NOW);
      }),
      { numRuns: fuzzRuns(1000), seed: fuzzSeed(1212) },
    );
  });
});

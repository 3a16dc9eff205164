/** The frame decoder is total: any string becomes a request or a coded error, never a throw. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeClientFrame, GatewayError } from '../../src/protocol/index.js';

describe('decodeClientFrame', () => {
  it('accepts a well-formed request frame', () => {
    const result = decodeClientFrame('{"type":"req","id":"1","method":"health","params":{}}');
    assert.equal(result.ok, true);
    if (result.ok) assert.equal(result.frame.method, 'health');
  });

  it('rejects text that is not JSON with INVALID_FRAME', () => {
    const result = decodeClientFrame('{not json');
    assert.equal(result.ok, false);
    if (!result.ok) {
      assert.equal(result.error.code, 'INVALID_FRAME');
      assert.equal(result.error.toErrorShape().code, 'INVALID_REQUEST');
      assert.equal(result.error.message, 'invalid frame: not valid JSON');
    }
  });

  it('rejects a response or event frame from a client, keeping its id to answer', () => {
    const result = decodeClientFrame('{"type":"res","id":"abc","ok":true}');
    assert.equal(result.ok, false);
    if (!result.ok) {
      assert.equal(result.id, 'abc');
      assert.match(result.error.message, /clients send only "req" frames/);
    }
  });

  it('rejects unknown top-level keys (frames are closed objects)', () => {
    const result = decodeClientFrame('{"type":"req","id":"1","method":"health","extra":1}');
    assert.equal(result.ok, false);
    if (!result.ok) assert.match(result.error.message, /unexpected property 'extra'/);
  });

  it('rejects an empty id or method', () => {
    for (const text of ['{"type":"req","id":"","method":"health"}', '{"type":"req","id":"1","method":""}']) {
      const result = decodeClientFrame(text);
      assert.equal(result.ok, false, text);
    }
  });

  it('never throws and always returns a request or a GatewayError, for any string (fuzz)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.jsonValue().map((v) => JSON.stringify(v))), (text) => {
        const result = decodeClientFrame(text);
        if (result.ok) {
          assert.equal(result.frame.type, 'req');
          assert.equal(typeof result.frame.id, 'string');
        } else {
          assert.ok(result.error instanceof GatewayError);
          assert.equal(result.error.code, 'INVALID_FRAME');
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on mutated valid frames (fuzz around the real shape)', () => {
    const frameArbitrary = fc.record(
      {
        type: fc.oneof(fc.constant('req'), fc.string()),
        id: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
        method: fc.oneof(fc.constantFrom('health', 'connect', 'status'), fc.string()),
        params: fc.jsonValue(),
        traceparent: fc.string({ maxLength: 200 }),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(frameArbitrary, (frame) => {
        const result = decodeClientFrame(JSON.stringify(frame));
        const shouldBeValid =
          frame.type === 'req' &&
          typeof frame.id === 'string' && frame.id.length > 0 &&
          typeof frame.method === 'string' && frame.method.length > 0 &&
          (frame.traceparent === undefined || frame.traceparent.length <= 128);
        assert.equal(result.ok, shouldBeValid);
      }),
      { numRuns: 2000 },
    );
  });
});

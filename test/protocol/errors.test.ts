/** The error catalogue and docs/errors.md list exactly the same codes, and every entry is well-formed. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ERROR_AREAS, ERROR_CATALOGUE, GatewayError, type ErrorCode } from '../../src/protocol/index.js';

const WIRE_CODES = new Set(['INVALID_REQUEST', 'FORBIDDEN', 'UNAVAILABLE', 'NOT_PAIRED', 'NOT_LINKED', 'AGENT_TIMEOUT', 'APPROVAL_NOT_FOUND']);

function documentedCodes(): Map<string, string> {
  const text = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
  const rows = new Map<string, string>();
  for (const match of text.matchAll(/^\| `([A-Z0-9_]+)` \| `([A-Z_]+)` \|/gm)) rows.set(match[1]!, match[2]!);
  return rows;
}

describe('error catalogue', () => {
  it('documents exactly the catalogue codes in docs/errors.md, with the same wire codes', () => {
    const documented = documentedCodes();
    const catalogue = Object.keys(ERROR_CATALOGUE).sort();
    assert.deepEqual([...documented.keys()].sort(), catalogue);
    for (const [code, definition] of Object.entries(ERROR_CATALOGUE)) assert.equal(documented.get(code), definition.wire, code);
  });

  it('defines each code in exactly one area file', () => {
    const perArea = ERROR_AREAS.reduce((sum, area) => sum + Object.keys(area).length, 0);
    assert.equal(perArea, Object.keys(ERROR_CATALOGUE).length);
  });

  it('uses only OpenClaw wire codes and UPPER_SNAKE detail codes', () => {
    for (const [code, definition] of Object.entries(ERROR_CATALOGUE)) {
      assert.match(code, /^[A-Z][A-Z0-9_]*$/);
      assert.ok(WIRE_CODES.has(definition.wire), `${code} uses ${definition.wire}`);
      assert.ok(definition.message.length > 0);
    }
  });

  it('puts the catalogue code in details.code and fills the message template', () => {
    const error = new GatewayError('UNKNOWN_METHOD', { method: 'nope' });
    const shape = error.toErrorShape();
    assert.equal(shape.code, 'INVALID_REQUEST');
    assert.equal(shape.message, 'unknown method: nope');
    assert.deepEqual(shape.details, { method: 'nope', code: 'UNKNOWN_METHOD' });
    assert.equal(shape.retryable, false);
  });

  it('adds recommendedNextStep for auth failures, as OpenClaw clients expect', () => {
    const shape = new GatewayError('AUTH_TOKEN_MISMATCH' satisfies ErrorCode).toErrorShape();
    assert.equal((shape.details as Record<string, unknown>)['recommendedNextStep'], 'update_auth_credentials');
  });
});

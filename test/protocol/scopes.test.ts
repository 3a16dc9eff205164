/** Scope rules: admin satisfies all, write satisfies read, nothing else is implied. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { OPERATOR_SCOPES, scopeSatisfies } from '../../src/protocol/index.js';

describe('scopeSatisfies', () => {
  it('lets operator.admin satisfy every operator scope', () => {
    for (const scope of OPERATOR_SCOPES) assert.equal(scopeSatisfies(['operator.admin'], scope), true, scope);
  });
  it('lets operator.write satisfy operator.read and operator.talk, and nothing else', () => {
    for (const scope of OPERATOR_SCOPES) {
      const expected = scope === 'operator.write' || scope === 'operator.read' || scope === 'operator.talk';
      assert.equal(scopeSatisfies(['operator.write'], scope), expected, scope);
    }
  });
  it('grants nothing from an empty scope list (default-deny)', () => {
    for (const scope of OPERATOR_SCOPES) assert.equal(scopeSatisfies([], scope), false, scope);
  });
  it('does not let operator.read satisfy operator.write', () => {
    assert.equal(scopeSatisfies(['operator.read'], 'operator.write'), false);
  });
});

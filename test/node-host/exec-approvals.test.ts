/** The node's local system.run policy: deny by default, deny wins, unreadable file denies all. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, realpathSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allowExecutable, denyExecutable, isExecAllowed, loadExecApprovals, resolveExecutable } from '../../src/node-host/index.js';

function tempPolicyPath(): string {
  return join(mkdtempSync(join(tmpdir(), 'clawgate-approvals-')), 'node', 'exec-approvals.json');
}

describe('exec approvals', () => {
  const shPath = realpathSync(resolveExecutable('sh', process.env['PATH'], '/')!);

  it('denies everything when no policy file exists', () => {
    const loaded = loadExecApprovals(tempPolicyPath());
    assert.equal(loaded.ok, true);
    assert.equal(loaded.ok && isExecAllowed(loaded.approvals, shPath), false);
  });

  it('allows an executable added by name (stored as its real path, file mode 0600) and lets deny win', () => {
    const path = tempPolicyPath();
    assert.equal(allowExecutable(path, 'sh', process.env['PATH']), shPath);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    let loaded = loadExecApprovals(path);
    assert.equal(loaded.ok && isExecAllowed(loaded.approvals, shPath), true);
    denyExecutable(path, shPath, undefined);
    loaded = loadExecApprovals(path);
    assert.equal(loaded.ok && isExecAllowed(loaded.approvals, shPath), false);
    assert.deepEqual(loaded.ok && loaded.approvals.allow, []);
  });

  it('reports an unreadable policy instead of allowing anything', () => {
    const path = tempPolicyPath();
    allowExecutable(path, 'sh', process.env['PATH']);
    writeFileSync(path, '{ not json');
    const loaded = loadExecApprovals(path);
    assert.equal(loaded.ok, false);
    assert.throws(() => allowExecutable(path, 'sh', process.env['PATH']), /not valid JSON/);
  });

  it('refuses to allow something that is not an executable file', () => {
    assert.throws(() => allowExecutable(tempPolicyPath(), 'definitely-not-a-binary-xyz', process.env['PATH']), /not an executable file on PATH/);
  });
});

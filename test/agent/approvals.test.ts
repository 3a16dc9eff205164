/** ExecApprovals (agent/approvals.ts) on its own: allow-always stores its rule, or leaves the request pending. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ExecApprovals, type ApprovalResult, type ExecPlan, type ExecRuleSink } from '../../src/agent/approvals.js';
import { ExecRuleStore } from '../../src/agent/store/exec-rules.js';
import { AGENT_MIGRATIONS } from '../../src/agent/store/migrations.js';
import { GatewayError } from '../../src/protocol/index.js';
import { openDatabase } from '../../src/store/index.js';
import { RecordingSink } from '../helpers/agent-runtime.js';

const PLAN: ExecPlan = { argv: ['git', 'status'], cwd: '/srv/repo', commandText: 'git status', agentId: 'main', sessionKey: 'agent:main:main', nodeId: 'node-a' };
const CONTEXT = { runId: 'run-1', toolCallId: 'call-1', security: 'allowlist', ask: 'on-miss', systemRunPlan: {} };

function setup(rules?: ExecRuleSink): { approvals: ExecApprovals; sink: RecordingSink; store: ExecRuleStore } {
  let n = 0;
  const store = new ExecRuleStore(openDatabase(':memory:', AGENT_MIGRATIONS), () => `rule-${++n}`);
  const sink = new RecordingSink();
  sink.isApprovalClientConnected = true;
  const approvals = new ExecApprovals({ events: sink, rules: rules ?? store, now: () => 1000, createId: () => `ap-${++n}` });
  return { approvals, sink, store };
}

describe('ExecApprovals.resolve', () => {
  it('allow-always stores a rule for exactly the plan, settles allow-always with the rule id and announces it', async () => {
    const { approvals, sink, store } = setup();
    const pending = approvals.request(PLAN, CONTEXT, new AbortController().signal);
    const [record] = approvals.list();
    assert.deepEqual(record!.request['allowedDecisions'], ['allow-once', 'allow-always', 'deny']);
    const { ruleId } = approvals.resolve(record!.id, 'allow-always', 'device-1');
    const result: ApprovalResult = await pending;
    assert.deepEqual(result, { outcome: 'allow-always', id: record!.id, ruleId });
    const rule = store.get(ruleId!)!;
    assert.deepEqual([rule.argv, rule.cwd, rule.nodeId, rule.agentId, rule.approvalId, rule.resolvedBy, rule.createdAtMs], [['git', 'status'], '/srv/repo', 'node-a', 'main', record!.id, 'device-1', 1000]);
    const resolved = sink.events.find((e) => e.event === 'exec.approval.resolved')!.payload;
    assert.deepEqual([resolved['decision'], resolved['resolvedBy'], resolved['ruleId']], ['allow-always', 'device-1', ruleId]);
    assert.throws(() => approvals.resolve(record!.id, 'allow-always', 'device-1'), (e: unknown) => e instanceof GatewayError && e.code === 'EXEC_APPROVAL_NOT_FOUND');
    assert.equal(approvals.coveringRule({ agentId: 'main', nodeId: 'node-a', argv: ['git', 'status'], cwd: '/srv/repo' })?.id, ruleId);
    assert.equal(approvals.coveringRule({ agentId: 'main', nodeId: 'node-a', argv: ['git', 'push', '--force'], cwd: '/srv/repo' }), undefined);
  });

  it('bounds the rule with expiresInDays (grantExpiresInDays)', async () => {
    const { approvals, store } = setup();
    const pending = approvals.request(PLAN, CONTEXT, new AbortController().signal);
    const { ruleId } = approvals.resolve(approvals.list()[0]!.id, 'allow-always', 'device-1', { expiresInDays: 2 });
    await pending;
    assert.equal(store.get(ruleId!)?.expiresAtMs, 1000 + 2 * 86_400_000);
  });

  it('allow-once and deny store no rule', async () => {
    const { approvals, store } = setup();
    for (const decision of ['allow-once', 'deny'] as const) {
      const pending = approvals.request(PLAN, CONTEXT, new AbortController().signal);
      assert.deepEqual(approvals.resolve(approvals.list()[0]!.id, decision, 'device-1'), {});
      assert.equal((await pending).outcome, decision);
    }
    assert.deepEqual(store.list(), []);
  });

  it('refuses allow-always with EXEC_APPROVAL_DECISION_UNSUPPORTED when the policy asks always; the request stays pending', async () => {
    const { approvals, store } = setup();
    const pending = approvals.request(PLAN, { ...CONTEXT, ask: 'always' }, new AbortController().signal);
    const [record] = approvals.list();
    assert.deepEqual(record!.request['allowedDecisions'], ['allow-once', 'deny']);
    assert.throws(
      () => approvals.resolve(record!.id, 'allow-always', 'device-1'),
      (e: unknown) => e instanceof GatewayError && e.code === 'EXEC_APPROVAL_DECISION_UNSUPPORTED' && e.message === `exec approval ${record!.id}: decision allow-always is not offered (allowed: allow-once, deny); the request is still pending`,
    );
    assert.equal(approvals.list().length, 1);
    approvals.resolve(record!.id, 'deny', 'device-1');
    assert.equal((await pending).outcome, 'deny');
    assert.deepEqual(store.list(), []);
  });

  it('leaves the request pending, and runs nothing, when the rule cannot be stored', async () => {
    const failing: ExecRuleSink = {
      add: () => {
        throw new Error('disk I/O error');
      },
      find: () => undefined,
      markUsed: () => undefined,
    };
    const { approvals, sink } = setup(failing);
    let settled = false;
    const pending = approvals.request(PLAN, CONTEXT, new AbortController().signal).then((r) => ((settled = true), r));
    const id = approvals.list()[0]!.id;
    assert.throws(() => approvals.resolve(id, 'allow-always', 'device-1'), /disk I\/O error/);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(settled, false);
    assert.equal(sink.events.filter((e) => e.event === 'exec.approval.resolved').length, 0);
    approvals.resolve(id, 'deny', 'device-1');
    assert.equal((await pending).outcome, 'deny');
  });
});

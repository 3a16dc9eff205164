/** `clawgate logs` and `gateway call logs.tail` over a real gateway's log; formatting and color rules. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { formatLogLine, isAtLeast } from '../../src/cli/log-format.js';
import { createPaint, shouldColor } from '../../src/cli/style.js';
import { CLAWGATE_BIN, runCliInProcess } from '../helpers/cli.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const plain = createPaint({ write: () => true }, {});

describe('log formatting', () => {
  it('prints time, level, message and the other fields as key=value', () => {
    const line = JSON.stringify({ level: 40, time: Date.UTC(2026, 0, 1, 12, 3, 4, 5), pid: 1, msg: 'slow consumer', conn: 3, reason: 'buffer full' });
    assert.match(formatLogLine(line, plain), /^\d\d:\d\d:\d\d\.005 WARN {2}slow consumer conn=3 reason="buffer full"$/);
    assert.equal(formatLogLine('not json', plain), 'not json');
  });

  it('filters by level, letting level-less lines through', () => {
    assert.equal(isAtLeast('{"level":30}', 40), false);
    assert.equal(isAtLeast('{"level":50}', 40), true);
    assert.equal(isAtLeast('plain text', 40), true);
  });

  it('colors only a TTY, and never with NO_COLOR', () => {
    const tty = { write: () => true, isTTY: true };
    assert.equal(shouldColor(tty, {}), true);
    assert.equal(shouldColor(tty, { NO_COLOR: '1' }), false);
    assert.equal(shouldColor({ write: () => true }, {}), false);
    assert.equal(shouldColor(tty, { TERM: 'dumb' }), false);
    assert.match(createPaint(tty, {})('red', 'x'), /\u001b\[31mx\u001b\[0m/);
  });
});

describe('clawgate logs', () => {
  let gateway: TestGateway;
  let target: string[];
  before(async () => {
    gateway = await startTestGateway();
    target = ['--url', gateway.url, '--token', gateway.token!];
  });
  after(async () => {
    await gateway.stop();
  });

  it('prints readable lines by default and raw JSON with --json', async () => {
    const text = await runCliInProcess(['logs', ...target], {});
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^\d\d:\d\d:\d\d\.\d{3} INFO {2}/m);
    assert.ok(!text.stdout.includes('\u001b['), 'no colors when stdout is not a terminal');
    const json = await runCliInProcess(['logs', '--json', ...target], {});
    const first = json.stdout.split('\n')[0] ?? '';
    assert.equal(typeof JSON.parse(first).level, 'number');
  });

  it('--level warn drops info lines; a level typo gets a did-you-mean (exit 2)', async () => {
    const warn = await runCliInProcess(['logs', '--json', '--level', 'warn', ...target], {});
    assert.equal(warn.code, 0, warn.stderr);
    assert.ok(warn.stdout.split('\n').filter(Boolean).every((line) => JSON.parse(line).level >= 40));
    const typo = await runCliInProcess(['logs', '--level', 'wrn', ...target], {});
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /did you mean warn\?/);
  });

  it('`gateway call logs.tail` prints log lines, not escaped JSON', async () => {
    const result = await runCliInProcess(['gateway', 'call', 'logs.tail', ...target], {});
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^Gateway call: logs\.tail \(.*gateway\.log, cursor \d+\)\n\d\d:/);
    assert.ok(!result.stdout.includes('\\"'), 'no escaped quotes');
  });

  it('--follow prints lines written after it started, until killed', async () => {
    const child = spawn(process.execPath, [CLAWGATE_BIN, 'logs', '--follow', '--interval', '100', '--limit', '1', ...target], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    try {
      const deadline = Date.now() + 10_000;
      // The first page (--limit 1) is printed once the command runs; only lines after it are "followed".
      while (stdout === '') {
        if (Date.now() > deadline) throw new Error('logs --follow printed nothing');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      gateway.logger.warn({ marker: 'follow-probe' }, 'written while following');
      while (!stdout.includes('follow-probe')) {
        if (Date.now() > deadline) throw new Error(`no followed line; got ${stdout}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.match(stdout, /WARN {2}written while following marker=follow-probe/);
    } finally {
      child.kill('SIGINT');
    }
  });
});

describe('terminal width and spinners', () => {
  it('cuts table lines to the terminal width on a TTY only', async () => {
    const { fitToWidth, terminalColumns } = await import('../../src/cli/style.js');
    assert.deepEqual(fitToWidth(['x'.repeat(30), 'short'], 25), [`${'x'.repeat(24)}…`, 'short']);
    assert.deepEqual(fitToWidth(['x'.repeat(30)], undefined), ['x'.repeat(30)]);
    assert.equal(terminalColumns({ write: () => true }, {}), undefined, 'a pipe has no width');
    assert.equal(terminalColumns({ write: () => true, isTTY: true, columns: 100 } as never, {}), 100);
    assert.equal(terminalColumns({ write: () => true }, { COLUMNS: '60' }), 60);
  });

  it('draws a spinner only on a TTY and clears it when the work settles', async () => {
    const { withSpinner } = await import('../../src/cli/style.js');
    let piped = '';
    assert.equal(await withSpinner({ stderr: { write: (t: string) => (piped += t) }, env: {} }, 'waiting', async () => 7), 7);
    assert.equal(piped, '', 'nothing on a pipe');
    let tty = '';
    const stderr = { write: (t: string) => (tty += t), isTTY: true };
    await withSpinner({ stderr, env: { NO_COLOR: '1' } }, 'waiting', async () => undefined);
    assert.match(tty, /^\r\u001b\[2K⠋ waiting/);
    assert.ok(tty.endsWith('\r\u001b[2K'), 'the line is cleared at the end');
    assert.ok(!tty.includes('\u001b[36m'), 'NO_COLOR: no color codes, only line control');
  });
});

/** CLAWGATE_STARTUP_TIMING: off by default (no mark function at all), one line per phase when on. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createStartupTiming } from '../../src/daemon/startup-timing.js';

describe('createStartupTiming', () => {
  it('returns no mark function unless CLAWGATE_STARTUP_TIMING=1', () => {
    assert.equal(createStartupTiming({}), undefined);
    assert.equal(createStartupTiming({ CLAWGATE_STARTUP_TIMING: '0' }), undefined);
  });

  it('writes a start line, then one line per phase with its duration and the time since process start', () => {
    const lines: string[] = [];
    const mark = createStartupTiming({ CLAWGATE_STARTUP_TIMING: '1' }, (line) => lines.push(line));
    assert.ok(mark !== undefined);
    mark('config loaded');
    mark('store opened');
    assert.equal(lines.length, 3);
    assert.match(lines[0]!, /^startup-timing: [\d.]+ ms since process start: gateway start begins\n$/);
    assert.match(lines[1]!, /^startup-timing: config loaded [\d.]+ ms \(at [\d.]+ ms\)\n$/);
    assert.match(lines[2]!, /^startup-timing: store opened [\d.]+ ms \(at [\d.]+ ms\)\n$/);
  });
});

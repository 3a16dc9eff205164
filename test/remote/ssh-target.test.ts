/** Parsing `user@host[:port]` safely. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatSshTarget, parseSshTarget } from '../../src/remote/index.js';
import { GatewayError } from '../../src/protocol/index.js';

describe('parseSshTarget', () => {
  it('parses user@host with the default port 22', () => {
    assert.deepEqual(parseSshTarget('me@gateway-host'), { user: 'me', host: 'gateway-host', port: 22 });
  });
  it('parses user@host:port, a bare host, a leading "ssh " and a bracketed IPv6 host', () => {
    assert.deepEqual(parseSshTarget('me@10.0.0.1:2222'), { user: 'me', host: '10.0.0.1', port: 2222 });
    assert.deepEqual(parseSshTarget('box'), { user: undefined, host: 'box', port: 22 });
    assert.deepEqual(parseSshTarget('ssh me@box'), { user: 'me', host: 'box', port: 22 });
    assert.deepEqual(parseSshTarget('me@[fd00::1]:2200'), { user: 'me', host: 'fd00::1', port: 2200 });
  });
  it('round-trips through formatSshTarget', () => {
    assert.equal(formatSshTarget(parseSshTarget('me@box:2222')), 'me@box:2222');
    assert.equal(formatSshTarget(parseSshTarget('me@box')), 'me@box');
  });
  const bad: [string, RegExp][] = [
    ['', /empty/],
    ['me@-oProxyCommand=evil', /must not start with "-"/],
    ['-oProxyCommand=evil', /must not start with "-"/],
    ['me@box:0', /port must be 1-65535/],
    ['me@box:70000', /port must be 1-65535/],
    ['me@box:ssh', /is not a port number/],
    ['me@', /empty host/],
    ['@box', /empty user/],
    ['me@box extra', /spaces/],
  ];
  for (const [input, reason] of bad) {
    it(`refuses ${JSON.stringify(input)} with SSH_TARGET_INVALID`, () => {
      assert.throws(() => parseSshTarget(input), (error: unknown) => error instanceof GatewayError && error.code === 'SSH_TARGET_INVALID' && reason.test(error.message));
    });
  }
});

/** ssh stderr → plain words. The lines are OpenSSH 9.2p1's own (captured in /work/notes/netns-ssh.md and the e2e test). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { classifySshStderr, describeSshExit } from '../../src/remote/index.js';

describe('classifySshStderr', () => {
  const cases: [string, string, RegExp][] = [
    ['No ED25519 host key is known for [10.99.0.1]:22 and you have requested strict checking.\r\nHost key verification failed.\r\n', 'host_key_unknown', /host key unknown/],
    ['@@@@@@@@@@@\n@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\nHost key verification failed.\n', 'host_key_changed', /host key changed/],
    ['root@10.99.0.1: Permission denied (publickey).\r\n', 'auth_failed', /authentication failed/],
    ['channel 2: open failed: administratively prohibited: open failed\r\n', 'forward_refused', /port forward refused/],
    ['channel 3: open failed: connect failed: Connection refused\r\n', 'remote_port_closed', /nothing listens on the gateway port/],
    ['bind [127.0.0.1]:18789: Address already in use\r\nchannel_setup_fwd_listener_tcpip: cannot listen to port: 18789\r\nCould not request local forwarding.\r\n', 'local_port_busy', /local tunnel port is already in use/],
    ['ssh: connect to host 10.99.0.1 port 22: Connection refused\r\n', 'connection_refused', /refused the connection/],
    ['ssh: connect to host 10.99.0.9 port 22: Connection timed out\r\n', 'timeout', /did not answer/],
    ['Warning: Identity file /tmp/x/does-not-exist not accessible: No such file or directory.\nroot@10.77.0.1: Permission denied (publickey).\r\n', 'auth_failed', /authentication failed/],
    ['Connection to 10.77.0.1 closed by remote host.\r\n', 'closed_by_remote', /closed the connection/],
    ['Timeout, server 10.77.0.1 not responding.\r\n', 'connection_lost', /connection was lost/],
    ['Connection timed out during banner exchange\r\nConnection to 10.77.0.1 port 22 timed out\r\n', 'timeout', /did not answer/],
    ['ssh: Could not resolve hostname nowhere.invalid: Name or service not known\r\n', 'dns', /does not resolve/],
  ];
  for (const [stderr, kind, message] of cases) {
    it(`reads ${kind}`, () => {
      const error = classifySshStderr(stderr);
      assert.equal(error?.kind, kind);
      assert.match(error?.message ?? '', message);
      assert.ok((error?.fix ?? '').length > 10, 'every reason comes with a fix');
    });
  }
  it('returns undefined for harmless output', () => {
    assert.equal(classifySshStderr("Warning: Permanently added '10.99.0.1' (ED25519) to the list of known hosts.\r\n"), undefined);
  });
});

describe('describeSshExit', () => {
  it('uses the classified reason when there is one', () => {
    assert.equal(describeSshExit('root@h: Permission denied (publickey).\n', 255, null).kind, 'auth_failed');
  });
  it('names a silent exit in plain words', () => {
    const error = describeSshExit('', 0, null);
    assert.equal(error.kind, 'exited');
    assert.match(error.message, /ssh stopped \(status 0\) without an error message: it was killed, or the server closed the connection/);
  });
  it('quotes the last line of unrecognised output', () => {
    assert.match(describeSshExit('something odd\nbanner line contains invalid characters\n', 255, null).message, /ssh exited \(status 255\): banner line contains invalid characters/);
  });
});

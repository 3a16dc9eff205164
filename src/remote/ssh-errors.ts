/**
 * @module remote/ssh-errors — turn ssh's stderr into one plain-words reason and a fix.
 *
 * Matches the messages of OpenSSH 9.x (Debian 12) seen in the end-to-end test. Rules are in priority
 * order: "host key changed" is followed by "Host key verification failed", and must win over it.
 */

export type SshErrorKind =
  | 'host_key_unknown'
  | 'host_key_changed'
  | 'auth_failed'
  | 'forward_refused'
  | 'remote_port_closed'
  | 'local_port_busy'
  | 'connection_refused'
  | 'timeout'
  | 'dns'
  | 'closed_by_remote'
  | 'connection_lost'
  | 'ssh_missing'
  | 'exited';

export interface SshError {
  kind: SshErrorKind;
  /** Plain words for `status --deep`. */
  message: string;
  fix: string;
  /** The ssh line it came from (no secrets: ssh never prints keys or passwords). */
  line?: string;
}

const RULES: readonly { pattern: RegExp; kind: SshErrorKind; message: string; fix: string }[] = [
  {
    pattern: /REMOTE HOST IDENTIFICATION HAS CHANGED|Host key for .* has changed/i,
    kind: 'host_key_changed',
    message: 'host key changed: the server presents a different key than known_hosts says',
    fix: 'if the host was reinstalled, remove the old key (ssh-keygen -R <host>); otherwise someone may be intercepting',
  },
  {
    pattern: /Host key verification failed|No \S+ host key is known for|host key is not known/i,
    kind: 'host_key_unknown',
    message: 'host key unknown: the server is not in known_hosts (strict host key policy)',
    fix: 'connect once with `ssh <target>` and confirm the key, or set gateway.remote.ssh.knownHostsFile',
  },
  {
    pattern: /Permission denied \(|Too many authentication failures|no such identity|Identity file .* not accessible|Load key .*: (?:No such file|invalid format)/i,
    kind: 'auth_failed',
    message: 'authentication failed: the server refused the key',
    fix: 'check gateway.remote.ssh.identity and that its public key is in ~/.ssh/authorized_keys on the gateway host',
  },
  {
    pattern: /administratively prohibited|port forwarding is disabled|forwarding.*(?:refused|denied)/i,
    kind: 'forward_refused',
    message: 'port forward refused by the server (AllowTcpForwarding is off for this user)',
    fix: 'allow TCP forwarding for this user in the gateway host\'s sshd_config (AllowTcpForwarding local)',
  },
  {
    pattern: /open failed: connect failed: Connection refused/i,
    kind: 'remote_port_closed',
    message: 'tunnel up, but nothing listens on the gateway port on the remote host (gateway down?)',
    fix: 'start the gateway on the remote host (`clawgate gateway run`) or check gateway.remote.ssh.remotePort',
  },
  {
    pattern: /bind \[?[\d.:a-f]*\]?:\d+: Address already in use|cannot listen to port|Could not request local forwarding/i,
    kind: 'local_port_busy',
    message: 'the local tunnel port is already in use',
    fix: 'stop whatever holds the port, or set gateway.remote.ssh.localPort to a free one',
  },
  {
    pattern: /connect to host .* port \d+: Connection refused/i,
    kind: 'connection_refused',
    message: 'the ssh server refused the connection (sshd not running on that port?)',
    fix: 'check the host and ssh port in gateway.remote.ssh.target, and that sshd runs there',
  },
  {
    pattern: /Connection to .* closed by remote host/i,
    kind: 'closed_by_remote',
    message: 'the ssh server closed the connection (sshd restarted, or the session was killed)',
    fix: 'usually transient: the supervisor reconnects; if it repeats, check the gateway host\'s sshd log',
  },
  {
    pattern: /Timeout, server .* not responding|Connection reset by|Broken pipe/i,
    kind: 'connection_lost',
    message: 'the ssh connection was lost (the server stopped answering keepalives, or the path dropped)',
    fix: 'usually a network change or a sleeping host: the supervisor reconnects with backoff',
  },
  {
    pattern: /timed out|Connection timed out|No route to host|Network is unreachable/i,
    kind: 'timeout',
    message: 'the ssh server did not answer (host down or firewalled)',
    fix: 'check the host is up and reachable on its ssh port',
  },
  {
    pattern: /Could not resolve hostname|Name or service not known/i,
    kind: 'dns',
    message: 'the ssh host name does not resolve',
    fix: 'check the host in gateway.remote.ssh.target',
  },
];

/** The most relevant error in ssh's stderr, or undefined when nothing recognisable was printed. */
export function classifySshStderr(stderr: string): SshError | undefined {
  const lines = stderr.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '');
  for (const rule of RULES) {
    const line = lines.findLast((candidate) => rule.pattern.test(candidate));
    if (line !== undefined) return { kind: rule.kind, message: rule.message, fix: rule.fix, line };
  }
  return undefined;
}

/** The reason for an ssh exit: classified stderr, else the exit status with the last stderr line. */
export function describeSshExit(stderr: string, code: number | null, signal: string | null): SshError {
  const classified = classifySshStderr(stderr);
  if (classified !== undefined && classified.kind !== 'remote_port_closed') return classified;
  const last = stderr.trim().split(/\r?\n/).at(-1)?.trim();
  const status = signal !== null ? `signal ${signal}` : `status ${code ?? '?'}`;
  const error: SshError = {
    kind: 'exited',
    message: last ? `ssh exited (${status}): ${last}` : `ssh stopped (${status}) without an error message: it was killed, or the server closed the connection`,
    fix: 'run the same ssh command by hand to see the full error (clawgate tunnel status --json shows it)',
  };
  if (last) error.line = last;
  return error;
}

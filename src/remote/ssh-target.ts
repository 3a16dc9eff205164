/**
 * @module remote/ssh-target — parse `user@host[:port]` the way OpenClaw's `parseSshTarget` does.
 *
 * Guards against argument injection: a host starting with `-` would be read by ssh as an option, so
 * it is refused (and the target is always passed after `--` anyway).
 */
import { GatewayError } from '../protocol/index.js';

export interface SshTarget {
  user: string | undefined;
  host: string;
  /** sshd port, default 22. */
  port: number;
}

/** Parses a target; throws SSH_TARGET_INVALID with the reason. */
export function parseSshTarget(raw: string): SshTarget {
  const fail = (reason: string): never => {
    throw new GatewayError('SSH_TARGET_INVALID', { target: raw, reason });
  };
  const text = raw.trim().replace(/^ssh\s+/, '');
  if (text === '') fail('empty');
  if (/[\s\u0000-\u001f]/.test(text)) fail('spaces and control characters are not allowed');
  const at = text.lastIndexOf('@');
  const user = at === -1 ? undefined : text.slice(0, at);
  if (user === '') fail('empty user before "@"');
  let hostPart = at === -1 ? text : text.slice(at + 1);
  let port = 22;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(hostPart);
  if (bracketed?.[1] !== undefined) {
    hostPart = bracketed[1];
    if (bracketed[2] !== undefined) port = Number(bracketed[2]);
  } else if ((hostPart.match(/:/g) ?? []).length === 1) {
    const [host = '', portText = ''] = hostPart.split(':');
    if (!/^\d+$/.test(portText)) fail(`"${portText}" is not a port number`);
    hostPart = host;
    port = Number(portText);
  }
  if (hostPart === '') fail('empty host');
  if (hostPart.startsWith('-') || user?.startsWith('-') === true) fail('must not start with "-"');
  if (!Number.isInteger(port) || port < 1 || port > 65535) fail('port must be 1-65535');
  return { user, host: hostPart, port };
}

/** `user@host:port` (port only when not 22), as shown to people. */
export function formatSshTarget(target: SshTarget): string {
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  return `${target.user === undefined ? '' : `${target.user}@`}${host}${target.port === 22 ? '' : `:${target.port}`}`;
}

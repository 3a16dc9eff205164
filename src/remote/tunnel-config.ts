/** @module remote/tunnel-config — the tunnel spec from `gateway.remote.ssh` and CLI flags. */
import { DEFAULT_GATEWAY_PORT, type ClawgateConfig, type SshHostKeyPolicy } from '../config/index.js';
import { GatewayError } from '../protocol/index.js';
import { parseSshTarget } from './ssh-target.js';
import type { SshTunnelSpec } from './ssh-tunnel.js';

export interface TunnelFlags {
  ssh?: string | undefined;
  sshIdentity?: string | undefined;
}

/** The spec for the configured tunnel (flags win), or undefined when no ssh target is known. */
export function resolveTunnelSpec(config: ClawgateConfig, flags: TunnelFlags = {}): SshTunnelSpec | undefined {
  const ssh = config.gateway?.remote?.ssh;
  const rawTarget = flags.ssh ?? ssh?.target;
  if (rawTarget === undefined) return undefined;
  // A target given on the command line does not inherit the configured host's key files.
  const isConfigured = flags.ssh === undefined || flags.ssh === ssh?.target;
  const spec: SshTunnelSpec = {
    target: parseSshTarget(rawTarget),
    remotePort: (isConfigured ? ssh?.remotePort : undefined) ?? DEFAULT_GATEWAY_PORT,
    localPort: (isConfigured ? ssh?.localPort : undefined) ?? DEFAULT_GATEWAY_PORT,
    hostKeyPolicy: ((isConfigured ? ssh?.hostKeyPolicy : undefined) ?? 'strict') as SshHostKeyPolicy,
  };
  const identity = flags.sshIdentity ?? (isConfigured ? ssh?.identity : undefined);
  if (identity !== undefined) spec.identity = identity;
  const knownHostsFile = isConfigured ? ssh?.knownHostsFile : undefined;
  if (knownHostsFile !== undefined) spec.knownHostsFile = knownHostsFile;
  return spec;
}

/** Like resolveTunnelSpec, but a missing target is an error (TUNNEL_NOT_CONFIGURED). */
export function requireTunnelSpec(config: ClawgateConfig, flags: TunnelFlags = {}): SshTunnelSpec {
  const spec = resolveTunnelSpec(config, flags);
  if (spec === undefined) throw new GatewayError('TUNNEL_NOT_CONFIGURED');
  return spec;
}

/**
 * @module gateway/methods/devices — device pairing and device tokens: device.pair.list|approve|reject|
 * remove|setupCode and device.token.rotate|revoke. The work is in gateway/device-admin.ts; each
 * handler maps params to it and shapes the result. `device.pair.setupCode` is admin-only, as in OpenClaw.
 */
import { networkInterfaces } from 'node:os';
import {
  devicePairApprove,
  devicePairList,
  devicePairReject,
  devicePairRemove,
  devicePairRename,
  devicePairSetupCode,
  deviceTokenRevoke,
  deviceTokenRotate,
  encodeSetupCode,
  GatewayError,
  normalizeSetupUrl,
  setupLink,
  type SetupPayload,
} from '../../protocol/index.js';
import { DEFAULT_BOOTSTRAP_TTL_MS } from '../../store/index.js';
import { implement } from '../method-registry.js';
import type { RuntimeInfo } from '../services.js';

export const deviceMethods = [
  implement(devicePairList, (_params, { services, caller }) => services.devices.list(caller)),
  implement(devicePairApprove, (params, { services, caller }) => services.devices.approve(params.requestId, caller)),
  implement(devicePairReject, (params, { services, caller }) => services.devices.reject(params.requestId, caller)),
  implement(devicePairRename, (params, { services, caller }) => services.devices.rename(params, caller)),
  implement(devicePairRemove, (params, { services, caller }) => services.devices.remove(params.deviceId, caller)),
  implement(deviceTokenRotate, (params, { services, caller }) => services.devices.rotate(params, caller)),
  implement(deviceTokenRevoke, (params, { services, caller }) => services.devices.revoke(params, caller)),
  implement(devicePairSetupCode, (params, { services, caller }) => {
    const url = params.url === undefined ? defaultSetupUrl(services.runtime) : normalizeSetupUrl(params.url);
    if (url === undefined) throw new GatewayError('SETUP_CODE_URL_INVALID', { url: params.url });
    const issued = services.devices.issueBootstrapToken(params.ttlMs ?? DEFAULT_BOOTSTRAP_TTL_MS, caller, params.profile ?? 'pair');
    const payload: SetupPayload = { url, bootstrapToken: issued.token, expiresAtMs: issued.expiresAtMs };
    // With TLS on, the link carries the certificate pin so the new device trusts exactly this gateway.
    if (services.runtime.tlsFingerprint !== undefined && url.startsWith('wss://')) payload.tlsFingerprint = services.runtime.tlsFingerprint;
    return { setupCode: encodeSetupCode(payload), setupLink: setupLink(payload), url, bootstrapToken: issued.token, expiresAtMs: issued.expiresAtMs };
  }),
];

/**
 * The URL a device should dial: the first bound address, with a wildcard bind replaced by this host's
 * first external IPv4 (a phone cannot dial 0.0.0.0). Loopback binds give a loopback URL, which is
 * right for a node host on the same machine or behind an SSH tunnel.
 */
function defaultSetupUrl(runtime: RuntimeInfo): string | undefined {
  const scheme = runtime.tls ? 'wss' : 'ws';
  const first = runtime.addresses()[0] ?? `127.0.0.1:${runtime.port()}`;
  const host = first.startsWith('0.0.0.0:') ? `${firstExternalIPv4() ?? '127.0.0.1'}:${runtime.port()}` : first;
  return normalizeSetupUrl(`${scheme}://${host}`);
}

function firstExternalIPv4(): string | undefined {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) if (address.family === 'IPv4' && !address.internal) return address.address;
  }
  return undefined;
}

/**
 * @module cli/commands/devices-resolve — `devices` arguments by name or prefix, and keeping a device
 * and its node surface in step (rename, remove), all on the client side over list calls.
 *
 * A node's id is its device id, but the gateway keeps two records: the paired device (`device.pair.*`)
 * and the approved command surface (`node.*`). The CLI mirrors a rename or a removal to the other
 * record so `clawgate nodes` and `clawgate devices` never disagree after a CLI edit.
 */
import type { PairedDeviceView, PairingRequestView } from '../../protocol/index.js';
import { CliError, ExitCode } from '../exit-codes.js';

/** The smallest prefix the CLI accepts (the lists print 12 characters). */
const MIN_PREFIX_LENGTH = 6;

/**
 * Finds the paired device `query` names: the full id, else a unique label / display name / client id
 * (case-insensitive), else a unique id prefix of at least 6 characters (a trailing `…` is ignored).
 */
export function matchDevice(devices: readonly PairedDeviceView[], query: string): PairedDeviceView {
  const wanted = query.trim().replace(/…$/, '');
  const exact = devices.find((device) => device.deviceId === wanted);
  if (exact !== undefined) return exact;
  const lowered = wanted.toLowerCase();
  const byName = devices.filter((device) => [device.label, device.displayName, device.clientId].some((name) => name?.toLowerCase() === lowered));
  if (byName.length === 1 && byName[0] !== undefined) return byName[0];
  const byPrefix = wanted.length >= MIN_PREFIX_LENGTH ? devices.filter((device) => device.deviceId.startsWith(lowered)) : [];
  if (byName.length === 0 && byPrefix.length === 1 && byPrefix[0] !== undefined) return byPrefix[0];
  const ambiguous = byName.length > 1 ? byName : byPrefix;
  if (ambiguous.length > 1) {
    throw new CliError(`"${query}" matches ${ambiguous.length} devices (${ambiguous.map((d) => d.deviceId.slice(0, 12)).join(', ')}); use a longer prefix or the full id`, ExitCode.USAGE);
  }
  const hint = wanted.length < MIN_PREFIX_LENGTH && /^[0-9a-f]+$/i.test(wanted) ? ` (an id prefix needs at least ${MIN_PREFIX_LENGTH} characters)` : '';
  throw new CliError(`no paired device matches "${query}"${hint} (see \`clawgate devices list\`)`, ExitCode.FAILURE);
}

/** A pending request by its full id, a unique id prefix, or the device id / name that made it. */
export function matchPendingRequest(pending: readonly PairingRequestView[], query: string): PairingRequestView {
  const wanted = query.trim().replace(/…$/, '');
  const lowered = wanted.toLowerCase();
  const exact = pending.find((request) => request.requestId === wanted);
  if (exact !== undefined) return exact;
  const matches = pending.filter(
    (request) =>
      (wanted.length >= MIN_PREFIX_LENGTH && (request.requestId.startsWith(wanted) || request.deviceId.startsWith(lowered))) ||
      request.displayName?.toLowerCase() === lowered,
  );
  if (matches.length === 1 && matches[0] !== undefined) return matches[0];
  if (matches.length > 1) throw new CliError(`"${query}" matches ${matches.length} pending requests; use the full request id`, ExitCode.USAGE);
  throw new CliError(`no pending pairing request matches "${query}" (see \`clawgate devices list\`)`, ExitCode.FAILURE);
}

/**
 * @module cli/commands/devices-setup-code — the setup-code text: the code, the link, and the whole
 * path to a working node (pair, approve the device, approve its commands), optionally as a QR code.
 */
import { SETUP_CODE_MAX_TTL_MS, SETUP_CODE_MIN_TTL_MS } from '../../protocol/index.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { renderQrLines } from '../qr.js';

export interface SetupCodeView {
  setupCode: string;
  setupLink: string;
  url: string;
  expiresAtMs: number;
}

const UNITS_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

/**
 * `--ttl`: `90s`, `10m`, `1h` or `1500ms`, between 10 s and 24 h. A bare number is refused with the
 * likely meaning spelled out (`90` reads as seconds to a person, as milliseconds to a schema).
 */
export function parseTtlMs(text: string): number {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) throw new CliError(`--ttl needs a unit: did you mean ${trimmed}s or ${trimmed}m? (e.g. 90s, 10m, 1h)`, ExitCode.USAGE);
  const match = /^(\d+)(ms|s|m|h)$/.exec(trimmed);
  if (match === null) throw new CliError(`--ttl must look like 90s, 10m or 1h (got "${text}")`, ExitCode.USAGE);
  const ttlMs = Number(match[1]) * UNITS_MS[match[2] as keyof typeof UNITS_MS];
  if (ttlMs < SETUP_CODE_MIN_TTL_MS || ttlMs > SETUP_CODE_MAX_TTL_MS) {
    throw new CliError(`--ttl must be between 10s and 24h (got ${text})`, ExitCode.USAGE);
  }
  return ttlMs;
}

/** Lines printed by `devices setup-code` (and `clawgate qr`). */
export async function formatSetupCodeLines(result: SetupCodeView, options: { isQr: boolean }): Promise<string[]> {
  const qr = options.isQr ? ['', ...(await renderQrLines(result.setupLink))] : [];
  return [
    `Setup code (one device, valid until ${new Date(result.expiresAtMs).toISOString()}):`,
    result.setupCode,
    ...qr,
    '',
    `Setup link: ${result.setupLink}`,
    `Gateway:    ${result.url}`,
    '',
    'Pair a headless node (three steps, this code is the only secret it needs):',
    `  1. on the node:    clawgate node run --pair "${result.setupLink}"`,
    '                     (OpenClaw\'s node host: openclaw node run --pair "<same link>")',
    '  2. here:           clawgate devices approve --latest     (trusts the device)',
    '  3. here:           clawgate nodes approve <node name>    (allows its commands: system.run, …)',
    'A phone or another operator client needs steps 1-2 only (scan or paste the link).',
  ];
}

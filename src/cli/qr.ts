/**
 * @module cli/qr — a setup link as a terminal QR code (`clawgate qr`, `devices setup-code --qr`).
 *
 * `uqr` (unjs, no dependencies) is imported on first use only, so other commands never load it.
 * Two rows per character (upper/lower half blocks) keep the code small enough for an 80×24 terminal.
 */

/** Renders `text` as QR code lines (quiet zone included); medium error correction, as phone apps expect. */
export async function renderQrLines(text: string): Promise<string[]> {
  const { renderUnicodeCompact } = await import('uqr');
  return renderUnicodeCompact(text, { ecc: 'M', border: 2 }).split('\n');
}

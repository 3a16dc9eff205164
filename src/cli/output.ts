/** @module cli/output — JSON and human printing helpers. */
import type { Output } from './context.js';

export function printJson(out: Output, value: unknown): void {
  out.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printLines(out: Output, lines: readonly string[]): void {
  out.write(`${lines.join('\n')}\n`);
}

/**
 * @module cli/style — terminal looks: colors only on a TTY and never with NO_COLOR (no-color.org),
 * widths from the terminal, and a spinner that is silent when output is not a terminal.
 */
import type { Output } from './context.js';

const CODES = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, gray: 90, bold: 1, dim: 2 } as const;
export type StyleName = keyof typeof CODES;

/** Applies ANSI styles, or none. */
export type Paint = (style: StyleName, text: string) => string;

function isTty(out: Output): boolean {
  return (out as { isTTY?: boolean }).isTTY === true;
}

/** True when `out` is a terminal and neither NO_COLOR nor TERM=dumb says otherwise (FORCE_COLOR=1 forces). */
export function shouldColor(out: Output, env: NodeJS.ProcessEnv): boolean {
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  if (env['FORCE_COLOR'] !== undefined && env['FORCE_COLOR'] !== '0' && env['FORCE_COLOR'] !== '') return true;
  return isTty(out) && env['TERM'] !== 'dumb';
}

/** A painter for `out`: real ANSI codes on a color terminal, identity otherwise. */
export function createPaint(out: Output, env: NodeJS.ProcessEnv): Paint {
  if (!shouldColor(out, env)) return (_style, text) => text;
  return (style, text) => `\u001b[${CODES[style]}m${text}\u001b[0m`;
}

/** The terminal's width in columns (COLUMNS, then the TTY), or undefined when not a terminal. */
export function terminalColumns(out: Output, env: NodeJS.ProcessEnv): number | undefined {
  const fromEnv = Number(env['COLUMNS']);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  const columns = (out as { columns?: number }).columns;
  return isTty(out) && typeof columns === 'number' && columns > 0 ? columns : undefined;
}

export interface Spinner {
  /** Ends the spinner with a final line (✓/✗ on a TTY, the plain line otherwise). */
  stop(finalLine: string, isOk?: boolean): void;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/**
 * Shows `label` with a spinner on `out` (stderr, so stdout stays clean for pipes) while work runs.
 * Not a TTY: prints nothing until stop(), which prints its line once.
 */
export function startSpinner(out: Output, env: NodeJS.ProcessEnv, label: string, intervalMs = 80): Spinner {
  if (!isTty(out) || env['CI'] === 'true') {
    return { stop: (finalLine) => void out.write(`${finalLine}\n`) };
  }
  const paint = createPaint(out, env);
  let frame = 0;
  const draw = (): void => void out.write(`\r\u001b[2K${paint('cyan', FRAMES[frame++ % FRAMES.length] ?? '-')} ${label}`);
  draw();
  const timer = setInterval(draw, intervalMs);
  timer.unref();
  return {
    stop: (finalLine, isOk = true) => {
      clearInterval(timer);
      out.write(`\r\u001b[2K${isOk ? paint('green', '✓') : paint('red', '✗')} ${finalLine}\n`);
    },
  };
}

/**
 * Runs `work` with a spinner on `io.stderr` (TTY only) that disappears when it settles: for commands
 * that print their own result afterwards (tunnel up, probe). Off a TTY it prints nothing.
 */
export async function withSpinner<T>(io: { stderr: Output; env: NodeJS.ProcessEnv }, label: string, work: () => Promise<T>): Promise<T> {
  if (!isTty(io.stderr) || io.env['CI'] === 'true') return work();
  const paint = createPaint(io.stderr, io.env);
  let frame = 0;
  const draw = (): void => void io.stderr.write(`\r\u001b[2K${paint('cyan', FRAMES[frame++ % FRAMES.length] ?? '-')} ${label}`);
  draw();
  const timer = setInterval(draw, 80);
  timer.unref();
  try {
    return await work();
  } finally {
    clearInterval(timer);
    io.stderr.write('\r\u001b[2K');
  }
}

/**
 * Cuts table lines to the terminal width with `…` so rows never wrap into each other; off a terminal
 * (pipes, files) lines stay whole, so scripts and `grep` see everything.
 */
export function fitToWidth(lines: readonly string[], columns: number | undefined): string[] {
  if (columns === undefined || columns < 20) return [...lines];
  return lines.map((line) => ([...line].length <= columns ? line : `${[...line].slice(0, columns - 1).join('')}…`));
}

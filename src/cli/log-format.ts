/**
 * @module cli/log-format — the gateway's JSON (pino) log lines as readable text, and level filters.
 *
 * `12:03:04.512 INFO  client connected conn=3 role=operator`: time (local), level, message, then the
 * remaining fields as key=value. Lines that are not JSON pass through unchanged.
 */
import type { Paint, StyleName } from './style.js';

/** pino's level names and numbers. */
export const LOG_LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 } as const;
export type LogLevelName = keyof typeof LOG_LEVELS;

const LEVEL_STYLE: Record<number, StyleName> = { 10: 'gray', 20: 'gray', 30: 'green', 40: 'yellow', 50: 'red', 60: 'magenta' };
const OMITTED_KEYS = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'v']);

function parseRecord(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The numeric level of a raw line (undefined when it has none). */
export function levelOf(line: string): number | undefined {
  const level = parseRecord(line)?.['level'];
  return typeof level === 'number' ? level : undefined;
}

/** True when `line` is at or above `minLevel` (lines without a level always pass). */
export function isAtLeast(line: string, minLevel: number): boolean {
  const level = levelOf(line);
  return level === undefined || level >= minLevel;
}

function levelName(level: number): string {
  const found = Object.entries(LOG_LEVELS).find(([, value]) => value === level);
  return (found?.[0] ?? String(level)).toUpperCase();
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') return /[\s"=]/.test(value) ? JSON.stringify(value) : value;
  return JSON.stringify(value) ?? String(value);
}

/** One log line as text; `paint` colors the level (identity when colors are off). */
export function formatLogLine(line: string, paint: Paint): string {
  const record = parseRecord(line);
  if (record === undefined) return line;
  const level = typeof record['level'] === 'number' ? record['level'] : 30;
  const time = typeof record['time'] === 'number' ? new Date(record['time']) : undefined;
  const clock = time === undefined ? '--:--:--.---' : `${time.toTimeString().slice(0, 8)}.${String(time.getMilliseconds()).padStart(3, '0')}`;
  const fields = Object.entries(record)
    .filter(([key]) => !OMITTED_KEYS.has(key))
    .map(([key, value]) => `${key}=${formatValue(value)}`);
  const message = typeof record['msg'] === 'string' ? record['msg'] : '';
  const rest = fields.length === 0 ? '' : ` ${paint('dim', fields.join(' '))}`;
  return `${paint('gray', clock)} ${paint(LEVEL_STYLE[level] ?? 'bold', levelName(level).padEnd(5))} ${message}${rest}`;
}

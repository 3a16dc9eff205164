/**
 * @module logging/logger — the gateway's structured logger (pino).
 *
 * Two sinks: JSON lines in `<stateDir>/logs/gateway.log` (what `logs.tail` reads) and short human
 * lines on stdout. Both pass through key-based redaction and the SecretRegistry, so a token never
 * reaches a log line even when it appears inside a message.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import pino, { type Logger, type DestinationStream } from 'pino';
import type { SecretRegistry } from './secrets.js';

export type { Logger } from 'pino';

export interface CreateLoggerOptions {
  level?: string;
  /** JSON log file; omitted in tests that only want memory or console output. */
  filePath?: string | undefined;
  /** Where human-readable lines go (default: none). */
  console?: { write(line: string): unknown } | undefined;
  secrets: SecretRegistry;
  /** Extra sink (tests capture log lines with it). */
  extraSink?: { write(line: string): unknown } | undefined;
}

/** Keys redacted wherever they appear in a log object. */
const REDACT_PATHS = [
  'token',
  'password',
  'auth.token',
  'auth.password',
  'auth.deviceToken',
  'auth.bootstrapToken',
  'params.auth',
  '*.token',
  '*.password',
  'headers.authorization',
  'headers.cookie',
];

/** Creates the logger. Writes to the file are asynchronous (SonicBoom) so logging never blocks a request. */
export function createLogger(options: CreateLoggerOptions): Logger {
  const { secrets } = options;
  const streams: { stream: DestinationStream; level?: pino.Level }[] = [];
  if (options.filePath !== undefined) {
    mkdirSync(dirname(options.filePath), { recursive: true, mode: 0o700 });
    const file = pino.destination({ dest: options.filePath, sync: false, mkdir: true, mode: 0o600 });
    streams.push({ stream: scrubbingStream(file, secrets) });
  }
  if (options.console !== undefined) streams.push({ stream: humanStream(options.console, secrets) });
  if (options.extraSink !== undefined) streams.push({ stream: scrubbingStream(options.extraSink, secrets) });
  const level = options.level ?? 'info';
  return pino(
    { level, base: { pid: process.pid }, redact: { paths: REDACT_PATHS, censor: '[redacted]' } },
    streams.length === 0 ? pino.destination({ dest: '/dev/null', sync: false }) : pino.multistream(streams.map((s) => ({ ...s, level: level as pino.Level }))),
  );
}

interface FlushableSink {
  write(line: string): unknown;
  flush?: (callback?: (error?: Error) => void) => void;
  flushSync?: () => void;
}

/** Wraps a sink so every line is scrubbed; flush calls pass through, so `logger.flush()` reaches the file. */
function scrubbingStream(target: FlushableSink, secrets: SecretRegistry): DestinationStream & Pick<FlushableSink, 'flush' | 'flushSync'> {
  const stream: DestinationStream & Pick<FlushableSink, 'flush' | 'flushSync'> = { write: (line: string) => void target.write(secrets.scrub(line)) };
  if (typeof target.flush === 'function') stream.flush = (callback) => target.flush?.(callback);
  if (typeof target.flushSync === 'function') stream.flushSync = () => target.flushSync?.();
  return stream;
}

const LEVEL_NAMES: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const HIDDEN_KEYS = new Set(['level', 'time', 'pid', 'hostname', 'msg']);

/** Formats pino JSON lines as `HH:MM:SS LEVEL message key=value …` for people reading a terminal. */
function humanStream(target: { write(line: string): unknown }, secrets: SecretRegistry): DestinationStream {
  return {
    write: (line: string) => {
      let record: Record<string, unknown>;
      try {
        record = JSON.parse(line) as Record<string, unknown>;
      } catch {
        target.write(secrets.scrub(line));
        return;
      }
      const time = new Date(typeof record['time'] === 'number' ? record['time'] : Date.now()).toISOString().slice(11, 19);
      const level = LEVEL_NAMES[Number(record['level'])] ?? 'INFO';
      const extras = Object.entries(record)
        .filter(([key]) => !HIDDEN_KEYS.has(key))
        .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
        .join(' ');
      target.write(secrets.scrub(`${time} ${level.padEnd(5)} ${String(record['msg'] ?? '')}${extras ? ` ${extras}` : ''}\n`));
    },
  };
}

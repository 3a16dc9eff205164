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
  /** Redact paths derived from the config schema's secret marks (config/secrets.ts `logRedactPathsFor`). */
  redactPaths?: readonly string[] | undefined;
}

/** Keys redacted wherever they appear in a log object, besides those derived from the config schema. */
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
  let fileDestination: ReturnType<typeof pino.destination> | undefined;
  if (options.filePath !== undefined) {
    mkdirSync(dirname(options.filePath), { recursive: true, mode: 0o700 });
    // The directory was made above (mode 0700); SonicBoom's own async mkdir could race a removal.
    const file = pino.destination({ dest: options.filePath, sync: false, mkdir: false, mode: 0o600 });
    // A log file that cannot be written (disk full, dir removed) must not crash the gateway.
    file.on('error', (error: Error) => process.stderr.write(`clawgate: cannot write log file ${options.filePath}: ${error.message}\n`));
    fileDestination = file;
    streams.push({ stream: scrubbingStream(file, secrets) });
  }
  if (options.console !== undefined) streams.push({ stream: humanStream(options.console, secrets) });
  if (options.extraSink !== undefined) streams.push({ stream: scrubbingStream(options.extraSink, secrets) });
  const level = options.level ?? 'info';
  const logger = pino(
    { level, base: { pid: process.pid }, redact: { paths: [...new Set([...REDACT_PATHS, ...(options.redactPaths ?? [])])], censor: '[redacted]' } },
    streams.length === 0 ? pino.destination({ dest: '/dev/null', sync: false }) : pino.multistream(streams.map((s) => ({ ...s, level: level as pino.Level }))),
  );
  if (fileDestination !== undefined) fileDestinations.set(logger, fileDestination);
  return logger;
}

/** File destinations by logger, so `closeLogger` can end them without widening the Logger type. */
const fileDestinations = new WeakMap<Logger, ReturnType<typeof pino.destination>>();

/** Flushes and closes the logger's file, resolving once every line is on disk. */
export function closeLogger(logger: Logger): Promise<void> {
  const file = fileDestinations.get(logger);
  if (file === undefined) return Promise.resolve();
  fileDestinations.delete(logger);
  return new Promise((resolve) => {
    file.once('close', () => resolve());
    file.once('error', () => resolve());
    file.end();
  });
}

interface FlushableSink {
  write(line: string): unknown;
  flush?: (callback?: (error?: Error) => void) => void;
  flushSync?: () => void;
  /** SonicBoom sets these once `end()` is called; writing then would throw. */
  destroyed?: boolean;
  _ending?: boolean;
}

/**
 * Wraps a sink so every line is scrubbed; flush calls pass through, so `logger.flush()` reaches the
 * file. Once the sink is closed (see `closeLogger`), late lines (a socket closing during shutdown) are
 * dropped instead of throwing.
 */
function scrubbingStream(target: FlushableSink, secrets: SecretRegistry): DestinationStream & Pick<FlushableSink, 'flush' | 'flushSync'> {
  const isClosed = (): boolean => target.destroyed === true || target._ending === true;
  const stream: DestinationStream & Pick<FlushableSink, 'flush' | 'flushSync'> = {
    write: (line: string) => {
      if (!isClosed()) target.write(secrets.scrub(line));
    },
  };
  if (typeof target.flush === 'function') {
    stream.flush = (callback) => (isClosed() ? callback?.() : target.flush?.(callback));
  }
  if (typeof target.flushSync === 'function') {
    stream.flushSync = () => {
      if (!isClosed()) target.flushSync?.();
    };
  }
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

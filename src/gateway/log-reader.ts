/**
 * @module gateway/log-reader — `logs.tail`: read the gateway's JSON log by byte cursor.
 *
 * The cursor is a byte offset into the file. Without one, the last `limit` lines are returned. If the
 * file shrank below the cursor (rotation), reading restarts at 0 and `reset` is set. Every line passes
 * the SecretRegistry again on the way out.
 */
import { open, stat } from 'node:fs/promises';
import type { LogsTailParams, LogsTailResult } from '../protocol/index.js';
import type { SecretRegistry } from '../logging/index.js';

const DEFAULT_LIMIT_LINES = 200;
const DEFAULT_MAX_BYTES = 250_000;

export class LogReader {
  readonly #path: string;
  readonly #secrets: SecretRegistry;

  constructor(path: string, secrets: SecretRegistry) {
    this.#path = path;
    this.#secrets = secrets;
  }

  async tail(params: LogsTailParams): Promise<LogsTailResult> {
    const limit = params.limit ?? DEFAULT_LIMIT_LINES;
    const maxBytes = params.maxBytes ?? DEFAULT_MAX_BYTES;
    let size: number;
    try {
      size = (await stat(this.#path)).size;
    } catch {
      return { file: this.#path, cursor: 0, size: 0, lines: [] };
    }
    let reset = false;
    let start: number;
    if (params.cursor === undefined) {
      start = Math.max(0, size - maxBytes);
    } else if (params.cursor > size) {
      reset = true;
      start = 0;
    } else {
      start = params.cursor;
    }
    const length = Math.min(maxBytes, size - start);
    const buffer = Buffer.alloc(length);
    const handle = await open(this.#path, 'r');
    try {
      await handle.read(buffer, 0, length, start);
    } finally {
      await handle.close();
    }
    let text = buffer.toString('utf8');
    // Drop a partial first line when we started mid-file without a cursor.
    if (params.cursor === undefined && start > 0) text = text.slice(text.indexOf('\n') + 1);
    // Keep a partial last line for the next call: the cursor stops at the last newline.
    const lastNewline = text.lastIndexOf('\n');
    const complete = lastNewline === -1 ? '' : text.slice(0, lastNewline);
    const consumedBytes = lastNewline === -1 ? 0 : Buffer.byteLength(text.slice(0, lastNewline + 1));
    const skippedBytes = length - Buffer.byteLength(text);
    let lines = complete === '' ? [] : complete.split('\n');
    const truncated = lines.length > limit || start + skippedBytes + consumedBytes < size;
    if (lines.length > limit) lines = params.cursor === undefined ? lines.slice(-limit) : lines.slice(0, limit);
    const cursor =
      params.cursor !== undefined && lines.length === limit
        ? start + Buffer.byteLength(lines.join('\n') + '\n')
        : start + skippedBytes + consumedBytes;
    const result: LogsTailResult = {
      file: this.#path,
      cursor,
      size,
      lines: lines.map((line) => this.#secrets.scrub(line)),
    };
    if (truncated) result.truncated = true;
    if (reset) result.reset = true;
    return result;
  }
}

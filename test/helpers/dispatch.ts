/** @module test/helpers/dispatch — run requests through a Dispatcher in-process and collect what it sends. */
import type { ResponseFrame } from '../../src/protocol/index.js';
import type { CallerInfo, Dispatcher } from '../../src/gateway/index.js';
import type { RequestFrame } from '../../src/protocol/index.js';

/** A response sink that records every frame; `close()` aborts it like a closing connection. */
export interface RecordingSink {
  readonly signal: AbortSignal;
  readonly frames: ResponseFrame[];
  send(frame: ResponseFrame): void;
  close(): void;
}

export function createRecordingSink(): RecordingSink {
  const controller = new AbortController();
  const frames: ResponseFrame[] = [];
  return { signal: controller.signal, frames, send: (frame) => void frames.push(frame), close: () => controller.abort() };
}

/** Dispatches one request and returns its final response (the last frame sent). */
export async function dispatchOnce(dispatcher: Dispatcher, frame: RequestFrame, caller: CallerInfo): Promise<ResponseFrame> {
  const sink = createRecordingSink();
  await dispatcher.dispatch(frame, caller, sink);
  const last = sink.frames.at(-1);
  if (last === undefined) throw new Error(`dispatch of ${frame.method} sent nothing`);
  return last;
}

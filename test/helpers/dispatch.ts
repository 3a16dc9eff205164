/** @module test/helpers/dispatch — run requests through a Dispatcher in-process and collect what it sends. */
import type { ResponseFrame } from '../../src/protocol/index.js';
import type { CallerInfo, Dispatcher } from '../../src/gateway/index.js';
import type { RequestFrame } from '../../src/protocol/index.js';

/** A response sink that records every frame (close a connection with `dispatcher.closeConnection(connId)`). */
export interface RecordingSink {
  readonly frames: ResponseFrame[];
  sendResponse(frame: ResponseFrame): void;
}

export function createRecordingSink(): RecordingSink {
  const frames: ResponseFrame[] = [];
  return { frames, sendResponse: (frame) => void frames.push(frame) };
}

/** Dispatches one request and returns its final response (the last frame sent). */
export async function dispatchOnce(dispatcher: Dispatcher, frame: RequestFrame, caller: CallerInfo): Promise<ResponseFrame> {
  const sink = createRecordingSink();
  await dispatcher.dispatch(frame, caller, sink);
  const last = sink.frames.at(-1);
  if (last === undefined) throw new Error(`dispatch of ${frame.method} sent nothing`);
  return last;
}

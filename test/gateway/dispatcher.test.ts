/**
 * The dispatcher in-process: every guard with its own error, INTERNAL_ERROR's fixed text, two responses
 * on one id, abort on close and by API, the in-flight cap, idempotency (join vs inFlight, TTL on the
 * fake clock) and the lifecycle hooks.
 */
import { beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Type from 'typebox';
import { GatewayError, type RequestFrame, type ResponseFrame } from '../../src/protocol/index.js';
import { createLogger, SecretRegistry } from '../../src/logging/index.js';
import { Dispatcher, type DispatcherOptions } from '../../src/gateway/dispatcher.js';
import { defineMethod, MethodRegistry, type MethodDefinition } from '../../src/gateway/method-registry.js';
import type { CallerInfo } from '../../src/gateway/method-context.js';
import type { DispatchHooks } from '../../src/gateway/dispatch-hooks.js';
import type { GatewayServices } from '../../src/gateway/services.js';
import { createRecordingSink, dispatchOnce } from '../helpers/dispatch.js';
import { createFakeClock } from '../helpers/fake-clock.js';

const Closed = { additionalProperties: false } as const;
const caller: CallerInfo = { connId: 'c1', role: 'operator', scopes: ['operator.write'], client: { id: 'cli', version: 't', platform: 'linux', mode: 'cli' } as CallerInfo['client'], remoteAddress: '127.0.0.1' };

/** A gate a handler waits on; tests open it. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const wait = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { wait, open };
}

function frame(method: string, params?: unknown, id = 'r1'): RequestFrame {
  return params === undefined ? { type: 'req', id, method } : { type: 'req', id, method, params };
}

function detail(response: ResponseFrame): unknown {
  return (response.error?.details as Record<string, unknown> | undefined)?.['code'];
}

function createDispatcher(methods: MethodDefinition[], options: Partial<DispatcherOptions> = {}): Dispatcher {
  return new Dispatcher({
    registry: new MethodRegistry([methods]),
    services: {} as GatewayServices,
    logger: createLogger({ level: 'silent', secrets: new SecretRegistry() }),
    shouldValidateResults: true,
    ...options,
  });
}

const echo = defineMethod({
  name: 'test.echo',
  access: 'operator.read',
  params: Type.Object({ text: Type.String() }, Closed),
  result: Type.Object({ text: Type.String() }, Closed),
  handler: ({ text }) => ({ text }),
});

describe('Dispatcher', () => {
  describe('guards', () => {
    it('answers UNKNOWN_METHOD for a name nobody declared', async () => {
      const response = await dispatchOnce(createDispatcher([echo]), frame('test.nope'), caller);
      assert.equal(response.error?.code, 'INVALID_REQUEST');
      assert.equal(detail(response), 'UNKNOWN_METHOD');
      assert.equal(response.error?.message, 'unknown method: test.nope');
    });

    it('answers MISSING_SCOPE before validating params', async () => {
      const admin = defineMethod({ ...echo, name: 'test.admin', access: 'operator.admin' });
      const response = await dispatchOnce(createDispatcher([admin]), frame('test.admin', { wrong: 1 }), caller);
      assert.equal(response.error?.code, 'FORBIDDEN');
      assert.equal(detail(response), 'MISSING_SCOPE');
    });

    it('answers INVALID_PARAMS naming the offending property', async () => {
      const response = await dispatchOnce(createDispatcher([echo]), frame('test.echo', { text: 'a', extra: true }), caller);
      assert.equal(detail(response), 'INVALID_PARAMS');
      assert.match(response.error?.message ?? '', /unexpected property 'extra'/);
    });

    it("runs the method's authorize before the handler", async () => {
      let ran = false;
      const guarded = defineMethod({
        ...echo,
        name: 'test.guarded',
        authorize: () => {
          throw new GatewayError('MISSING_SCOPE', { missingScope: 'operator.admin', requiredScopes: ['operator.admin'] });
        },
        handler: ({ text }) => {
          ran = true;
          return { text };
        },
      });
      const response = await dispatchOnce(createDispatcher([guarded]), frame('test.guarded', { text: 'a' }), caller);
      assert.equal(detail(response), 'MISSING_SCOPE');
      assert.equal(ran, false);
    });

    it('lets a preHandler hook refuse a request with a coded error', async () => {
      const hooks: DispatchHooks = {
        preHandler: () => {
          throw new GatewayError('SHUTTING_DOWN');
        },
      };
      const response = await dispatchOnce(createDispatcher([echo], { hooks: [hooks] }), frame('test.echo', { text: 'a' }), caller);
      assert.equal(detail(response), 'SHUTTING_DOWN');
    });

    it('turns a thrown non-GatewayError into INTERNAL_ERROR with a fixed message and the request id', async () => {
      const broken = defineMethod({
        ...echo,
        name: 'test.broken',
        handler: () => {
          throw new Error('secret internals: /home/user/.ssh');
        },
      });
      const response = await dispatchOnce(createDispatcher([broken]), frame('test.broken', { text: 'a' }, 'req-42'), caller);
      assert.equal(response.id, 'req-42');
      assert.equal(response.error?.code, 'UNAVAILABLE');
      assert.equal(detail(response), 'INTERNAL_ERROR');
      assert.equal(response.error?.message, 'internal error while handling test.broken (request req-42); see the gateway log');
      assert.ok(!JSON.stringify(response).includes('secret internals'));
    });

    it('treats a result that breaks its schema as INTERNAL_ERROR when results are validated', async () => {
      const liar = defineMethod({ ...echo, name: 'test.liar', handler: () => ({ text: 1 }) as unknown as { text: string } });
      const response = await dispatchOnce(createDispatcher([liar]), frame('test.liar', { text: 'a' }), caller);
      assert.equal(detail(response), 'INTERNAL_ERROR');
    });
  });

  describe('two responses on one id', () => {
    const work = defineMethod({
      name: 'test.work',
      access: 'operator.write',
      params: Type.Object({}, Closed),
      ack: Type.Object({ status: Type.Literal('accepted') }, Closed),
      result: Type.Object({ status: Type.Literal('ok') }, Closed),
      handler: async (_params, { accept }) => {
        accept({ status: 'accepted' });
        await Promise.resolve();
        return { status: 'ok' as const };
      },
    });

    it('sends the ack first, then the final response, both with the request id', async () => {
      const sink = createRecordingSink();
      await createDispatcher([work]).dispatch(frame('test.work', {}, 'run-1'), caller, sink);
      assert.deepEqual(sink.frames, [
        { type: 'res', id: 'run-1', ok: true, payload: { status: 'accepted' } },
        { type: 'res', id: 'run-1', ok: true, payload: { status: 'ok' } },
      ]);
    });

    it('refuses accept() on a method that declares no ack (INTERNAL_ERROR, no interim frame)', async () => {
      const sneaky = defineMethod({
        ...echo,
        name: 'test.sneaky',
        handler: ({ text }, { accept }) => {
          accept({ status: 'accepted' });
          return { text };
        },
      });
      const sink = createRecordingSink();
      await createDispatcher([sneaky]).dispatch(frame('test.sneaky', { text: 'a' }), caller, sink);
      assert.equal(sink.frames.length, 1);
      assert.equal(detail(sink.frames[0]!), 'INTERNAL_ERROR');
    });
  });

  describe('abort', () => {
    let started = gate();
    const waits = defineMethod({
      name: 'test.wait',
      access: 'operator.read',
      params: Type.Object({}, Closed),
      result: Type.Object({}, Closed),
      handler: (_params, { signal }) =>
        new Promise((_resolve, reject) => {
          signal.addEventListener('abort', () => reject(signal.reason), { once: true });
          started.open();
        }),
    });
    beforeEach(() => {
      started = gate();
    });

    it("aborts the handler's signal when the connection closes, and tells onRequestAbort", async () => {
      const aborted: unknown[] = [];
      const dispatcher = createDispatcher([waits], { hooks: [{ onRequestAbort: (_request, reason) => aborted.push(reason) }] });
      const sink = createRecordingSink();
      const done = dispatcher.dispatch(frame('test.wait', {}), caller, sink);
      assert.equal(dispatcher.inFlightCount('c1'), 1);
      await started.wait;
      dispatcher.closeConnection('c1');
      await done;
      assert.equal(detail(sink.frames[0]!), 'REQUEST_ABORTED');
      assert.equal((aborted[0] as GatewayError).code, 'REQUEST_ABORTED');
      assert.equal((aborted[0] as GatewayError).message, 'test.wait was aborted: connection closed');
      assert.equal(dispatcher.inFlightCount('c1'), 0);
    });

    it('closes only the named connection: requests of another keep running', async () => {
      const dispatcher = createDispatcher([waits]);
      const sink = createRecordingSink();
      const other = dispatcher.dispatch(frame('test.wait', {}, 'o1'), { ...caller, connId: 'c2' }, sink);
      await started.wait;
      dispatcher.closeConnection('c1');
      assert.equal(dispatcher.inFlightCount('c2'), 1);
      assert.deepEqual(sink.frames, []);
      dispatcher.closeConnection('c2');
      await other;
      assert.equal(detail(sink.frames[0]!), 'REQUEST_ABORTED');
    });

    it('tells onRequestAbort even when the handler never read its signal, and a late read sees the abort', async () => {
      const aborted: unknown[] = [];
      const open = gate();
      let lateSignal: AbortSignal | undefined;
      const unaware = defineMethod({
        ...echo,
        name: 'test.unaware',
        handler: async ({ text }, context) => {
          started.open();
          await open.wait;
          lateSignal = context.signal;
          return { text };
        },
      });
      const dispatcher = createDispatcher([unaware], { hooks: [{ onRequestAbort: (_request, reason) => aborted.push(reason) }] });
      const sink = createRecordingSink();
      const done = dispatcher.dispatch(frame('test.unaware', { text: 'a' }), caller, sink);
      await started.wait;
      dispatcher.closeConnection('c1');
      dispatcher.closeConnection('c1');
      open.open();
      await done;
      assert.equal(aborted.length, 1, 'reported once');
      assert.equal(lateSignal?.aborted, true);
      assert.equal((lateSignal?.reason as GatewayError).code, 'REQUEST_ABORTED');
      assert.deepEqual(sink.frames[0]?.payload, { text: 'a' }, 'an answer it returns anyway is still sent (the socket drops it)');
    });

    it('does not start a handler whose connection closed while a preHandler hook ran', async () => {
      const hooks: DispatchHooks = { preHandler: () => dispatcher.closeConnection('c1') };
      const dispatcher = createDispatcher([waits], { hooks: [hooks] });
      const sink = createRecordingSink();
      await dispatcher.dispatch(frame('test.wait', {}), caller, sink);
      assert.equal(detail(sink.frames[0]!), 'REQUEST_ABORTED');
      assert.equal(dispatcher.inFlightCount('c1'), 0);
    });

    it('aborts one request by connection and id (the cancel API), and reports false for unknown ones', async () => {
      const dispatcher = createDispatcher([waits]);
      const sink = createRecordingSink();
      const done = dispatcher.dispatch(frame('test.wait', {}, 'r9'), caller, sink);
      await started.wait;
      assert.equal(dispatcher.abort('c1', 'nope'), false);
      assert.equal(dispatcher.abort('c1', 'r9', 'user pressed stop'), true);
      await done;
      assert.equal(sink.frames[0]?.error?.message, 'test.wait was aborted: user pressed stop');
    });
  });

  describe('in-flight cap', () => {
    it('answers TOO_MANY_IN_FLIGHT past maxInFlightPerConnection, per connection', async () => {
      const open = gate();
      const slow = defineMethod({ ...echo, name: 'test.slow', handler: async ({ text }) => (await open.wait, { text }) });
      const dispatcher = createDispatcher([slow], { maxInFlightPerConnection: 2 });
      const sink = createRecordingSink();
      const running = [dispatcher.dispatch(frame('test.slow', { text: 'a' }, 'a'), caller, sink), dispatcher.dispatch(frame('test.slow', { text: 'b' }, 'b'), caller, sink)];
      const refused = await dispatchOnce(dispatcher, frame('test.slow', { text: 'c' }, 'c'), caller);
      assert.equal(detail(refused), 'TOO_MANY_IN_FLIGHT');
      assert.equal(refused.error?.retryable, true);
      const other = dispatcher.dispatch(frame('test.slow', { text: 'd' }, 'd'), { ...caller, connId: 'c2' }, sink);
      open.open();
      await Promise.all([...running, other]);
      assert.deepEqual(sink.frames.map((f) => f.id).sort(), ['a', 'b', 'd']);
      assert.equal(detail(await dispatchOnce(dispatcher, frame('test.slow', { text: 'e' }, 'e'), caller)), undefined, 'room again once answered');
    });
  });

  describe('idempotency', () => {
    const Params = Type.Object({ key: Type.String(), target: Type.Optional(Type.String()) }, Closed);
    function counted(onDuplicate: 'join' | 'inFlight', ttlMs = 60_000): { method: MethodDefinition; runs: () => number; release: () => void } {
      let runs = 0;
      let open = gate();
      const method = defineMethod({
        name: `test.${onDuplicate}`,
        access: 'operator.write',
        params: Params,
        ack: Type.Object({ runId: Type.String(), status: Type.String() }, Closed),
        result: Type.Object({ runId: Type.String(), status: Type.String() }, Closed),
        idempotency: { key: (p) => p.key, ttlMs, onDuplicate, inFlightResult: (p) => ({ runId: p.key, status: 'in_flight' }), fingerprint: (p) => p.target ?? '' },
        handler: async ({ key }, { accept, signal }) => {
          runs++;
          accept({ runId: key, status: 'accepted' });
          const aborted = new Promise<never>((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
          aborted.catch(() => undefined);
          await Promise.race([open.wait, aborted]);
          return { runId: key, status: 'ok' };
        },
      });
      return {
        method,
        runs: () => runs,
        release: () => {
          open.open();
          open = gate();
        },
      };
    }

    it('join: a repeat gets the same ack and final outcome, and the handler runs once', async () => {
      const { method, runs, release } = counted('join');
      const dispatcher = createDispatcher([method]);
      const first = createRecordingSink();
      const second = createRecordingSink();
      const a = dispatcher.dispatch(frame('test.join', { key: 'k1' }, 'a'), caller, first);
      const b = dispatcher.dispatch(frame('test.join', { key: 'k1' }, 'b'), { ...caller, connId: 'c2' }, second);
      await new Promise((resolve) => setImmediate(resolve));
      release();
      await Promise.all([a, b]);
      assert.equal(runs(), 1);
      assert.deepEqual(second.frames.map((f) => f.payload), [{ runId: 'k1', status: 'accepted' }, { runId: 'k1', status: 'ok' }]);
      assert.deepEqual(second.frames.map((f) => f.id), ['b', 'b']);
    });

    it('inFlight: a repeat while running gets one in_flight answer; after settling, the remembered outcome', async () => {
      const { method, runs, release } = counted('inFlight');
      const dispatcher = createDispatcher([method]);
      const first = createRecordingSink();
      const running = dispatcher.dispatch(frame('test.inFlight', { key: 'k2' }, 'a'), caller, first);
      const repeat = createRecordingSink();
      await dispatcher.dispatch(frame('test.inFlight', { key: 'k2' }, 'b'), caller, repeat);
      assert.deepEqual(repeat.frames, [{ type: 'res', id: 'b', ok: true, payload: { runId: 'k2', status: 'in_flight' } }]);
      release();
      await running;
      const later = createRecordingSink();
      await dispatcher.dispatch(frame('test.inFlight', { key: 'k2' }, 'c'), caller, later);
      assert.deepEqual(later.frames.map((f) => f.payload), [{ runId: 'k2', status: 'accepted' }, { runId: 'k2', status: 'ok' }]);
      assert.equal(runs(), 1);
    });

    it('forgets a settled key after ttlMs on the clock, so the same key runs again', async () => {
      const clock = createFakeClock();
      const { method, runs, release } = counted('join', 5000);
      const dispatcher = createDispatcher([method], { clock });
      const once = async (): Promise<void> => {
        const done = dispatcher.dispatch(frame('test.join', { key: 'k3' }), caller, createRecordingSink());
        await new Promise((resolve) => setImmediate(resolve));
        release();
        await done;
      };
      await once();
      clock.advance(4999);
      await dispatchOnce(dispatcher, frame('test.join', { key: 'k3' }), caller);
      assert.equal(runs(), 1, 'still remembered just before the TTL');
      clock.advance(1);
      await once();
      assert.equal(runs(), 2, 'forgotten at the TTL');
    });

    it('answers IDEMPOTENCY_KEY_CONFLICT when a key comes back with another fingerprint', async () => {
      const { method, release } = counted('join');
      const dispatcher = createDispatcher([method]);
      const done = dispatcher.dispatch(frame('test.join', { key: 'k4', target: 'n1' }), caller, createRecordingSink());
      const conflict = await dispatchOnce(dispatcher, frame('test.join', { key: 'k4', target: 'n2' }), caller);
      assert.equal(detail(conflict), 'IDEMPOTENCY_KEY_CONFLICT');
      release();
      await done;
    });

    it('never remembers an aborted request: a retry after reconnecting runs again', async () => {
      const { method, runs } = counted('join');
      const dispatcher = createDispatcher([method]);
      const first = createRecordingSink();
      const running = dispatcher.dispatch(frame('test.join', { key: 'k6' }), caller, first);
      await new Promise((resolve) => setImmediate(resolve));
      dispatcher.closeConnection('c1');
      await running;
      assert.equal(detail(first.frames.at(-1)!), 'REQUEST_ABORTED');
      const retry = createRecordingSink();
      const again = dispatcher.dispatch(frame('test.join', { key: 'k6' }, 'r2'), { ...caller, connId: 'c2' }, retry);
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(runs(), 2);
      dispatcher.abort('c2', 'r2');
      await again;
    });

    it('does not remember an outcome the policy says to forget (a refusal before any work ran)', async () => {
      let runs = 0;
      const refusing = defineMethod({
        ...echo,
        name: 'test.refusing',
        idempotency: { key: (p) => p.text, ttlMs: 60_000, onDuplicate: 'join', isRemembered: (outcome) => outcome.ok },
        handler: () => {
          runs++;
          throw new GatewayError('NOT_CONNECTED', { nodeId: 'n1' });
        },
      });
      const dispatcher = createDispatcher([refusing]);
      await dispatchOnce(dispatcher, frame('test.refusing', { text: 'k5' }), caller);
      await dispatchOnce(dispatcher, frame('test.refusing', { text: 'k5' }), caller);
      assert.equal(runs, 2);
    });
  });

  describe('lifecycle hooks', () => {
    it('calls onRequest, preHandler, then onResponse or onError, with the cause only in onError', async () => {
      const seen: string[] = [];
      const hooks: DispatchHooks = {
        onRequest: ({ frame: f }) => void seen.push(`onRequest ${f.id}`),
        preHandler: ({ frame: f }) => void seen.push(`preHandler ${f.id}`),
        onResponse: ({ frame: f }, response, durationMs) => void seen.push(`onResponse ${f.id} ${response.ok} ${typeof durationMs}`),
        onError: ({ frame: f }, error) => void seen.push(`onError ${f.id} ${(error as GatewayError).code}`),
      };
      const dispatcher = createDispatcher([echo], { hooks: [hooks] });
      await dispatchOnce(dispatcher, frame('test.echo', { text: 'a' }, 'ok'), caller);
      await dispatchOnce(dispatcher, frame('test.nope', {}, 'bad'), caller);
      assert.deepEqual(seen, ['onRequest ok', 'preHandler ok', 'onResponse ok true number', 'onRequest bad', 'onError bad UNKNOWN_METHOD']);
    });

    it('survives a hook that throws', async () => {
      const dispatcher = createDispatcher([echo], {
        hooks: [
          {
            onResponse: () => {
              throw new Error('hook bug');
            },
          },
        ],
      });
      const response = await dispatchOnce(dispatcher, frame('test.echo', { text: 'a' }), caller);
      assert.deepEqual(response.payload, { text: 'a' });
    });
  });
});

/**
 * @module test/helpers/sample-feature — a TEST-ONLY feature defined entirely outside gateway/, to prove
 * the seam: a long-running method with an interim ack and an abortable handler, a subscriber-delivered
 * event, a store migration, an HTTP route, a config section with a secret, and health/readiness
 * contributions. Nothing in src/ knows it exists.
 */
import Type from 'typebox';
import { Secret } from '../../src/config/index.js';
import { defineContract, defineEvent } from '../../src/protocol/index.js';
import { implement, writeJson, type FeatureContext, type GatewayFeature } from '../../src/gateway/index.js';
import type { Migration } from '../../src/store/index.js';

const JobId = Type.String({ minLength: 1, maxLength: 64 });

export const sampleWork = defineContract({
  name: 'sample.work',
  access: 'operator.write',
  params: Type.Object({ jobId: JobId }, { additionalProperties: false }),
  ack: Type.Object({ jobId: JobId, status: Type.Literal('accepted') }, { additionalProperties: false }),
  result: Type.Object({ jobId: JobId, status: Type.Literal('done') }, { additionalProperties: false }),
});

export const sampleSubscribe = defineContract({
  name: 'sample.subscribe',
  access: 'operator.read',
  params: Type.Object({ jobId: JobId }, { additionalProperties: false }),
  result: Type.Object({ subscribed: Type.Literal(true) }, { additionalProperties: false }),
});

export const sampleRelease = defineContract({
  name: 'sample.release',
  access: 'operator.write',
  params: Type.Object({ jobId: JobId }, { additionalProperties: false }),
  result: Type.Object({ released: Type.Boolean() }, { additionalProperties: false }),
});

export const sampleCancel = defineContract({
  name: 'sample.cancel',
  access: 'operator.write',
  params: Type.Object({ jobId: JobId }, { additionalProperties: false }),
  result: Type.Object({ cancelled: Type.Boolean() }, { additionalProperties: false }),
});

/** Progress of a job, to the connections subscribed to its id. */
export const sampleProgressEvent = defineEvent({
  name: 'sample.progress',
  scope: 'operator.read',
  payload: Type.Object({ jobId: JobId, state: Type.Union([Type.Literal('started'), Type.Literal('done'), Type.Literal('aborted')]) }, { additionalProperties: false }),
  delivery: 'subscribers',
});

export const SampleConfigSchema = Type.Object(
  { apiKey: Type.Optional(Secret()), ready: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);

const migrations: Migration[] = [
  { owner: 'sample', version: 1, name: 'sample jobs', sql: 'CREATE TABLE sample_jobs (job_id TEXT PRIMARY KEY, status TEXT NOT NULL) STRICT;' },
];

interface RunningJob {
  connId: string;
  requestId: string;
  release: () => void;
}

/** Builds the feature; its runtime exists from `onReady` on. */
export function createSampleFeature(): GatewayFeature {
  let context: FeatureContext | undefined;
  const running = new Map<string, RunningJob>();
  const ctx = (): FeatureContext => {
    if (context === undefined) throw new Error('sample feature used before onReady');
    return context;
  };
  const setStatus = (jobId: string, status: string): void => {
    ctx().store.database.prepareCached('INSERT INTO sample_jobs (job_id, status) VALUES (?, ?) ON CONFLICT(job_id) DO UPDATE SET status = excluded.status').run(jobId, status);
  };
  const progress = (jobId: string, state: 'started' | 'done' | 'aborted'): void => void ctx().events.emit(sampleProgressEvent, { jobId, state }, { key: jobId });

  return {
    name: 'sample',
    migrations,
    events: [sampleProgressEvent],
    config: { key: 'sample', schema: SampleConfigSchema },
    methods: [
      implement(sampleWork, async ({ jobId }, { accept, signal, caller, requestId }) => {
        setStatus(jobId, 'running');
        accept({ jobId, status: 'accepted' });
        progress(jobId, 'started');
        await new Promise<void>((resolve, reject) => {
          running.set(jobId, { connId: caller.connId, requestId, release: resolve });
          signal.addEventListener('abort', () => reject(signal.reason), { once: true });
        }).finally(() => running.delete(jobId)).catch((error: unknown) => {
          setStatus(jobId, 'aborted');
          progress(jobId, 'aborted');
          throw error;
        });
        setStatus(jobId, 'done');
        progress(jobId, 'done');
        return { jobId, status: 'done' as const };
      }),
      implement(sampleSubscribe, ({ jobId }, { caller }) => {
        ctx().events.subscribe(caller.connId, jobId);
        return { subscribed: true as const };
      }),
      implement(sampleRelease, ({ jobId }) => {
        const job = running.get(jobId);
        job?.release();
        return { released: job !== undefined };
      }),
      implement(sampleCancel, ({ jobId }) => {
        const job = running.get(jobId);
        return { cancelled: job !== undefined && ctx().requests.abort(job.connId, job.requestId, 'cancelled by sample.cancel') };
      }),
    ],
    httpRoutes: [
      {
        method: 'GET',
        path: '/sample/jobs/',
        isPrefix: true,
        handler: (request, response) => {
          const jobId = decodeURIComponent((request.url ?? '').split('?')[0]!.slice('/sample/jobs/'.length));
          const row = ctx().store.database.prepareCached('SELECT status FROM sample_jobs WHERE job_id = ?').get(jobId) as { status: string } | undefined;
          if (row === undefined) return writeJson(response, 404, { ok: false, error: 'no such job' });
          writeJson(response, 200, { ok: true, jobId, status: row.status });
        },
      },
    ],
    contributeHealth: (snapshot) => {
      snapshot.channels['sample'] = { configured: true, running: true, jobs: running.size };
      snapshot.channelOrder.push('sample');
      snapshot.channelLabels['sample'] = 'Sample';
    },
    contributeStatus: (status) => {
      status.channels.push({ id: 'sample', running: true });
    },
    readiness: () => ((ctx().configSection as { ready?: boolean } | undefined)?.ready === false ? { ready: false, reason: 'told not to be' } : { ready: true }),
    onReady: (featureContext) => {
      context = featureContext;
      const apiKey = (featureContext.configSection as { apiKey?: string } | undefined)?.apiKey;
      // Both shapes a feature might log: a field the schema marks secret, and the value inside a message.
      featureContext.logger.info({ provider: { apiKey } }, 'sample provider configured');
      featureContext.logger.info({}, `sample provider key is ${apiKey ?? 'unset'}`);
    },
    onClose: () => {
      running.clear();
    },
  };
}

/**
 * A refresh as a BullMQ flow (pure: run → tree). Parents run after their children, so the tree is
 * the pipeline upside down:
 *
 *   publish ← build ← careeronestop ← read ← fetch:oews, fetch:ep, fetch:exposure, fetch:epoch
 *                        └ per-occupation children, added when the SOC list is known
 *
 * Retries, backoff, retention and what a child's failure does to its parent are stated here, per
 * stage, in one table.
 */
import type { FlowJob, FlowJobNode, JobsOptions } from 'bullmq';
import type { Config } from '../../config.js';
import { type FileSourceId, isFileSource } from '../../sources/registry.js';
import type { RunPayload } from '../handOver/payloads.js';
import { JOB, jobIds, QUEUES } from './names.js';

/**
 * What a failed child does to the run. A missing BLS or research file leaves nothing honest to
 * publish, so it fails the run; a CareerOneStop occupation that cannot be fetched keeps its older
 * stored data (marked stale) and the run goes on.
 */
export const FAILURE_POLICY = {
  fetch: { oews: 'fail-run', ep: 'fail-run', exposure: 'fail-run', epoch: 'fail-run', onet: 'fail-run' },
  read: 'fail-run',
  careeronestop: 'fail-run',
  careerOneStopOccupation: 'degrade-to-stale',
  build: 'fail-run',
  publish: 'fail-run',
} as const satisfies {
  fetch: Record<FileSourceId, 'fail-run' | 'degrade-to-stale'>;
  [stage: string]: unknown;
};

/** Attempts per stage: network stages get more; deterministic ones one retry for I/O hiccups. */
export const STAGE_ATTEMPTS = {
  fetch: 4,
  read: 2,
  careeronestop: 3,
  careerOneStopOccupation: 3,
  build: 2,
  publish: 3,
} as const;

/**
 * Finished jobs are kept for inspection (bull-board) and then dropped, by age and by count, so Redis
 * does not grow without bound (BullMQ keeps them forever by default).
 */
export const RETENTION = {
  completed: { age: 7 * 86_400, count: 2_000 },
  failed: { age: 30 * 86_400, count: 5_000 },
} as const;

export function stageJobOptions(
  config: Pick<Config, 'QUEUE_BACKOFF_DELAY'>,
  attempts: number,
  extra: JobsOptions = {},
): JobsOptions {
  return {
    attempts,
    backoff: { type: 'exponential', delay: config.QUEUE_BACKOFF_DELAY },
    removeOnComplete: RETENTION.completed,
    removeOnFail: RETENTION.failed,
    ...extra,
  };
}

function onFailure(policy: 'fail-run' | 'degrade-to-stale'): JobsOptions {
  return policy === 'fail-run' ? { failParentOnFailure: true } : { ignoreDependencyOnFailure: true };
}

export function occupationJobOptions(
  config: Pick<Config, 'QUEUE_BACKOFF_DELAY'>,
  runId: string,
  soc: string,
) {
  return stageJobOptions(config, STAGE_ATTEMPTS.careerOneStopOccupation, {
    jobId: jobIds.careerOneStopOccupation(runId, soc),
    ...onFailure(FAILURE_POLICY.careerOneStopOccupation),
  });
}

export function buildRefreshFlow(run: RunPayload, config: Pick<Config, 'QUEUE_BACKOFF_DELAY'>): FlowJob {
  const data = { runId: run.runId, trigger: run.trigger, sources: run.sources, force: run.force };
  const fileSources = run.sources.filter(isFileSource);
  const fetches: FlowJobNode[] = fileSources.map((source) => ({
    name: JOB.fetch,
    queueName: QUEUES.refresh,
    data: { ...data, source },
    opts: stageJobOptions(config, STAGE_ATTEMPTS.fetch, {
      jobId: jobIds.fetch(run.runId, source),
      ...onFailure(FAILURE_POLICY.fetch[source]),
    }),
  }));
  const read: FlowJobNode = {
    name: JOB.read,
    queueName: QUEUES.refresh,
    data,
    opts: stageJobOptions(config, STAGE_ATTEMPTS.read, {
      jobId: jobIds.read(run.runId),
      ...onFailure(FAILURE_POLICY.read),
    }),
    ...(fetches.length > 0 ? { children: fetches } : {}),
  } as FlowJobNode;
  const beforeBuild: FlowJobNode = run.sources.includes('careeronestop')
    ? {
        name: JOB.careeronestop,
        queueName: QUEUES.refresh,
        data: { ...data, step: 'plan' },
        opts: stageJobOptions(config, STAGE_ATTEMPTS.careeronestop, {
          jobId: jobIds.careeronestop(run.runId),
          ...onFailure(FAILURE_POLICY.careeronestop),
        }),
        children: [read],
      }
    : read;
  return {
    name: JOB.publish,
    queueName: QUEUES.refresh,
    data,
    opts: stageJobOptions(config, STAGE_ATTEMPTS.publish, { jobId: jobIds.publish(run.runId) }),
    children: [
      {
        name: JOB.build,
        queueName: QUEUES.refresh,
        data,
        opts: stageJobOptions(config, STAGE_ATTEMPTS.build, {
          jobId: jobIds.build(run.runId),
          ...onFailure(FAILURE_POLICY.build),
        }),
        children: [beforeBuild],
      },
    ],
  };
}

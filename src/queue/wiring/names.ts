/**
 * The one place that knows queue names, job names, job ids and the Redis keys the worker keeps
 * beside BullMQ's own. Every key lives under QUEUE_PREFIX, so several deployments (or tests) can
 * share one Redis without seeing each other.
 */
import { createHash } from 'node:crypto';
import type { FileSourceId } from '../../sources/registry.js';

export const QUEUES = {
  /** Run stages: fetch per file source, read/validate, careeronestop, build, publish. */
  refresh: 'refresh',
  /** One job per CareerOneStop occupation; paced by the queue's global rate limit. */
  careeronestop: 'careeronestop',
  /** Scheduler- and watchdog-produced jobs that ask for a refresh. */
  control: 'control',
} as const;

export const JOB = {
  fetch: 'fetch-source',
  read: 'read-validate',
  careeronestop: 'careeronestop',
  careerOneStopOccupation: 'careeronestop-occupation',
  build: 'build-score',
  publish: 'publish',
  scheduledRefresh: 'scheduled-refresh',
  watchdog: 'freshness-watchdog',
} as const;
export type JobName = (typeof JOB)[keyof typeof JOB];

export const SCHEDULER_IDS = { nightly: 'nightly-refresh', watchdog: 'freshness-watchdog' } as const;

/**
 * Stage job ids are derived from the run id, so a retried or duplicated enqueue of the same run can
 * never create a second copy of a stage (BullMQ ignores an add whose id exists). No `:` (BullMQ
 * reserves it in custom ids).
 */
export const jobIds = {
  fetch: (runId: string, source: FileSourceId) => `${runId}.fetch.${source}`,
  read: (runId: string) => `${runId}.read`,
  careeronestop: (runId: string) => `${runId}.careeronestop`,
  // `.c1s.` is part of stored job ids (jobs queued by an older worker must still parse): kept.
  careerOneStopOccupation: (runId: string, soc: string) => `${runId}.c1s.${soc}`,
  build: (runId: string) => `${runId}.build`,
  publish: (runId: string) => `${runId}.publish`,
};

/** The root of a run's flow: when it finishes, the run is finished. */
export const rootJobId = jobIds.publish;

/** Run ids sort by time: `run-20261127T030000Z-9f2c1a`. */
export const RUN_ID_PATTERN = /^run-\d{8}T\d{6}Z-[0-9a-f]{6}$/;

/**
 * A run id derived from something that already identifies the request (a scheduler job id), so a
 * retried control job asks for the same run instead of a new one.
 */
export function derivedRunId(at: Date, seed: string): string {
  const stamp = at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `run-${stamp}-${createHash('sha256').update(seed).digest('hex').slice(0, 6)}`;
}

/** Redis keys of the worker's own state (run history, active run, pacing, cluster metrics). */
export function keys(prefix: string) {
  const k = (...parts: string[]) => [prefix, ...parts].join(':');
  return {
    /** Sorted set of run ids by queue time (ms). */
    runs: k('runs'),
    run: (runId: string) => k('run', runId),
    /** The run that is queued or running; at most one. */
    activeRun: k('active-run'),
    schedulePaused: k('schedule', 'paused'),
    /** Set when CareerOneStop refused the credentials during a run: other units stop at once. */
    careerOneStopStopped: (runId: string) => k('run', runId, 'careeronestop-stopped'),
    /** GCRA state of the per-request CareerOneStop pace shared by every worker. */
    careerOneStopPace: k('pace', 'careeronestop'),
    metrics: {
      runs: k('metrics', 'runs'),
      upstream: k('metrics', 'upstream'),
      stageHistogram: k('metrics', 'stage-seconds'),
      lastPublish: k('metrics', 'last-publish'),
      /** source → Unix seconds of its last successful fetch. */
      sourceFetched: k('metrics', 'source-fetched'),
      /** source → rows rejected, summed over finished runs. */
      rejected: k('metrics', 'rejected'),
      /** gate name → runs in which it failed. */
      gateFailures: k('metrics', 'gate-failures'),
    },
  };
}
export type Keys = ReturnType<typeof keys>;

/** The run stage a job belongs to (`fetch:oews`, `read`, …); null for control jobs. */
export function stageOfJob(job: { name: string; data?: unknown }): string | null {
  switch (job.name) {
    case JOB.fetch:
      return `fetch:${(job.data as { source?: string } | undefined)?.source ?? 'unknown'}`;
    case JOB.read:
      return 'read';
    case JOB.careeronestop:
    case JOB.careerOneStopOccupation:
      return 'careeronestop';
    case JOB.build:
      return 'build';
    case JOB.publish:
      return 'publish';
    default:
      return null;
  }
}

/**
 * One BullMQ processor for every queue: look up the job's handler (jobs/*.ts, handed in), record the stage in
 * the run history, and turn what went wrong into what the queue must do:
 *   permanent (validation, 4xx other than 408/429, bad payload) → UnrecoverableError: no retry;
 *   upstream 429 → the queue's rate-limit mode + RateLimitError: no attempt spent;
 *   worker shutting down → the job goes back to the queue, no attempt spent;
 *   anything else → thrown as is: retried with exponential backoff up to the stage's attempts.
 * Error messages are scrubbed of secrets before BullMQ stores them.
 */
import {
  DelayedError,
  type Job,
  RateLimitError,
  UnrecoverableError,
  WaitingChildrenError,
  WaitingError,
  Worker,
} from 'bullmq';
import { ZodError } from 'zod';
import { secretValues } from '../../config.js';
import { errorMessage, isPermanent, UpstreamRateLimitError } from '../../errors.js';
import { scrub } from '../../log.js';
import { JOB, type JobName, stageOfJob } from '../wiring/names.js';
import type { JobDeps, JobHandler, JobIO } from './jobDeps.js';

/** The handler of each job name (jobs/index.ts); the worker's entry point hands them in. */
export type JobHandlers = Record<JobName, JobHandler>;

export interface ProcessorState {
  /** Set when the process is stopping: an aborted job is handed back instead of failed. */
  shuttingDown: boolean;
}

export class ShutdownError extends Error {
  constructor() {
    super('returned to the queue: the worker is shutting down');
    this.name = 'ShutdownError';
  }
}

const BULLMQ_FLOW_CONTROL = [DelayedError, WaitingChildrenError, WaitingError, RateLimitError];

/** Resolve with `work`, or reject with the signal's reason as soon as it aborts. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    work.catch(() => undefined);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason ?? new ShutdownError());
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

export function isPermanentFailure(err: unknown): boolean {
  return err instanceof UnrecoverableError || err instanceof ZodError || isPermanent(err);
}

/** Stage label for metrics: `fetch:oews` → `fetch`, so the histogram has one series per stage. */
function metricStage(stage: string): string {
  return stage.split(':')[0]!;
}

export function createProcessor(deps: JobDeps, state: ProcessorState, handlers: Partial<JobHandlers>) {
  const secrets = secretValues(deps.config);
  const clean = (err: unknown) => scrub(errorMessage(err), secrets);

  const timedFor =
    (runId: string | undefined, attempt: number) =>
    async <T>(stage: string, fn: () => Promise<T> | T): Promise<T> => {
      const startedAt = deps.now().toISOString();
      if (runId) await deps.runs.stageStarted(runId, stage, attempt, deps.workerName);
      const t0 = performance.now();
      try {
        const result = await fn();
        const ms = Math.round(performance.now() - t0);
        if (runId) {
          await deps.runs.stageEnded(runId, stage, {
            state: 'done',
            startedAt,
            attempt,
            ms,
            worker: deps.workerName,
          });
        }
        await deps.metrics.stageDuration(metricStage(stage), ms / 1000);
        return result;
      } catch (err) {
        if (runId) {
          await deps.runs.stageEnded(runId, stage, {
            state: 'failed',
            startedAt,
            attempt,
            error: clean(err),
            worker: deps.workerName,
          });
        }
        throw err;
      }
    };

  // Three parameters: BullMQ passes an AbortSignal only to processors that declare one.
  return async (job: Job, token: string | undefined, signal?: AbortSignal): Promise<unknown> => {
    const handler = handlers[job.name as JobName];
    if (!handler) throw new UnrecoverableError(`no handler for job "${job.name}" (queue ${job.queueName})`);
    const data = (job.data ?? {}) as { runId?: string; step?: string; plannedAt?: number };
    const runId = typeof data.runId === 'string' ? data.runId : undefined;
    const stage = job.name === JOB.careerOneStopOccupation ? null : stageOfJob(job);
    const attempt = job.attemptsMade + 1;
    // The careeronestop stage runs twice (plan, then collect after its children): one stage record.
    const resuming = job.name === JOB.careeronestop && data.step === 'collect';
    const startedMs = resuming && typeof data.plannedAt === 'number' ? data.plannedAt : Date.now();
    const startedAt = new Date(startedMs).toISOString();
    if (stage && runId && !resuming) await deps.runs.stageStarted(runId, stage, attempt, deps.workerName);
    const abort = signal ?? new AbortController().signal;
    let recordedDone = false;
    const ended = async (rec: { state: 'done' | 'retrying' | 'failed'; error?: string }) => {
      if (!stage || !runId || recordedDone) return;
      if (rec.state === 'done') recordedDone = true;
      const ms = Date.now() - startedMs;
      await deps.runs.stageEnded(runId, stage, { ...rec, startedAt, attempt, ms, worker: deps.workerName });
      if (rec.state === 'done') {
        await deps.metrics.stageDuration(metricStage(stage), ms / 1000);
        if (stage.startsWith('fetch:'))
          await deps.metrics.sourceFetched(stage.slice('fetch:'.length), deps.now());
      }
    };

    const io: JobIO = {
      token: token ?? '',
      signal: abort,
      timed: timedFor(runId, attempt),
      stageDone: () => ended({ state: 'done' }),
    };
    try {
      const result = await untilAborted(handler(deps, job, io), abort);
      await ended({ state: 'done' });
      return result;
    } catch (err) {
      if (BULLMQ_FLOW_CONTROL.some((cls) => err instanceof cls)) throw err;
      if (abort.aborted && state.shuttingDown) {
        await job.moveToDelayed(Date.now(), token);
        await ended({ state: 'retrying', error: new ShutdownError().message });
        deps.log.warn(
          { jobId: job.id, job: job.name, runId },
          'active job returned to the queue at shutdown',
        );
        throw new DelayedError();
      }
      if (err instanceof UpstreamRateLimitError) {
        await deps.pacer.pause(err.retryAfterMs);
        await deps.queues.careeronestop.rateLimit(err.retryAfterMs);
        deps.log.warn(
          { jobId: job.id, runId, retryAfterMs: err.retryAfterMs },
          'CareerOneStop answered 429: queue rate-limited, job back to wait (no attempt spent)',
        );
        throw Worker.RateLimitError();
      }
      const message = clean(err);
      const permanent = isPermanentFailure(err);
      const final = permanent || attempt >= (job.opts.attempts ?? 1);
      await ended({ state: final ? 'failed' : 'retrying', error: message }).catch(() => undefined);
      deps.log[final ? 'error' : 'warn'](
        { jobId: job.id, job: job.name, runId, attempt, permanent },
        `${job.name} failed${final ? '' : '; will retry'}: ${message}`,
      );
      if (permanent) throw new UnrecoverableError(message);
      if (message !== errorMessage(err)) throw new Error(message);
      throw err;
    }
  };
}

/**
 * How the processor classifies what a handler threw, with a fake job and fake dependencies (no
 * Redis, no worker process): permanent → no retry; retryable → thrown for BullMQ's backoff, failed on
 * the last attempt; upstream 429 → the queue rate-limited, no attempt spent; shutdown → handed back.
 */
import { DelayedError, type Job, RateLimitError, UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadConfig } from '../../../src/config.js';
import { HttpError, UpstreamRateLimitError, ValidationError } from '../../../src/errors.js';
import { silentLogger } from '../../../src/log.js';
import { JOB } from '../../../src/queue/wiring/names.js';
import type { JobDeps, JobHandler } from '../../../src/queue/worker/jobDeps.js';
import { createProcessor, type ProcessorState } from '../../../src/queue/worker/processor.js';

const RUN = 'run-20261127T030000Z-aaaaaa';
const TOKEN = 'tok-SECRET-9f2c1a';

interface Calls {
  stages: { stage: string; state: string; error?: string; attempt: number }[];
  paused: number[];
  rateLimited: number[];
  delayed: number;
}

function rig(
  handler: JobHandler,
  opts: { attemptsMade?: number; attempts?: number; state?: ProcessorState } = {},
) {
  const calls: Calls = { stages: [], paused: [], rateLimited: [], delayed: 0 };
  const deps = {
    config: loadConfig(
      { CAREERONESTOP_TOKEN: TOKEN, CAREERONESTOP_USER_ID: 'uid-1' },
      { checkSources: false },
    ),
    log: silentLogger,
    workerName: 'test:1',
    now: () => new Date('2026-11-27T03:00:00Z'),
    runs: {
      stageStarted: async (_run: string, stage: string, attempt: number) => {
        calls.stages.push({ stage, state: 'active', attempt });
      },
      stageEnded: async (
        _run: string,
        stage: string,
        rec: { state: string; error?: string; attempt: number },
      ) => {
        calls.stages.push({
          stage,
          state: rec.state,
          attempt: rec.attempt,
          ...(rec.error ? { error: rec.error } : {}),
        });
      },
    },
    metrics: { stageDuration: async () => {} },
    pacer: {
      pause: async (ms: number) => {
        calls.paused.push(ms);
      },
    },
    queues: {
      careeronestop: {
        rateLimit: async (ms: number) => {
          calls.rateLimited.push(ms);
        },
      },
    },
  } as unknown as JobDeps;
  const job = {
    id: `${RUN}.read`,
    name: JOB.read,
    data: { runId: RUN, trigger: 'manual', sources: ['oews'], force: false },
    attemptsMade: opts.attemptsMade ?? 0,
    opts: { attempts: opts.attempts ?? 2 },
    moveToDelayed: async () => {
      calls.delayed += 1;
    },
  } as unknown as Job;
  const state = opts.state ?? { shuttingDown: false };
  const process = createProcessor(deps, state, { [JOB.read]: handler });
  return { calls, job, process, run: (signal?: AbortSignal) => process(job, 'lock-token', signal) };
}

const failing =
  (err: unknown): JobHandler =>
  async () => {
    throw err;
  };

describe('the processor', () => {
  it('a validation failure is permanent: UnrecoverableError, the stage failed on its first attempt', async () => {
    const { calls, run } = rig(
      failing(new ValidationError('oews: 3 detailed occupations; expected 700', 'oews')),
    );
    const err = await run().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnrecoverableError);
    expect((err as Error).message).toMatch(/expected 700/);
    expect(calls.stages).toEqual([
      { stage: 'read', state: 'active', attempt: 1 },
      { stage: 'read', state: 'failed', attempt: 1, error: 'oews: 3 detailed occupations; expected 700' },
    ]);
  });

  it('a 404 and a malformed payload (zod) are permanent too', async () => {
    const notFound = new HttpError('GET /x answered 404', '/x', 404, false);
    expect(
      await rig(failing(notFound))
        .run()
        .catch((e: unknown) => e),
    ).toBeInstanceOf(UnrecoverableError);
    const zodError = z.object({ runId: z.string() }).safeParse({}).error;
    expect(
      await rig(failing(zodError))
        .run()
        .catch((e: unknown) => e),
    ).toBeInstanceOf(UnrecoverableError);
  });

  it('a retryable failure is thrown as is for BullMQ to retry, the stage marked retrying', async () => {
    const unavailable = new HttpError('GET /x answered 503', '/x', 503, true);
    const { calls, run } = rig(failing(unavailable), { attemptsMade: 0, attempts: 3 });
    expect(await run().catch((e: unknown) => e)).toBe(unavailable);
    expect(calls.stages.at(-1)).toMatchObject({ stage: 'read', state: 'retrying', attempt: 1 });
  });

  it('the same failure on the last attempt marks the stage failed', async () => {
    const unavailable = new HttpError('GET /x answered 503', '/x', 503, true);
    const { calls, run } = rig(failing(unavailable), { attemptsMade: 2, attempts: 3 });
    const err = await run().catch((e: unknown) => e);
    expect(err).toBe(unavailable);
    expect(err).not.toBeInstanceOf(UnrecoverableError);
    expect(calls.stages.at(-1)).toMatchObject({ stage: 'read', state: 'failed', attempt: 3 });
  });

  it('an upstream 429 rate-limits the queue and the pacer for its Retry-After, spending no attempt', async () => {
    const { calls, run } = rig(failing(new UpstreamRateLimitError('CareerOneStop answered 429', 7_000)));
    const err = await run().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect(calls.paused).toEqual([7_000]);
    expect(calls.rateLimited).toEqual([7_000]);
    // Neither failed nor retrying: the job waits without counting an attempt.
    expect(calls.stages.map((s) => s.state)).toEqual(['active']);
  });

  it('a job aborted at shutdown goes back to the queue (DelayedError), not failed', async () => {
    const controller = new AbortController();
    const state = { shuttingDown: false };
    const { calls, run } = rig(() => new Promise(() => {}), { state });
    const running = run(controller.signal);
    state.shuttingDown = true;
    controller.abort(new Error('worker shutdown'));
    expect(await running.catch((e: unknown) => e)).toBeInstanceOf(DelayedError);
    expect(calls.delayed).toBe(1);
    expect(calls.stages.at(-1)).toMatchObject({
      state: 'retrying',
      error: expect.stringMatching(/shutting down/),
    });
  });

  it('scrubs secrets from the message BullMQ stores and the run history keeps', async () => {
    const { calls, run } = rig(failing(new Error(`GET https://api.example/v1/x?token=${TOKEN} failed`)));
    const err = await run().catch((e: unknown) => e);
    expect((err as Error).message).not.toContain(TOKEN);
    expect(JSON.stringify(calls.stages)).not.toContain(TOKEN);
  });

  it('a job with no handler fails permanently, naming it', async () => {
    const { job, process } = rig(async () => 'unused');
    const err = await process({ ...job, name: 'no-such-job' } as Job, 'lock-token').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnrecoverableError);
    expect((err as Error).message).toMatch(/no handler for job "no-such-job"/);
  });
});

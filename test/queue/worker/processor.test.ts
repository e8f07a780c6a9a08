/**
 * How the processor classifies what a handler threw, with a fake job and fake dependencies (no
 * Redis, no worker process): permanent → no retry; retryable → thrown for BullMQ's backoff, failed on
 * the last attempt; upstream 429 → the queue rate-limited, no attempt spent; shutdown → handed back.
 */
import { DelayedError, type Job, RateLimitError, UnrecoverableError, WaitingChildrenError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadConfig } from '../../../src/config.js';
import {
  AuthError,
  HttpError,
  PermanentError,
  UnexpectedContentError,
  UpstreamRateLimitError,
  ValidationError,
} from '../../../src/errors.js';
import { silentLogger } from '../../../src/log.js';
import { JOB, type JobName } from '../../../src/queue/wiring/names.js';
import type { JobDeps, JobHandler } from '../../../src/queue/worker/jobDeps.js';
import { createProcessor, type ProcessorState } from '../../../src/queue/worker/processor.js';

const RUN = 'run-20261127T030000Z-aaaaaa';
const TOKEN = 'tok-SECRET-9f2c1a';

interface Calls {
  stages: { stage: string; state: string; error?: string; attempt: number }[];
  paused: number[];
  rateLimited: number[];
  delayed: number;
  durations: string[];
}

function rig(
  handler: JobHandler,
  opts: { attemptsMade?: number; attempts?: number; state?: ProcessorState; name?: JobName } = {},
) {
  const calls: Calls = { stages: [], paused: [], rateLimited: [], delayed: 0, durations: [] };
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
    metrics: {
      stageDuration: async (stage: string) => {
        calls.durations.push(stage);
      },
    },
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
  const name = opts.name ?? JOB.read;
  const job = {
    id: `${RUN}.${name}`,
    name,
    data: { runId: RUN, trigger: 'manual', sources: ['oews'], force: false },
    attemptsMade: opts.attemptsMade ?? 0,
    opts: { attempts: opts.attempts ?? 2 },
    moveToDelayed: async () => {
      calls.delayed += 1;
    },
  } as unknown as Job;
  const state = opts.state ?? { shuttingDown: false };
  const process = createProcessor(deps, state, { [name]: handler });
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

  it.each([
    ['a rejected credential (401/403)', new AuthError('CareerOneStop answered 401', 'careeronestop')],
    ['a body that is not the file asked for', new UnexpectedContentError('got an HTML page', '/x')],
    ['a 410 Gone', new HttpError('GET /x answered 410', '/x', 410, false)],
    ['any PermanentError', new PermanentError('bad configuration')],
    ["a handler's own UnrecoverableError", new UnrecoverableError('payload names no source')],
  ])('%s is permanent: UnrecoverableError on the first of several attempts', async (_what, thrown) => {
    const { calls, run } = rig(failing(thrown), { attemptsMade: 0, attempts: 5 });
    const err = await run().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnrecoverableError);
    expect((err as Error).message).toBe(thrown.message);
    expect(calls.stages.at(-1)).toMatchObject({ stage: 'read', state: 'failed', attempt: 1 });
    expect(calls.paused).toEqual([]);
  });

  it.each([
    ['a 408', new HttpError('GET /x answered 408', '/x', 408, true)],
    ['a plain 429 from a file download', new HttpError('GET /x answered 429', '/x', 429, true)],
    ['a network error (no status)', new HttpError('GET /x failed: ECONNRESET', '/x', undefined, true)],
    ['an unclassified error', new Error('disk full')],
  ])('%s is retryable: thrown as is, the stage retrying, no rate limit', async (_what, thrown) => {
    const { calls, run } = rig(failing(thrown), { attemptsMade: 0, attempts: 3 });
    const err = await run().catch((e: unknown) => e);
    expect(err).toBe(thrown);
    expect(err).not.toBeInstanceOf(UnrecoverableError);
    expect(calls.stages.at(-1)).toMatchObject({ stage: 'read', state: 'retrying', attempt: 1 });
    expect({ paused: calls.paused, rateLimited: calls.rateLimited }).toEqual({ paused: [], rateLimited: [] });
  });

  it("passes BullMQ's own flow-control errors through untouched, ending no stage", async () => {
    for (const thrown of [new DelayedError(), new WaitingChildrenError(), new RateLimitError()]) {
      const { calls, run } = rig(failing(thrown));
      expect(await run().catch((e: unknown) => e)).toBe(thrown);
      expect(calls.stages.map((s) => s.state)).toEqual(['active']);
    }
  });

  it('an abort while the worker is not shutting down is an ordinary retryable failure, not a hand-back', async () => {
    const controller = new AbortController();
    const { calls, run } = rig(() => new Promise(() => {}), { attempts: 3 });
    const running = run(controller.signal);
    controller.abort(new Error('lock lost'));
    const err = await running.catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(DelayedError);
    expect((err as Error).message).toBe('lock lost');
    expect(calls.delayed).toBe(0);
    expect(calls.stages.at(-1)).toMatchObject({ state: 'retrying', error: 'lock lost' });
  });

  it('a handler that succeeds: its result returned, the stage done once, its duration counted', async () => {
    const { calls, run } = rig(async () => ({ records: 3 }));
    expect(await run()).toEqual({ records: 3 });
    expect(calls.stages.map((s) => s.state)).toEqual(['active', 'done']);
    expect(calls.durations).toEqual(['read']);
  });

  it("a CareerOneStop occupation's 429 rate-limits the queue without touching the stage record", async () => {
    const { calls, run } = rig(failing(new UpstreamRateLimitError('CareerOneStop answered 429', 2_000)), {
      name: JOB.careerOneStopOccupation,
    });
    expect(await run().catch((e: unknown) => e)).toBeInstanceOf(RateLimitError);
    expect(calls.rateLimited).toEqual([2_000]);
    expect(calls.stages).toEqual([]);
  });
});

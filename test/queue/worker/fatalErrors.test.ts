/**
 * Nothing dies silently: an error thrown from a timer inside a job (no job code can catch it) is
 * logged with the run and job it happened in, the worker exits non-zero, and BullMQ's stalled-job
 * recovery hands the stage to another worker, so the run still publishes.
 */
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { FATAL_EXIT_CODE } from '../../../src/processGuard.js';
import { jobIds } from '../../../src/queue/wiring/names.js';
import { type QueueHarness, queueHarness } from '../support/harness.js';

const redisUrl = inject('redisUrl');
const THROW_FROM_TIMER = path.join(import.meta.dirname, '..', 'support', 'throwFromTimer.ts');

let h: QueueHarness;
beforeEach(async () => {
  h = await queueHarness(redisUrl, { QUEUE_LOCK_DURATION: '4s', QUEUE_STALLED_INTERVAL: '2s' });
});
afterEach(async () => {
  await h.close();
});

describe('an error nobody can catch inside a job', () => {
  it('is logged with run and job, exits the worker non-zero, and another worker takes the stage over', async () => {
    const doomed = await h.spawnWorker(
      { CAREERDATA_TEST_THROW_ON: 'occupation\\.xlsx$' },
      { preload: THROW_FROM_TIMER },
    );
    const producer = await h.producer();
    const { runId } = await producer.request({ trigger: 'manual' });

    const exit = await doomed.exited;
    expect(exit).toEqual({ code: FATAL_EXIT_CODE, signal: null });
    const fatal = doomed.lines
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((r) => r.level === 60);
    expect(fatal).toMatchObject({
      msg: 'careerdata worker: uncaught exception; exiting',
      kind: 'uncaught exception',
      runId,
      jobId: jobIds.fetch(runId, 'ep'),
      stage: 'fetch:ep',
      err: { message: expect.stringContaining('thrown from a timer') },
    });

    const rescuer = await h.spawnWorker();
    const run = await h.waitForRun(runId, 60_000);
    expect(run.status).toBe('published');
    expect(run.stages['fetch:ep']).toMatchObject({ state: 'done', worker: rescuer.name });
  }, 90_000);
});

import type { Job } from 'bullmq';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { freshnessWatchdogJob } from '../../../jobs/freshnessWatchdog.js';
import { JOB_HANDLERS } from '../../../jobs/index.js';
import { silentLogger } from '../../../src/log.js';
import { freshnessDecision } from '../../../src/queue/runs/freshness.js';
import type { JobIO } from '../../../src/queue/worker/jobDeps.js';
import { startWorkerProcess, type WorkerProcess } from '../../../src/queue/worker/workerProcess.js';
import { waitFor } from '../../support/waitFor.js';
import { type QueueHarness, queueHarness } from '../support/harness.js';

const H = 3_600_000;
const now = new Date('2026-11-27T12:00:00Z');

describe('the freshness rule', () => {
  it('asks for a catch-up when latest is older than MAX_SNAPSHOT_AGE and nothing is running', () => {
    const old = new Date(now.getTime() - 40 * H).toISOString();
    expect(
      freshnessDecision({ latestCreatedAt: old, activeRunId: null, maxAgeMs: 36 * H, now }),
    ).toMatchObject({
      action: 'catch-up',
      reason: 'latest is 40.0 h old, more than MAX_SNAPSHOT_AGE (36.0 h)',
    });
    expect(
      freshnessDecision({ latestCreatedAt: null, activeRunId: null, maxAgeMs: 36 * H, now }).action,
    ).toBe('catch-up');
  });

  it('does nothing while a run is active, when latest is fresh, or while the schedule is paused', () => {
    const old = new Date(now.getTime() - 40 * H).toISOString();
    const fresh = new Date(now.getTime() - 2 * H).toISOString();
    expect(
      freshnessDecision({ latestCreatedAt: old, activeRunId: 'run-x', maxAgeMs: 36 * H, now }).action,
    ).toBe('none');
    expect(
      freshnessDecision({ latestCreatedAt: fresh, activeRunId: null, maxAgeMs: 36 * H, now }).action,
    ).toBe('none');
    expect(
      freshnessDecision({
        latestCreatedAt: old,
        activeRunId: null,
        schedulePaused: true,
        maxAgeMs: 36 * H,
        now,
      }).action,
    ).toBe('none');
  });
});

describe('the freshness watchdog job', () => {
  const redisUrl = inject('redisUrl');
  let h: QueueHarness;
  let worker: WorkerProcess | undefined;
  beforeEach(async () => {
    h = await queueHarness(redisUrl);
  });
  afterEach(async () => {
    await worker?.stop('test done');
    await h.close();
  });

  const io: JobIO = {
    token: '',
    signal: new AbortController().signal,
    timed: async (_s, fn) => fn(),
    stageDone: async () => {},
  };
  const watchdogJob = (id: string) =>
    ({ id, name: 'freshness-watchdog', timestamp: Date.now(), data: {} }) as unknown as Job;

  it('runs at worker start-up and enqueues a catch-up refresh when nothing has been published', async () => {
    worker = await startWorkerProcess(h.config({ WATCHDOG_INTERVAL: '1h' }), silentLogger, {
      handlers: JOB_HANDLERS,
    });
    const runs = worker.deps.runs;
    let catchUp: string | undefined;
    await waitFor(async () => {
      catchUp = (await runs.list(5)).find((r) => r.trigger === 'catch-up')?.runId;
      return catchUp !== undefined;
    }, 'the start-up watchdog to enqueue a catch-up run');
    expect((await h.waitForRun(catchUp!)).status).toBe('published');

    // Latest is now fresh: the next check leaves things alone.
    const calm = await freshnessWatchdogJob(worker.deps, watchdogJob('check-2'), io);
    expect(calm).toMatchObject({ decision: { action: 'none', reason: 'latest is fresh' } });
  }, 60_000);

  it('does not start a second run while one is active', async () => {
    worker = await startWorkerProcess(h.config({ MAX_SNAPSHOT_AGE: '1ms' }), silentLogger, {
      handlers: JOB_HANDLERS,
    });
    const producer = await h.producer();
    const held = h.proxy.hold(/occupation\.xlsx$/);
    const { runId } = await producer.request({ trigger: 'manual' });
    await held.arrived;
    const result = await freshnessWatchdogJob(worker.deps, watchdogJob('check-1'), io);
    expect(result.decision).toMatchObject({ action: 'none', reason: `run ${runId} is under way` });
    held.release();
    await h.waitForRun(runId);
    const stale = await freshnessWatchdogJob(worker.deps, watchdogJob('check-3'), io);
    expect(stale).toMatchObject({ decision: { action: 'catch-up' }, created: true });
    await h.waitForRun(stale.runId!);
  }, 60_000);
});

import { UnrecoverableError, Worker } from 'bullmq';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { silentLogger } from '../../../src/log.js';
import type { ChangeEvent } from '../../../src/notify/events.js';
import type { Producer } from '../../../src/queue/runs/producer.js';
import {
  type RequestDeps,
  reconcileActiveRun,
  requestRefresh,
} from '../../../src/queue/runs/requestRefresh.js';
import { QUEUES } from '../../../src/queue/wiring/names.js';
import { waitFor } from '../../support/waitFor.js';
import { type QueueHarness, queueHarness } from '../support/harness.js';

const redisUrl = inject('redisUrl');
let h: QueueHarness;
let p: Producer;
let emitted: ChangeEvent[];
let deps: RequestDeps;

beforeEach(async () => {
  h = await queueHarness(redisUrl);
  p = await h.producer();
  emitted = [];
  deps = {
    config: h.config(),
    log: silentLogger,
    runs: p.runs,
    flows: p.flows,
    queues: p.queues,
    events: { emit: async (e) => void emitted.push(e) },
  };
});
afterEach(async () => {
  await h.close();
});

describe('asking for a refresh', () => {
  it('enqueues the flow once and hands back the active run to later requests', async () => {
    const a = await requestRefresh(deps, { trigger: 'manual', sources: ['oews', 'ep'] });
    const b = await requestRefresh(deps, { trigger: 'schedule' });
    expect(a.created).toBe(true);
    expect(b).toEqual({ runId: a.runId, created: false, status: 'queued' });
    const counts = await p.queues.refresh.getJobCounts('waiting', 'waiting-children');
    // publish + build + read wait for children; the two fetches wait to run.
    expect(counts).toEqual({ waiting: 2, 'waiting-children': 3 });
    expect((await p.runs.get(a.runId))?.sources).toEqual(['oews', 'ep']);
  });

  it('reconciles a run whose flow failed unrecorded, naming the job that really failed', async () => {
    const { runId } = await requestRefresh(deps, { trigger: 'manual', sources: ['oews'] });
    // A bare worker with no run bookkeeping fails the fetch: the failure is not recorded in the history.
    const bare = new Worker(
      QUEUES.refresh,
      async () => {
        throw new UnrecoverableError('upstream file vanished');
      },
      { connection: { url: redisUrl }, prefix: h.prefix },
    );
    try {
      await waitFor(
        async () => ((await p.queues.refresh.getJobCounts('failed')).failed ?? 0) >= 4,
        'the fetch and its parents to fail',
      );
    } finally {
      await bare.close();
    }
    expect((await p.runs.get(runId))?.finishedAt).toBeNull();
    expect(await reconcileActiveRun(deps)).toBeNull();
    const run = await p.runs.get(runId);
    expect(run?.outcome).toMatchObject({
      status: 'failed',
      failedStage: 'fetch:oews',
      error: 'upstream file vanished',
    });
    expect(emitted.map((e) => e.type)).toEqual(['refresh.failed']);
    expect((await requestRefresh(deps, { trigger: 'manual' })).created).toBe(true);
  });

  it('finishes an orphan run that never got its jobs, once it is old enough', async () => {
    const old = new Date(Date.now() - 5 * 60_000).toISOString();
    await p.runs.claim({
      runId: 'run-20261127T030000Z-0a0a0a',
      trigger: 'manual',
      sources: ['oews'],
      force: false,
      queuedAt: old,
    });
    const fresh = await requestRefresh(deps, { trigger: 'manual' });
    expect(fresh.created).toBe(true);
    expect((await p.runs.get('run-20261127T030000Z-0a0a0a'))?.outcome?.error).toMatch(/no jobs in the queue/);
  });
});

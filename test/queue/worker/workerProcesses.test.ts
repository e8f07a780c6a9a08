/**
 * Acceptance against a real Redis with worker child processes and the offline fixtures behind a
 * recording proxy: several workers share one run; a crashed or stopped worker's stage is finished
 * by another; each run publishes exactly one snapshot.
 */
import { Job } from 'bullmq';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { jobIds } from '../../../src/queue/wiring/names.js';
import { waitFor } from '../../support/waitFor.js';
import { runCli } from '../support/cli.js';
import { type QueueHarness, queueHarness } from '../support/harness.js';

const redisUrl = inject('redisUrl');
/** The EP workbook: holding its download keeps a run inside its fetch stage for as long as a test needs. */
const EP_FILE = /occupation\.xlsx$/;

let h: QueueHarness;
beforeEach(async () => {
  // Short locks so a dead worker's job is recovered within seconds.
  h = await queueHarness(redisUrl, { QUEUE_LOCK_DURATION: '4s', QUEUE_STALLED_INTERVAL: '2s' });
});
afterEach(async () => {
  await h.close();
});

describe('worker processes sharing one Redis', () => {
  it('two workers and a trigger publish one snapshot; a trigger while it runs gets the same run id', async () => {
    const held = h.proxy.hold(EP_FILE);
    await Promise.all([h.spawnWorker(), h.spawnWorker()]);
    const producer = await h.producer();
    const first = await producer.request({ trigger: 'manual' });
    expect(first.created).toBe(true);
    await held.arrived;

    const again = await producer.request({ trigger: 'manual', force: true });
    expect(again).toEqual({ runId: first.runId, created: false, status: 'running' });
    // The CLI, asked while the run is under way, follows that run (--wait) to its end.
    const cli = runCli(['trigger', '--wait'], h.env());
    await waitFor(() => cli.output().stdout.includes(first.runId), 'the CLI to print the run id');
    expect(cli.output().stderr).toMatch(/already running/);

    held.release();
    const done = await cli.done;
    expect(done.code).toBe(0);
    expect(done.stdout.split('\n')[0]).toBe(first.runId);
    expect(done.stdout).toMatch(/Published snapshot \S+ \(\d+ occupations\)/);
    const run = await h.waitForRun(first.runId);
    expect(run.status).toBe('published');
    expect(await h.store().listIds()).toEqual([run.outcome!.snapshotId]);
    expect(await h.store().latestId()).toBe(run.outcome!.snapshotId);
    for (const stage of ['fetch:oews', 'fetch:ep', 'read', 'checks', 'careeronestop', 'build', 'publish']) {
      expect(run.stages[stage]?.state, stage).toBe('done');
    }
  }, 60_000);

  it('a worker killed with SIGKILL mid-stage: another recovers the stage and the run publishes one snapshot', async () => {
    const held = h.proxy.hold(EP_FILE);
    const workers = await Promise.all([h.spawnWorker(), h.spawnWorker()]);
    const producer = await h.producer();
    const { runId } = await producer.request({ trigger: 'manual' });
    await held.arrived;
    const job = await Job.fromId(producer.queues.refresh, jobIds.fetch(runId, 'ep'));
    const holder = workers.find((w) => w.name === job?.processedBy);
    expect(holder, `fetch:ep is held by ${job?.processedBy}`).toBeDefined();
    holder!.signal('SIGKILL');
    expect((await holder!.exited).signal).toBe('SIGKILL');
    held.release();

    const run = await h.waitForRun(runId, 60_000);
    expect(run.status).toBe('published');
    const survivor = workers.find((w) => w !== holder)!;
    expect(run.stages['fetch:ep']).toMatchObject({ state: 'done', worker: survivor.name });
    expect(run.stages.publish?.worker).toBe(survivor.name);
    expect(await h.store().listIds()).toHaveLength(1);
  }, 90_000);

  // "In time" is the worker's own SHUTDOWN_TIMEOUT deadline (tested on a fake clock in
  // workerProcess.test.ts); here the held download can only end by that budget, which the log shows.
  it('SIGTERM during a stage: the worker hands the job back within its shutdown budget and exits 0; the other worker completes the run', async () => {
    const held = h.proxy.hold(EP_FILE);
    const workers = await Promise.all([
      h.spawnWorker({ SHUTDOWN_TIMEOUT: '3s' }),
      h.spawnWorker({ SHUTDOWN_TIMEOUT: '3s' }),
    ]);
    const producer = await h.producer();
    const { runId } = await producer.request({ trigger: 'manual' });
    await held.arrived;
    const job = await Job.fromId(producer.queues.refresh, jobIds.fetch(runId, 'ep'));
    const holder = workers.find((w) => w.name === job?.processedBy);
    expect(holder).toBeDefined();

    holder!.signal('SIGTERM');
    const exit = await holder!.exited;
    expect(exit.code).toBe(0);
    // The download is held until after the exit: the stop waited its budget (most of the 3 s), then
    // handed the job back, in that order.
    const shutdown = holder!.lines
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { msg: string; waitMs?: number })
      .filter((l) => /^stopping|did not finish in time|returned to the queue at shutdown/.test(l.msg));
    expect(shutdown.map((l) => l.msg)).toEqual([
      'stopping: taking no new jobs, waiting for active jobs',
      'active jobs did not finish in time: returning them to the queue',
      'active job returned to the queue at shutdown',
    ]);
    expect(shutdown[0]!.waitMs).toBeLessThan(3_000);
    held.release();

    const run = await h.waitForRun(runId, 60_000);
    expect(run.status).toBe('published');
    const survivor = workers.find((w) => w !== holder)!;
    expect(run.stages['fetch:ep']?.worker).toBe(survivor.name);
    // Handing the job back did not spend one of its attempts.
    const done = await Job.fromId(producer.queues.refresh, jobIds.fetch(runId, 'ep'));
    expect(done?.attemptsMade).toBe(1);
    expect(await h.store().listIds()).toHaveLength(1);
  }, 90_000);
});

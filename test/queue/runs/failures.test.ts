/**
 * How failures end a run (real Redis, an in-process worker, the offline fixtures behind a proxy):
 * a validation failure is not retried and reaches the history and the refresh.failed event; a
 * failed BLS fetch fails the run; CareerOneStop refusing the credentials degrades instead.
 */
import { Job } from 'bullmq';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { JOB_HANDLERS } from '../../../jobs/index.js';
import { silentLogger } from '../../../src/log.js';
import type { ChangeEvent } from '../../../src/notify/events.js';
import { jobIds } from '../../../src/queue/wiring/names.js';
import { startWorkerProcess, type WorkerProcess } from '../../../src/queue/worker/workerProcess.js';
import { runCli } from '../support/cli.js';
import { type QueueHarness, queueHarness } from '../support/harness.js';

const redisUrl = inject('redisUrl');
let h: QueueHarness;
let worker: WorkerProcess | undefined;

beforeEach(async () => {
  h = await queueHarness(redisUrl);
});
afterEach(async () => {
  await worker?.stop('test done');
  worker = undefined;
  await h.close();
});

async function events(stream: string): Promise<ChangeEvent[]> {
  const producer = await h.producer();
  const entries = await producer.redis.xrange(stream, '-', '+');
  return entries.map(([, fields]) => {
    const i = fields.findIndex((f, n) => n % 2 === 0 && (f === 'event' || f === 'data' || f === 'payload'));
    return JSON.parse(fields[i + 1]!) as ChangeEvent;
  });
}

describe('a run that fails', () => {
  it('on a validation failure: no retry; the history and the refresh.failed event carry the reason', async () => {
    worker = await startWorkerProcess(h.config({ MIN_DETAILED_OCCUPATIONS: '1000' }), silentLogger, {
      handlers: JOB_HANDLERS,
    });
    const producer = await h.producer();
    const { runId } = await producer.request({ trigger: 'manual' });
    const run = await h.waitForRun(runId);

    expect(run.status).toBe('failed');
    expect(run.outcome).toMatchObject({ status: 'failed', failedStage: 'read', snapshotId: null });
    expect(run.outcome!.error).toMatch(/expected at least 1000 \(MIN_DETAILED_OCCUPATIONS\)/);
    expect(run.stages.read).toMatchObject({ state: 'failed', attempt: 1 });
    expect(run.stages.checks).toMatchObject({ state: 'failed' });
    const read = await Job.fromId(producer.queues.refresh, jobIds.read(runId));
    expect(read?.opts.attempts).toBeGreaterThan(1);
    expect(read?.attemptsMade).toBe(1);
    expect(await h.store().latestId()).toBeNull();

    const failed = (await events(`${h.prefix}:events`)).filter((e) => e.type === 'refresh.failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ run: { id: runId, trigger: 'manual' }, error: { stage: 'read' } });
    expect(failed[0]!.error!.message).toMatch(/MIN_DETAILED_OCCUPATIONS/);
    // The slot is free again: the next request starts a new run.
    expect((await producer.request({ trigger: 'manual' })).created).toBe(true);
  }, 60_000);

  it('when a BLS file cannot be fetched: the run fails in that fetch, naming the file; no stage stays active', async () => {
    h.proxy.intercept(/occupation\.xlsx$/, () => ({ status: 404, body: 'not found' }));
    // The OEWS download is still under way when the EP fetch fails the run.
    const held = h.proxy.hold(/oe\.data\.0\.Current$/);
    worker = await startWorkerProcess(h.config(), silentLogger, { handlers: JOB_HANDLERS });
    const producer = await h.producer();
    const { runId } = await producer.request({ trigger: 'manual' });
    await held.arrived;
    const run = await h.waitForRun(runId);
    held.release();
    expect(run.outcome).toMatchObject({ status: 'failed', failedStage: 'fetch:ep' });
    expect(run.outcome!.error).toMatch(/occupation\.xlsx.*404/);
    expect(run.stages['fetch:ep']).toMatchObject({ state: 'failed' });
    expect(run.stages['fetch:oews']).toMatchObject({ state: 'cancelled', error: /run ended \(failed\)/ });
    for (const [stage, s] of Object.entries(run.stages))
      expect(['done', 'failed', 'cancelled'], stage).toContain(s.state);
    // 404 is permanent: one attempt, not four.
    expect(h.proxy.log.filter((e) => /occupation\.xlsx$/.test(e.path))).toHaveLength(1);
    expect(await h.store().latestId()).toBeNull();
  }, 60_000);

  it('degrades when CareerOneStop refuses the credentials: the source stops once, the run still publishes', async () => {
    h.proxy.intercept(/^\/v1\//, () => ({ status: 401, body: 'Unauthorized' }));
    worker = await startWorkerProcess(h.config({ CAREERONESTOP_CONCURRENCY: '2' }), silentLogger, {
      handlers: JOB_HANDLERS,
    });
    const producer = await h.producer();
    const { runId } = await producer.request({ trigger: 'manual' });
    const run = await h.waitForRun(runId);
    expect(run.status).toBe('published');
    expect(run.careeronestop?.failed).toBe(run.careeronestop?.total);
    // Units that saw the stop flag made no request: far fewer 401s than occupations.
    const refused = h.proxy.log.filter((e) => /^\/v1\//.test(e.path));
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.length).toBeLessThanOrEqual(2);
    const quality = run.outcome?.quality as { careeronestop?: { stopped?: string } } | undefined;
    expect(quality?.careeronestop?.stopped).toMatch(/HTTP 401/);
  }, 60_000);

  it('`careerdata trigger --wait` exits 1 with the reason; `runs` and `runs show` keep it', async () => {
    worker = await startWorkerProcess(h.config({ MIN_DETAILED_OCCUPATIONS: '1000' }), silentLogger, {
      handlers: JOB_HANDLERS,
    });
    const triggered = await runCli(['trigger', '--wait'], h.env()).done;
    expect(triggered.code).toBe(1);
    const runId = triggered.stdout.trim();
    expect(runId).toMatch(/^run-\d{8}T\d{6}Z-[0-9a-f]{6}$/);
    expect(triggered.stderr).toMatch(/Failed in read; latest stays \(none\)/);
    expect(triggered.stderr).toMatch(/reason: .*MIN_DETAILED_OCCUPATIONS/);

    const [list, show] = await Promise.all([
      runCli(['runs', '--json'], h.env()).done,
      runCli(['runs', 'show', runId], h.env()).done,
    ]);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)[0]).toMatchObject({ runId, trigger: 'manual', status: 'failed' });
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/status\s+failed/);
    expect(show.stdout).toMatch(/read\s+failed/);
    expect(show.stdout).toMatch(/MIN_DETAILED_OCCUPATIONS/);
  }, 60_000);

  it('blocked by a quality gate: the history keeps the gate report and refresh.failed says so', async () => {
    // Run 1 publishes the baseline; run 2 drops the EP-only occupations, which the gate refuses.
    worker = await startWorkerProcess(h.config({ GATE_MAX_OCCUPATION_DROP: '0' }), silentLogger, {
      handlers: JOB_HANDLERS,
    });
    const producer = await h.producer();
    const first = await producer.request({ trigger: 'manual' });
    expect((await h.waitForRun(first.runId)).status).toBe('published');
    const second = await producer.request({ trigger: 'manual', sources: ['oews', 'exposure', 'epoch'] });
    const run = await h.waitForRun(second.runId);
    expect(run.status).toBe('blocked');
    expect(run.outcome?.gateReport).toBeDefined();
    expect(run.outcome?.gateFailures?.length).toBeGreaterThan(0);
    expect(run.outcome?.snapshotId).toBe((await h.waitForRun(first.runId)).outcome?.snapshotId);
    expect(await h.store().listIds()).toHaveLength(1);
    const failed = (await events(`${h.prefix}:events`)).filter((e) => e.type === 'refresh.failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]!.error!.message).toMatch(/^blocked by quality gates: /);
  }, 60_000);
});

/**
 * A worker process builds its I/O once: every job's run context uses the worker's own Redis
 * connection, one snapshot store (publish lock in Redis) and one notifier — no second set.
 */
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { JOB_HANDLERS } from '../../../jobs/index.js';
import { silentLogger } from '../../../src/log.js';
import { startWorkerProcess, type WorkerProcess } from '../../../src/queue/worker/workerProcess.js';
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

describe('the worker process I/O', () => {
  it('hands every job the worker’s Redis connection, store and notifier (REDIS_URL set explicitly)', async () => {
    const config = h.config();
    expect(config.redisConfigured).toBe(true);
    worker = await startWorkerProcess(config, silentLogger, { handlers: JOB_HANDLERS });
    const { deps } = worker;
    expect(deps.base.redis).toBe(deps.redis);
    expect(deps.events).toBe(deps.base.notifier);
    const ctx = deps.ctxFor({ sources: ['oews'] });
    expect(ctx.redis).toBe(deps.redis);
    expect(ctx.store).toBe(deps.base.store);
    expect(ctx.notifier).toBe(deps.base.notifier);
  });
});

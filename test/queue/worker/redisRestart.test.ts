/**
 * A Redis restart in the middle of a run: the workers reconnect and the run completes. Uses its own
 * redis-server on a free port (append-only file on, as in production), never the shared one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OwnRedis, redisServerOnPath, startRedisServer } from '../../support/redisServer.js';
import { type QueueHarness, queueHarness } from '../support/harness.js';

const hasRedisServer = redisServerOnPath();

describe.skipIf(!hasRedisServer)('a Redis restart mid-run', () => {
  let redis: OwnRedis;
  let h: QueueHarness;
  beforeAll(async () => {
    redis = await startRedisServer({ appendOnly: true });
    h = await queueHarness(redis.url, { QUEUE_LOCK_DURATION: '4s', QUEUE_STALLED_INTERVAL: '2s' });
  });
  afterAll(async () => {
    await h?.close();
    await redis?.stop();
  });

  it('workers reconnect and the run completes with one snapshot', async () => {
    const held = h.proxy.hold(/occupation\.xlsx$/);
    await Promise.all([h.spawnWorker(), h.spawnWorker()]);
    const producer = await h.producer();
    const { runId } = await producer.request({ trigger: 'manual' });
    await held.arrived;

    await redis.restart();
    held.release();

    const run = await h.waitForRun(runId, 75_000);
    expect(run.status).toBe('published');
    expect(await h.store().listIds()).toEqual([run.outcome!.snapshotId]);
  }, 100_000);
});

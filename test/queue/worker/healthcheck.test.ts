/**
 * `careerdata healthcheck` (the worker container's liveness command): healthy while the worker in
 * the same container takes jobs; unhealthy without a heartbeat or when Redis does not answer.
 * Uses its own redis-server, stopped on purpose.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OwnRedis, redisServerOnPath, startRedisServer } from '../../support/redisServer.js';
import { runCli } from '../support/cli.js';
import { type QueueHarness, queueHarness } from '../support/harness.js';

describe.skipIf(!redisServerOnPath())('careerdata healthcheck', () => {
  let redis: OwnRedis;
  let h: QueueHarness;
  let env: Record<string, string>;
  beforeAll(async () => {
    redis = await startRedisServer();
    h = await queueHarness(redis.url);
    env = h.env({ HEARTBEAT_FILE: path.join(h.dir, 'worker.heartbeat') });
  });
  afterAll(async () => {
    await h?.close();
    await redis?.stop();
  });

  it('is unhealthy without a worker, healthy with one, unhealthy once Redis is gone', async () => {
    const before = await runCli(['healthcheck'], env).done;
    expect(before.code).toBe(1);
    expect(before.stdout).toMatch(
      /^unhealthy: no heartbeat at .*worker\.heartbeat; the worker is not taking jobs\n$/,
    );

    await h.spawnWorker({ HEARTBEAT_FILE: env.HEARTBEAT_FILE! });
    const running = await runCli(['healthcheck'], env).done;
    expect(running.stdout).toMatch(/^healthy: Redis answers, last heartbeat \d+ s ago\n$/);
    expect(running.code).toBe(0);

    await redis.stop();
    const down = await runCli(['healthcheck'], env).done;
    expect(down.code).toBe(1);
    expect(down.stdout).toContain(`unhealthy: Redis at redis://127.0.0.1:${redis.port} is not reachable`);
  }, 60_000);
});

import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { DEFAULT_GATE_CONFIG } from '../../src/gates/report.js';
import { silentLogger } from '../../src/log.js';
import { publishSnapshot } from '../../src/pipeline/publish/publishSnapshot.js';
import { acquirePublishLock, LockTimeoutError } from '../../src/store/lock.js';
import { SnapshotStore } from '../../src/store/snapshotStore.js';
import { candidate, occupations, tempDir } from './support.js';

describe('publish lock', () => {
  let redis: Redis;
  let key: string;
  let dirs: { dir: string; cleanup: () => Promise<void> }[] = [];

  beforeAll(() => {
    redis = new Redis(inject('redisUrl'), { lazyConnect: false, maxRetriesPerRequest: 1 });
  });
  afterAll(async () => {
    await redis.quit();
  });
  beforeEach(() => {
    key = `test:${randomBytes(6).toString('hex')}:lock`;
  });
  afterEach(async () => {
    await redis.del(key);
    for (const d of dirs) await d.cleanup();
    dirs = [];
  });
  const dir = async () => {
    const d = await tempDir('careerdata-lock-');
    dirs.push(d);
    return d.dir;
  };

  it('serialises holders on different machines through Redis, even with separate lock directories', async () => {
    const held = await acquirePublishLock({ dir: await dir(), log: silentLogger, redis, redisKey: key });
    const token = await redis.get(key);
    expect(token).toMatch(/^[0-9a-f]{32}$/);
    expect(await redis.pttl(key)).toBeGreaterThan(0);
    await expect(
      acquirePublishLock({ dir: await dir(), log: silentLogger, redis, redisKey: key, waitMs: 300 }),
    ).rejects.toBeInstanceOf(LockTimeoutError);
    await held.release();
    expect(await redis.get(key)).toBeNull();
    const next = await acquirePublishLock({
      dir: await dir(),
      log: silentLogger,
      redis,
      redisKey: key,
      waitMs: 2000,
    });
    next.assertHeld();
    await next.release();
  });

  it('does not release a lock another holder took after ours expired', async () => {
    const held = await acquirePublishLock({
      dir: await dir(),
      log: silentLogger,
      redis,
      redisKey: key,
      redisTtlMs: 60_000,
    });
    await redis.set(key, 'someone-else');
    await held.release();
    expect(await redis.get(key)).toBe('someone-else');
  });

  it('times out a second process-local holder with a clear message', async () => {
    const d = await dir();
    const held = await acquirePublishLock({ dir: d, log: silentLogger });
    await expect(acquirePublishLock({ dir: d, log: silentLogger, waitMs: 300 })).rejects.toThrow(
      /another publisher holds .*publish\.lock/,
    );
    await held.release();
  });

  it('lets two stores sharing Redis and a directory publish one after the other', async () => {
    const d = await dir();
    const s1 = new SnapshotStore({ dir: d, redis, redisLockKey: key });
    const s2 = new SnapshotStore({ dir: d, redis, redisLockKey: key });
    const [r1, r2] = await Promise.all([
      publishSnapshot(s1, candidate(occupations(40)), { gates: DEFAULT_GATE_CONFIG }),
      publishSnapshot(s2, candidate(occupations(41)), { gates: DEFAULT_GATE_CONFIG }),
    ]);
    expect([r1.status, r2.status]).toEqual(['published', 'published']);
    const ids = await s1.listIds();
    expect(ids).toHaveLength(2);
    expect((await s1.manifest(ids[1]!)).parent).toBe(ids[0]);
    expect(await redis.get(key)).toBeNull();
  });
});

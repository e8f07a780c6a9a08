import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { type RunMeta, RunStore, stageDurations } from '../../../src/queue/runs/runStore.js';
import { keys } from '../../../src/queue/wiring/names.js';
import { deleteKeysWithPrefix } from '../support/harness.js';

const redisUrl = inject('redisUrl');
const redis = new Redis(redisUrl);
let prefix: string;
let store: RunStore;

const meta = (runId: string, over: Partial<RunMeta> = {}): RunMeta => ({
  runId,
  trigger: 'manual',
  sources: ['oews', 'ep'],
  force: false,
  queuedAt: new Date().toISOString(),
  ...over,
});
const A = 'run-20261127T030000Z-aaaaaa';
const B = 'run-20261127T030001Z-bbbbbb';

beforeEach(async () => {
  if (prefix) await deleteKeysWithPrefix(redisUrl, prefix);
  prefix = `cdtest-${randomBytes(4).toString('hex')}`;
  store = new RunStore(redis, keys(prefix));
});
afterAll(async () => {
  await deleteKeysWithPrefix(redisUrl, prefix);
  redis.disconnect();
});

describe('the run history in Redis', () => {
  it('lets one run be active at a time: a second claim gets the active run back', async () => {
    expect(await store.claim(meta(A))).toEqual({ runId: A, created: true });
    expect(await store.claim(meta(B))).toEqual({ runId: A, created: false });
    expect(await store.get(B)).toBeNull();
    expect(await store.activeRunId()).toBe(A);
  });

  it('claims concurrently from many clients: exactly one run is created', async () => {
    const clients = Array.from({ length: 10 }, () => new Redis(redisUrl));
    try {
      const ids = Array.from(
        { length: 10 },
        (_, i) => `run-20261127T0300${String(i).padStart(2, '0')}Z-cccccc`,
      );
      const results = await Promise.all(
        clients.map((c, i) => new RunStore(c, keys(prefix)).claim(meta(ids[i]!))),
      );
      expect(results.filter((r) => r.created)).toHaveLength(1);
      const winner = results.find((r) => r.created)!.runId;
      for (const r of results) expect(r.runId).toBe(winner);
    } finally {
      for (const c of clients) c.disconnect();
    }
  });

  it('frees the slot when the run finishes, and finishes a run only once', async () => {
    await store.claim(meta(A));
    const outcome = {
      status: 'failed' as const,
      snapshotId: null,
      previousId: null,
      occupations: 0,
      rejectedRows: 0,
      downloadedBytes: 0,
      error: 'boom',
      failedStage: 'read',
    };
    expect(await store.finish(A, outcome)).toBe(true);
    expect(await store.finish(A, { ...outcome, error: 'second' })).toBe(false);
    expect((await store.get(A))?.outcome?.error).toBe('boom');
    expect(await store.activeRunId()).toBeNull();
    expect(await store.claim(meta(B))).toEqual({ runId: B, created: true });
    expect(await redis.ttl(keys(prefix).run(A))).toBeGreaterThan(0);
  });

  it('does not re-create a run whose id already exists (a retried scheduler job)', async () => {
    await store.claim(meta(A));
    await store.finish(A, {
      status: 'unchanged',
      snapshotId: 's',
      previousId: null,
      occupations: 1,
      rejectedRows: 0,
      downloadedBytes: 0,
    });
    expect(await store.claim(meta(A))).toEqual({ runId: A, created: false });
    expect((await store.get(A))?.status).toBe('unchanged');
  });

  it('records stages: the first start makes the run running; durations span the parallel fetches', async () => {
    await store.claim(meta(A));
    expect((await store.get(A))?.status).toBe('queued');
    await store.stageStarted(A, 'fetch:oews', 1, 'host:1');
    const run = await store.get(A);
    expect(run?.status).toBe('running');
    expect(run?.stages['fetch:oews']).toMatchObject({ state: 'active', attempt: 1, worker: 'host:1' });
    const t = Date.now();
    const rec = (ms: number, end: number) => ({
      state: 'done' as const,
      startedAt: new Date(end - ms).toISOString(),
      finishedAt: new Date(end).toISOString(),
      ms,
      attempt: 1,
    });
    const d = stageDurations({
      stages: { 'fetch:oews': rec(300, t), 'fetch:ep': rec(100, t - 250), read: rec(50, t + 60) },
    });
    expect(d.fetch).toBe(350); // from ep's start (t-350) to oews's end (t)
    expect(d['fetch:ep']).toBe(100);
    expect(d.read).toBe(50);
  });

  it('lists runs newest first', async () => {
    await store.claim(meta(A, { queuedAt: '2026-11-27T03:00:00.000Z' }));
    await store.finish(A, {
      status: 'published',
      snapshotId: 's1',
      previousId: null,
      occupations: 1,
      rejectedRows: 0,
      downloadedBytes: 0,
    });
    await store.claim(meta(B, { queuedAt: '2026-11-27T04:00:00.000Z' }));
    expect((await store.list(10)).map((r) => r.runId)).toEqual([B, A]);
  });
});

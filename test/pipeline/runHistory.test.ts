import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { qualityReportFrom } from '../../src/gates/quality.js';
import { FileRunHistory, runRecordOf } from '../../src/pipeline/runHistory.js';
import { failedOutcome, type RefreshSummary, refreshSummary } from '../../src/pipeline/summary.js';
import { RunStore } from '../../src/queue/runs/runStore.js';
import { keys } from '../../src/queue/wiring/names.js';
import { RejectCollector } from '../../src/validate/rejects.js';
import { deleteKeysWithPrefix } from '../queue/support/harness.js';

const quality = qualityReportFrom(new RejectCollector());
const base = (runId: string) => ({
  runId,
  trigger: 'cli' as const,
  sources: ['oews', 'ep'],
  startedAt: '2026-11-27T03:00:00.000Z',
  finishedAt: '2026-11-27T03:00:02.000Z',
});
const failedInEp = (runId: string): RefreshSummary =>
  refreshSummary(
    { ...base(runId), stages: { fetch: 1200 } },
    failedOutcome('fetch:ep', 'ep: HTTP 404 for occupation.xlsx', null, { quality }),
    quality,
  );
const published = (runId: string): RefreshSummary =>
  refreshSummary(
    { ...base(runId), stages: { fetch: 100, read: 200, checks: 1, build: 50, publish: 80 } },
    {
      status: 'published',
      snapshotId: '20261127T030002Z-3f9a2c1b',
      previousId: null,
      occupations: 20,
      rejectedRows: 0,
      downloadedBytes: 1234,
      quality,
    },
    quality,
  );

describe('an embedded run in the run history', () => {
  it('a failed run: the failing stage is failed with the reason, none stays active', () => {
    const rec = runRecordOf(failedInEp('run-20261127T030000Z-aaaaaa'), { force: false });
    expect(rec).toMatchObject({ status: 'failed', trigger: 'cli', finishedAt: '2026-11-27T03:00:02.000Z' });
    expect(rec.stages).toEqual({
      'fetch:ep': {
        state: 'failed',
        startedAt: '2026-11-27T03:00:00.000Z',
        finishedAt: '2026-11-27T03:00:01.200Z',
        ms: 1200,
        attempt: 1,
        error: 'ep: HTTP 404 for occupation.xlsx',
      },
    });
    expect(rec.outcome).toMatchObject({ status: 'failed', failedStage: 'fetch:ep' });
  });

  it('a published run: every stage done, at the start times the driver reported', () => {
    const rec = runRecordOf(published('run-20261127T030000Z-bbbbbb'), {
      force: true,
      stageStarts: { read: '2026-11-27T03:00:00.100Z' },
    });
    expect(Object.values(rec.stages).map((s) => s.state)).toEqual(['done', 'done', 'done', 'done', 'done']);
    expect(rec.stages.read).toMatchObject({ startedAt: '2026-11-27T03:00:00.100Z', ms: 200 });
    expect(rec.force).toBe(true);
    expect(rec.outcome?.snapshotId).toBe('20261127T030002Z-3f9a2c1b');
  });

  it('files under RUNS_DIR: one per run, newest first, unknown ids are null', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'careerdata-runs-'));
    try {
      const history = new FileRunHistory(dir);
      const older = runRecordOf(published('run-20261127T030000Z-aaaaaa'), { force: false });
      const newer = runRecordOf(failedInEp('run-20261128T030000Z-bbbbbb'), { force: false });
      await history.recordFinished(older);
      await history.recordFinished(newer);
      expect((await history.list()).map((r) => r.runId)).toEqual([newer.runId, older.runId]);
      expect(await history.list(1)).toEqual([newer]);
      expect(await history.get(older.runId)).toEqual(older);
      expect(await history.get('run-20991231T000000Z-cccccc')).toBeNull();
      expect(await history.get('../etc/passwd')).toBeNull();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  describe('Redis, as the workers record theirs', () => {
    const redisUrl = inject('redisUrl');
    const redis = new Redis(redisUrl);
    const prefix = `cdtest-${randomBytes(4).toString('hex')}`;
    afterAll(async () => {
      await deleteKeysWithPrefix(redisUrl, prefix);
      redis.disconnect();
    });

    it('reads back the same record, listed with the queued runs', async () => {
      const store = new RunStore(redis, keys(prefix));
      const rec = runRecordOf(failedInEp('run-20261127T030000Z-dddddd'), { force: false });
      await store.recordFinished(rec);
      expect(await store.get(rec.runId)).toEqual(rec);
      expect((await store.list()).map((r) => r.runId)).toEqual([rec.runId]);
      expect(await redis.ttl(keys(prefix).run(rec.runId))).toBeGreaterThan(0);
      // It is a finished run: it holds no active-run slot.
      expect(await store.activeRunId()).toBeNull();
    });
  });
});

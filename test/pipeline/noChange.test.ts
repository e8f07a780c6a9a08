import { readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type OfflineHarness, offlineHarness } from '../support/offlineRun.js';

/** A second run that stopped after the fetch has no read/build/publish stage. */
const skippedWork = (stages: Record<string, unknown>) =>
  !('read' in stages) && !('build' in stages) && !('publish' in stages);

describe('refresh when nothing changed since the latest snapshot', () => {
  let h: OfflineHarness;
  beforeEach(async () => {
    h = await offlineHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('stops after the fetch: unchanged, same snapshot, nothing parsed, nothing asked of CareerOneStop', async () => {
    const first = await h.refresh();
    expect(first.status).toBe('published');
    const before = h.offline.server.requests.length;
    const second = await h.refresh();
    expect(second).toMatchObject({ status: 'unchanged', snapshotId: first.snapshotId, downloadedBytes: 0 });
    expect(second.occupations).toBe(first.occupations);
    expect(skippedWork(second.stages)).toBe(true);
    const requests = h.offline.server.requests.slice(before);
    expect(requests.every((r) => r.status === 304)).toBe(true);
    expect(requests.some((r) => r.path.startsWith('/v1/'))).toBe(false);
    expect(await readdir(path.join(h.dir, 'snapshots'))).toContain(first.snapshotId);
  });

  it('runs normally after a setting changed, and skips again once that run is recorded', async () => {
    await h.refresh();
    const changed = await h.refresh({ TRAINING_PROGRAMS_PER_LOCATION: '3' });
    expect(skippedWork(changed.stages)).toBe(false);
    const again = await h.refresh({ TRAINING_PROGRAMS_PER_LOCATION: '3' });
    expect(again.status).toBe('unchanged');
    expect(skippedWork(again.stages)).toBe(true);
  });

  it('runs normally when a CareerOneStop entry is missing or was rewritten', async () => {
    await h.refresh();
    const dir = path.join(h.dir, 'cache', 'careeronestop', 'occupation');
    const [entry] = (await readdir(dir)).filter((f) => f.endsWith('.json'));
    await rm(path.join(dir, entry!));
    const refetched = await h.refresh();
    expect(skippedWork(refetched.stages)).toBe(false);
    expect(refetched.status).toBe('unchanged');

    await writeFile(path.join(dir, entry!), '{"not":"an entry"}');
    const rewritten = await h.refresh();
    expect(skippedWork(rewritten.stages)).toBe(false);
  });

  it('runs normally after a run whose CareerOneStop units failed, so they are retried', async () => {
    h.offline.server.inject(/^\/v1\/occupation\/[^/]+\/29-2072\.00\//, { kind: 'status', status: 500 }, 10);
    const first = await h.refresh({ HTTP_MAX_ATTEMPTS: '1' });
    expect(first.status).toBe('published');
    const before = h.offline.server.requests.length;
    const second = await h.refresh({ HTTP_MAX_ATTEMPTS: '1' });
    expect(skippedWork(second.stages)).toBe(false);
    const retried = h.offline.server.requests.slice(before).filter((r) => r.path.includes('29-2072.00'));
    expect(retried.length).toBeGreaterThan(0);
  });

  it('runs normally with --force, and when CareerOneStop entries have gone stale', async () => {
    await h.refresh();
    const forced = await h.refresh({}, { force: true });
    expect(skippedWork(forced.stages)).toBe(false);
    const stale = await h.refresh({ CAREERONESTOP_MAX_AGE: '1ms' });
    expect(skippedWork(stale.stages)).toBe(false);
  });

  it('runs normally when latest is no longer the snapshot the inputs produced (a rollback)', async () => {
    const first = await h.refresh();
    const second = await h.refresh({ TRAINING_PROGRAMS_PER_LOCATION: '1' });
    expect(second.status).toBe('published');
    await h.context().store.rollback(first.snapshotId!, { who: 'test', why: 'test' });
    const run = await h.refresh({ TRAINING_PROGRAMS_PER_LOCATION: '1' });
    expect(skippedWork(run.stages)).toBe(false);
    expect(run.status).toBe('published');
  });
});

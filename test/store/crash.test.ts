/**
 * Crash and concurrency safety with real processes: a publisher SIGKILLed at each point of a
 * publish never leaves latest pointing at an incomplete snapshot nor a partial snapshot visible;
 * the next run cleans up. Two publishers at once are serialised and both land.
 */

import { promises as fs } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_GATE_CONFIG } from '../../src/gates/report.js';
import { publishSnapshot } from '../../src/pipeline/publish/publishSnapshot.js';
import type { PublishPoint } from '../../src/store/publishTransaction.js';
import { SnapshotStore } from '../../src/store/snapshotStore.js';
import { runPublishChild } from './childProcess.js';
import { candidate, occupations, tempDir } from './support.js';

const gates = DEFAULT_GATE_CONFIG;

async function expectConsistent(store: SnapshotStore) {
  const latest = await store.latestId();
  expect(latest).not.toBeNull();
  const ids = await store.listIds();
  expect(ids).toContain(latest);
  for (const id of ids)
    expect(await store.verify(id), `snapshot ${id}`).toMatchObject({ ok: true, problems: [] });
  expect((await store.list()).map((s) => s.id).sort()).toEqual(ids);
  return { latest: latest!, ids };
}

describe('a publisher killed mid-publish (SIGKILL)', () => {
  const points: PublishPoint[] = [
    'before-write',
    'during-write',
    'after-write',
    'before-switch',
    'after-switch',
  ];

  // Each point gets its own store directory, so the cases run side by side.
  it.concurrent.each(points)(
    'at %s leaves latest on a complete snapshot, and the next run cleans up',
    async (point) => {
      const { dir, cleanup } = await tempDir(`careerdata-crash-${point}-`);
      try {
        await crashAndRecover(dir, point);
      } finally {
        await cleanup();
      }
    },
    90_000,
  );
});

async function crashAndRecover(dir: string, point: PublishPoint) {
  const store = new SnapshotStore({ dir, lockStaleMs: 2000 });
  const first = await publishSnapshot(store, candidate(occupations(40)), { gates });
  expect(first.status).toBe('published');
  const a = first.status === 'published' ? first.snapshotId : '';

  const child = await runPublishChild({ STORE_DIR: dir, CAREERDATA_CRASH_AT: point, OCCUPATIONS: '41' });
  expect(child.signal, child.stderr).toBe('SIGKILL');
  expect(child.result).toBeNull();

  const after = await expectConsistent(store);
  const switched = point === 'after-switch';
  expect(after.latest === a).toBe(!switched);
  const renamed = point === 'before-switch' || point === 'after-switch';
  expect(after.ids).toHaveLength(renamed ? 2 : 1);
  // A kill mid-write leaves the half-written snapshot directory (and the diff's spool file, which
  // lives as long as the publish) under temp names; nothing else.
  const leftovers = (await fs.readdir(dir)).filter((n) => n.startsWith('.tmp-'));
  if (point === 'during-write' || point === 'after-write') {
    expect(leftovers.filter((n) => !n.startsWith('.tmp-changed-'))).toHaveLength(1);
    expect(leftovers.filter((n) => n.startsWith('.tmp-changed-')).length).toBeLessThanOrEqual(1);
  }

  // The next run: waits for the dead holder's lock to go stale, cleans, and publishes (or finds
  // the content already latest when the dead process got as far as the switch).
  const next = await publishSnapshot(store, candidate(occupations(41)), { gates });
  expect(next.status).toBe(switched ? 'unchanged' : 'published');
  const final = await expectConsistent(store);
  expect(final.ids).toHaveLength(2);
  expect((await fs.readdir(dir)).filter((n) => n.includes('.tmp-') || n.startsWith('.trash-'))).toEqual([]);
  const history = await store.historyEntries();
  const published = history.filter((e) => e.type === 'published').map((e) => e.id);
  expect(published).toEqual([a, final.latest]);
  if (switched) expect(history.find((e) => e.id === final.latest)).toMatchObject({ recovered: true });
  if (point === 'before-switch') expect(history.some((e) => e.type === 'orphan_removed')).toBe(true);
}

describe('two publishers at the same time', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir('careerdata-concurrent-'));
  });
  afterEach(() => cleanup());

  it('are serialised by the lock: both finish, one latest, no lost or corrupted snapshot', async () => {
    const store = new SnapshotStore({ dir });
    const first = await publishSnapshot(store, candidate(occupations(40)), { gates });
    const a = first.status === 'published' ? first.snapshotId : '';

    const [x, y] = await Promise.all([
      runPublishChild({ STORE_DIR: dir, OCCUPATIONS: '41', HOLD_MS: '300' }),
      runPublishChild({ STORE_DIR: dir, OCCUPATIONS: '42', HOLD_MS: '300' }),
    ]);
    for (const c of [x, y]) {
      expect(c.code, c.stderr).toBe(0);
      expect(c.result?.status).toBe('published');
    }
    // Critical sections did not overlap.
    const [early, late] = [x, y].sort((p, q) => p.enter! - q.enter!);
    expect(early!.leave!).toBeLessThanOrEqual(late!.enter!);

    const ids = await store.listIds();
    expect(ids).toHaveLength(3);
    for (const id of ids) expect((await store.verify(id)).ok).toBe(true);
    expect(await store.latestId()).toBe(late!.result!.snapshotId);
    const earlyId = early!.result!.snapshotId!;
    const lateId = late!.result!.snapshotId!;
    expect((await store.manifest(earlyId)).parent).toBe(a);
    expect((await store.manifest(lateId)).parent).toBe(earlyId);
    expect(lateId > earlyId).toBe(true);
    expect((await store.historyEntries()).filter((e) => e.type === 'published')).toHaveLength(3);
  }, 60_000);
});

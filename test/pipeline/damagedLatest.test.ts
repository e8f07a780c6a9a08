import { chmod, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startApi } from '../../src/api/server.js';
import { SnapshotStore } from '../../src/store/snapshotStore.js';
import { type OfflineHarness, offlineHarness } from '../support/offlineRun.js';

/** Change one byte of a published snapshot's occupations.ndjson (a digit of its first wage). */
async function damageOneByte(h: OfflineHarness, id: string): Promise<void> {
  const file = path.join(h.dir, 'snapshots', id, 'occupations.ndjson');
  await chmod(file, 0o644);
  const buf = await readFile(file);
  const at = buf.indexOf('"median":') + 9;
  buf[at] = buf[at] === 0x31 ? 0x32 : 0x31;
  await writeFile(file, buf);
}

const manifestOf = async (h: OfflineHarness, id: string) =>
  JSON.parse(await readFile(path.join(h.dir, 'snapshots', id, 'manifest.json'), 'utf8'));

describe('a damaged latest heals', { timeout: 180_000 }, () => {
  let h: OfflineHarness;
  beforeEach(async () => {
    h = await offlineHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('a one-byte edit of latest: the next refresh with the same inputs publishes a replacement and records it, never "unchanged"', async () => {
    const first = await h.refresh();
    expect(first.status).toBe('published');
    await damageOneByte(h, first.snapshotId!);

    const healed = await h.refresh();
    expect(healed.status).toBe('published');
    expect(healed.snapshotId).not.toBe(first.snapshotId);
    expect(healed.replacedDamaged?.id).toBe(first.snapshotId);
    expect(healed.replacedDamaged?.problems.join(' ')).toMatch(/occupations\.ndjson: sha256 does not match/);
    const m = await manifestOf(h, healed.snapshotId!);
    expect(m.replacedDamaged.id).toBe(first.snapshotId);
    // Compared with the newest intact snapshot: there is none, so the comparison gates are skipped.
    expect(m.parent).toBeNull();
    expect(m.gates.baseline).toBeNull();

    const store = new SnapshotStore({ dir: path.join(h.dir, 'snapshots') });
    expect(await store.latestId()).toBe(healed.snapshotId);
    expect((await store.verify(healed.snapshotId!)).ok).toBe(true);
    // The damaged one is kept, and marked, for inspection.
    expect(Object.keys(await store.damaged())).toEqual([first.snapshotId]);
    expect((await store.damaged())[first.snapshotId!]!.replacedBy).toBe(healed.snapshotId);
    expect(
      (await store.historyEntries()).some((e) => e.type === 'damaged' && e.id === first.snapshotId),
    ).toBe(true);

    // Healed: the same inputs are now "unchanged" again.
    expect((await h.refresh()).status).toBe('unchanged');
  });

  it('is not "unchanged" even with --force, and compares with the newest intact snapshot before the damaged one', async () => {
    const a = await h.refresh();
    // Other content (no CareerOneStop; forced through the coverage gate): a second snapshot.
    const b = await h.refresh({ SOURCES: 'oews,ep,exposure,epoch' }, { force: true });
    expect(b.status).toBe('published');
    await damageOneByte(h, b.snapshotId!);

    const c = await h.refresh({ SOURCES: 'oews,ep,exposure,epoch' }, { force: true });
    expect(c.status).toBe('published');
    expect(c.replacedDamaged?.id).toBe(b.snapshotId);
    const m = await manifestOf(h, c.snapshotId!);
    expect(m.parent).toBe(a.snapshotId);
    expect(m.gates.baseline).toBe(a.snapshotId);
  });

  it('the API serves the newest intact snapshot meanwhile and says so in /readyz', async () => {
    const a = await h.refresh();
    const b = await h.refresh({ SOURCES: 'oews,ep,exposure,epoch' }, { force: true });
    await damageOneByte(h, b.snapshotId!);
    const store = new SnapshotStore({ dir: path.join(h.dir, 'snapshots') });
    const api = await startApi({ store, host: '127.0.0.1', port: 0 });
    try {
      const ready = await fetch(`${api.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({
        status: 'degraded',
        snapshotId: a.snapshotId,
        latestDamaged: { id: b.snapshotId },
      });
      const rec = await fetch(`${api.url}/v1/occupations/29-2072`);
      expect(rec.status).toBe(200);
      expect(rec.headers.get('x-careerdata-snapshot')).toBe(a.snapshotId);
    } finally {
      await api.close();
    }
  });
});

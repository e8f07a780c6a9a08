import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_GATE_CONFIG } from '../../../src/gates/report.js';
import type { ChangeEvent } from '../../../src/notify/events.js';
import { publishSnapshot } from '../../../src/pipeline/publish/publishSnapshot.js';
import type { SnapshotStore } from '../../../src/store/snapshotStore.js';
import { candidate, occupations, storePerTest } from '../../store/support.js';

const gates = DEFAULT_GATE_CONFIG;

describe('publishSnapshot (the gates decide, consumers are told)', () => {
  let dir: string;
  let store: SnapshotStore;
  const { snapshotDirs, publishOk } = storePerTest((s) => {
    ({ dir, store } = s);
  });

  it('replaces a damaged latest even with identical content, and says so in the manifest, history and change event', async () => {
    const a = await publishOk(occupations(40));
    const b = await publishOk(occupations(41));
    const file = path.join(dir, b.snapshotId, 'occupations.ndjson');
    await fs.chmod(file, 0o644);
    const bytes = await fs.readFile(file);
    bytes[bytes.length - 3] = bytes[bytes.length - 3] === 0x7d ? 0x5d : 0x7d;
    await fs.writeFile(file, bytes);
    expect((await store.latestState()).damaged?.id).toBe(b.snapshotId);
    const events: ChangeEvent[] = [];
    const r = await publishSnapshot(store, candidate(occupations(41)), {
      gates,
      notifier: { emit: async (e) => void events.push(e) },
    });
    expect(r.status).toBe('published');
    if (r.status !== 'published') return;
    expect(r.previousId).toBe(a.snapshotId);
    expect(r.manifest.replacedDamaged?.id).toBe(b.snapshotId);
    expect(r.manifest.parent).toBe(a.snapshotId);
    expect(events.map((e) => [e.type, e.replacedDamaged?.id])).toEqual([
      ['snapshot.published', b.snapshotId],
    ]);
    expect(await snapshotDirs()).toContain(b.snapshotId); // kept for inspection
    expect((await store.latestState()).damaged).toBeNull();
  });

  it('blocks a candidate that drops 10 % of occupations, keeps the report, leaves latest; --force publishes', async () => {
    const first = await publishOk();
    const fewer = occupations(40).slice(0, 36);
    const blocked = await publishSnapshot(store, candidate(fewer), { gates });
    expect(blocked.status).toBe('blocked');
    if (blocked.status !== 'blocked') return;
    expect(blocked.gateReport.passed).toBe(false);
    const check = blocked.gateReport.checks.find((c) => c.name === 'occupation_count');
    expect(check).toMatchObject({ status: 'fail', observed: 0.1, threshold: 0.05 });
    expect(blocked.failures[0]).toContain('occupation count fell from 40 to 36');
    const saved = JSON.parse(await fs.readFile(blocked.reportPath, 'utf8'));
    expect(saved.gateReport).toEqual(blocked.gateReport);
    expect(saved.run).toEqual({ id: 'run-test', trigger: 'test' });
    expect(await store.latestId()).toBe(first.snapshotId);
    expect(await snapshotDirs()).toEqual([first.snapshotId]);
    expect((await store.historyEntries()).at(-1)).toMatchObject({
      type: 'blocked',
      baseline: first.snapshotId,
    });

    const forced = await publishSnapshot(store, candidate(fewer), { gates, force: true });
    expect(forced.status).toBe('published');
    if (forced.status !== 'published') return;
    expect(forced.manifest.forced).toBe(true);
    expect(forced.manifest.gates).toMatchObject({ passed: false, forced: true });
    expect(forced.diffSummary.removed).toBe(4);
    expect(await store.latestId()).toBe(forced.snapshotId);
    expect((await store.historyEntries()).at(-1)).toMatchObject({ type: 'published', forced: true });
  });
});

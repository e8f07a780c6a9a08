import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import { DEFAULT_GATE_CONFIG } from '../../src/gates/report.js';
import { SNAPSHOT_SCHEMA_VERSION } from '../../src/model/occupation.js';
import { publishSnapshot } from '../../src/pipeline/publish/publishSnapshot.js';
import {
  InvalidSnapshotIdError,
  SnapshotIntegrityError,
  SnapshotNotFoundError,
} from '../../src/store/errors.js';
import { ManifestSchema } from '../../src/store/manifest.js';
import type { PublishDecider } from '../../src/store/publishTransaction.js';
import { jsonSchema } from '../../src/store/schemas.js';
import { SnapshotStore } from '../../src/store/snapshotStore.js';
import { artifact, candidate, occupations, storePerTest } from './support.js';

const gates = DEFAULT_GATE_CONFIG;

describe('SnapshotStore', () => {
  let dir: string;
  let store: SnapshotStore;
  const { snapshotDirs, publishOk } = storePerTest((s) => {
    ({ dir, store } = s);
  });

  it('publishes a first snapshot with a time-sorted id carrying the content hash, and points latest at it', async () => {
    const r = await publishOk();
    expect(r.snapshotId).toMatch(/^20261127T030000Z-[0-9a-f]{8}$/);
    expect(r.snapshotId.endsWith(r.manifest.contentSha256.slice(0, 8))).toBe(true);
    expect(r.previousId).toBeNull();
    expect(await store.latestId()).toBe(r.snapshotId);
    expect(r.diffSummary).toMatchObject({ added: 40, removed: 0, changed: 0 });
    const files = (await fs.readdir(path.join(dir, r.snapshotId), { recursive: true })).map(String).sort();
    expect(files).toEqual(
      [
        'diff.json',
        'manifest.json',
        'occupations.ndjson',
        'schema',
        'schema/manifest.json',
        'schema/occupation.json',
      ].sort(),
    );
  });

  it('writes a manifest with schema version, file hashes, sources, releases, counts, quality and gates', async () => {
    const r = await publishOk();
    const m = ManifestSchema.parse(
      JSON.parse(await fs.readFile(path.join(dir, r.snapshotId, 'manifest.json'), 'utf8')),
    );
    expect(m.schemaVersion).toBe(SNAPSHOT_SCHEMA_VERSION);
    expect(m.parent).toBeNull();
    expect(Object.keys(m.files).sort()).toEqual([
      'diff.json',
      'occupations.ndjson',
      'schema/manifest.json',
      'schema/occupation.json',
    ]);
    expect(m.sources.oews?.[0]).toMatchObject({
      url: 'https://example.test/oews.xlsx',
      release: 'May 2024',
      etag: '"abc"',
    });
    expect(m.releases).toEqual({ oews: ['May 2024'] });
    expect(m.counts).toEqual({
      occupations: 40,
      withNationalWages: 40,
      withProjections: 0,
      scored: 40,
      unscored: 0,
    });
    expect(m.quality.sources.oews).toMatchObject({ read: 40, rejected: 0 });
    expect(m.gates.passed).toBe(true);
    expect(m.forced).toBe(false);
    expect(m.run).toEqual({ id: 'run-test', trigger: 'test' });
    const stored = JSON.parse(
      await fs.readFile(path.join(dir, r.snapshotId, 'schema/occupation.json'), 'utf8'),
    );
    expect(stored).toEqual(jsonSchema('occupation'));
    const lines = (await fs.readFile(path.join(dir, r.snapshotId, 'occupations.ndjson'), 'utf8'))
      .trimEnd()
      .split('\n');
    expect(lines).toHaveLength(40);
    expect(lines.map((l) => JSON.parse(l).soc)).toEqual([...lines.map((l) => JSON.parse(l).soc)].sort());
  });

  it('records a run with identical content as unchanged and creates no directory, even when fetch times moved', async () => {
    const first = await publishOk();
    const again = occupations(40, { fetchedAt: '2026-11-28T03:00:00.000Z' });
    const r = await publishSnapshot(
      store,
      candidate(again, { sources: { oews: [artifact('oews', 'May 2024', '2026-11-28T03:00:00.000Z')] } }),
      { gates },
    );
    expect(r).toEqual({ status: 'unchanged', snapshotId: first.snapshotId, recoveredLatest: null });
    expect(await snapshotDirs()).toEqual([first.snapshotId]);
    const history = await store.historyEntries();
    expect(history.map((e) => e.type)).toEqual(['published', 'unchanged']);
    expect(history[1]).toMatchObject({ id: first.snapshotId, run: { id: 'run-test' } });
  });

  it('treats a new release or methodology as changed content even with identical records', async () => {
    const first = await publishOk();
    const r = await publishSnapshot(store, candidate(occupations(40), { methodology: '2.1' }), { gates });
    expect(r.status).toBe('published');
    if (r.status === 'published') expect(r.previousId).toBe(first.snapshotId);
  });

  it('publishes one changed wage as a snapshot whose diff names exactly that occupation and field', async () => {
    const first = await publishOk();
    const records = occupations(40);
    const target = records[7]!;
    const old = target.wages!.national!.annual.median!;
    target.wages!.national!.annual.median = old + 1000;
    const r = await publishSnapshot(store, candidate(records), { gates });
    expect(r.status).toBe('published');
    if (r.status !== 'published') return;
    expect(r.previousId).toBe(first.snapshotId);
    expect(r.manifest.parent).toBe(first.snapshotId);
    expect(r.diffSummary).toEqual({ added: 0, removed: 0, changed: 1, unchanged: 39, fields: { wages: 1 } });
    const diff = await store.storedDiff(r.snapshotId);
    expect(diff.changed).toEqual([
      {
        soc: target.soc,
        title: target.title,
        changeCount: 1,
        truncated: false,
        patch: [{ op: 'replace', path: '/wages/national/annual/median', value: old + 1000 }],
        changes: [{ path: 'wages.national.annual.median', op: 'replace', old, new: old + 1000 }],
      },
    ]);
    expect(await store.diff(first.snapshotId, r.snapshotId)).toEqual(diff);
    // The reverse direction is computed, not stored.
    const reverse = await store.diff(r.snapshotId, first.snapshotId);
    expect(reverse.changed[0]?.changes[0]).toMatchObject({ old: old + 1000, new: old });
  });

  it('publishes or blocks as its decider says, showing it every record of both sides in SOC order', async () => {
    const first = await publishOk(occupations(3));
    const seen = { candidate: [] as string[], baseline: [] as string[], baselineId: undefined as unknown };
    const report = { passed: false, forced: false, baseline: first.snapshotId, checks: [] };
    const decider = (block: boolean): PublishDecider => ({
      candidateRecord: (r) => void seen.candidate.push(r.soc),
      baselineRecord: (r) => void seen.baseline.push(r.soc),
      decide: ({ baselineId }) => {
        seen.baselineId = baselineId;
        return { gates: report, block, failures: ['the decider said no'] };
      },
    });
    const next = occupations(4);
    const blocked = await store.publish(candidate([...next].reverse()), decider(true));
    expect(blocked.status).toBe('blocked');
    expect(seen.candidate).toEqual(next.map((r) => r.soc).sort());
    expect(seen.baseline).toEqual(
      occupations(3)
        .map((r) => r.soc)
        .sort(),
    );
    expect(seen.baselineId).toBe(first.snapshotId);
    expect(await store.latestId()).toBe(first.snapshotId);
    expect((await store.historyEntries()).at(-1)).toMatchObject({
      type: 'blocked',
      failures: ['the decider said no'],
    });

    const published = await store.publish(candidate(next), decider(false));
    if (published.status !== 'published') throw new Error(`expected published, got ${published.status}`);
    expect(published.manifest.gates).toEqual(report);
    expect(await store.latestId()).toBe(published.snapshotId);
  });

  it('rolls back to an older snapshot, recording who, when and why', async () => {
    const a = await publishOk();
    const b = await publishOk(occupations(41));
    const r = await store.rollback(a.snapshotId, { who: 'ops@example.test', why: 'bad wages in b' });
    expect(r).toEqual({
      snapshotId: a.snapshotId,
      previousId: b.snapshotId,
      changed: true,
      recoveredLatest: null,
    });
    expect(await store.latestId()).toBe(a.snapshotId);
    const entry = (await store.historyEntries()).at(-1);
    expect(entry).toMatchObject({
      type: 'rolled_back',
      id: a.snapshotId,
      previous: b.snapshotId,
      who: 'ops@example.test',
      why: 'bad wages in b',
    });
    expect(typeof entry?.at).toBe('string');
    // Rolling back to the current latest changes nothing.
    expect((await store.rollback(a.snapshotId, { who: 'x', why: 'y' })).changed).toBe(false);
    // A later publish is a child of the rolled-back-to snapshot, and b is still there to roll forward to.
    const c = await publishOk(occupations(42));
    expect(c.previousId).toBe(a.snapshotId);
    expect(await store.listIds()).toEqual([a.snapshotId, b.snapshotId, c.snapshotId]);
  });

  it('refuses to roll back to an unknown, malformed or damaged snapshot', async () => {
    const a = await publishOk();
    await publishOk(occupations(41));
    await expect(store.rollback('20200101T000000Z-00000000', { who: 'x', why: 'y' })).rejects.toBeInstanceOf(
      SnapshotNotFoundError,
    );
    await expect(store.rollback('../etc', { who: 'x', why: 'y' })).rejects.toBeInstanceOf(
      InvalidSnapshotIdError,
    );
    await fs.chmod(path.join(dir, a.snapshotId, 'diff.json'), 0o644);
    await fs.appendFile(path.join(dir, a.snapshotId, 'diff.json'), ' ');
    await expect(store.rollback(a.snapshotId, { who: 'x', why: 'y' })).rejects.toBeInstanceOf(
      SnapshotIntegrityError,
    );
  });

  it('prunes old snapshots but keeps latest, pinned ones and the newest N', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await publishOk(occupations(40 + i))).snapshotId);
    await store.pin(ids[0]!, { who: 'ops', why: 'audit' });
    await store.rollback(ids[1]!, { who: 'ops', why: 'test' });
    expect(await store.pins()).toEqual([ids[0]]);
    const dry = await store.prune({ keep: 2, dryRun: true });
    expect(dry.removed).toEqual([]); // everything newer than latest (ids[1]) is kept for roll-forward
    await store.rollback(ids[4]!, { who: 'ops', why: 'forward' });
    const r = await store.prune({ keep: 1 });
    // keep 1 → ids[5]; latest ids[4]; pinned ids[0]; removed: ids[1..3]
    expect(r.removed).toEqual([ids[1], ids[2], ids[3]]);
    expect(await store.listIds()).toEqual([ids[0], ids[4], ids[5]]);
    expect((await store.historyEntries()).at(-1)).toMatchObject({
      type: 'pruned',
      removed: r.removed,
      keep: 1,
    });
    await store.unpin(ids[0]!);
    expect((await store.prune({ keep: 1 })).removed).toEqual([ids[0]]);
    await expect(store.prune({ keep: 0 })).rejects.toBeInstanceOf(ValidationError);
  });

  it('verifies a snapshot and reports a modified file or a modified record', async () => {
    const a = await publishOk();
    expect(await store.verify(a.snapshotId)).toMatchObject({
      ok: true,
      problems: [],
      checkedFiles: 4,
      occupations: 40,
    });
    expect((await store.verify('latest')).ok).toBe(true);
    const file = path.join(dir, a.snapshotId, 'occupations.ndjson');
    expect((await fs.stat(file)).mode & 0o222).toBe(0); // written once, read-only
    await fs.chmod(file, 0o644);
    const text = await fs.readFile(file, 'utf8');
    await fs.writeFile(
      file,
      text.replace('"title":"Occupation 11-1003"', '"title":"Occupation 11-1003 (edited)"'),
    );
    const v = await store.verify(a.snapshotId);
    expect(v.ok).toBe(false);
    expect(v.problems.join('\n')).toMatch(/occupations\.ndjson: sha256 .* manifest says/);
    await expect(store.records(a.snapshotId)).rejects.toBeInstanceOf(SnapshotIntegrityError);
    // A publish checks latest first: an edited latest is replaced (kept, listed as damaged), never
    // used as the baseline.
    const replaced = await publishSnapshot(store, candidate(occupations(41)), { gates });
    expect(replaced).toMatchObject({ status: 'published', previousId: null });
    expect(Object.keys(await store.damaged())).toEqual([a.snapshotId]);
    await fs.writeFile(path.join(dir, a.snapshotId, 'extra.txt'), 'x');
    expect((await store.verify(a.snapshotId)).problems).toContain('extra.txt: not listed in the manifest');
  });

  it('rejects an invalid candidate with an error naming the SOC and the field', async () => {
    const records = occupations(3);
    (records[1] as { title: unknown }).title = 42;
    await expect(publishSnapshot(store, candidate(records), { gates })).rejects.toThrow(
      /record 11-1001, field title/,
    );
    const dup = occupations(3);
    dup[2] = { ...dup[0]! };
    await expect(publishSnapshot(store, candidate(dup), { gates })).rejects.toThrow(
      /11-1000 appears more than once/,
    );
    expect(await store.latestId()).toBeNull();
  });

  it('publishes the records it validated, refusing a key the schema does not know instead of dropping it', async () => {
    const records = occupations(3);
    (records[2]!.missing as Record<string, unknown>) = {};
    (records[2] as unknown as { sourceStatus: Record<string, unknown> }).sourceStatus = {
      oews: { status: 'fresh', fetchedAt: null, secretNote: 'x' },
    };
    await expect(publishSnapshot(store, candidate(records), { gates })).rejects.toThrow(
      /record 11-1002, field sourceStatus\.oews\.secretNote: not in the occupation schema/,
    );
    expect(await store.latestId()).toBeNull();
    const ok = occupations(3);
    const r = await publishOk(ok);
    expect(await store.records(r.snapshotId)).toEqual(ok);
  });

  it('sorts records by SOC whatever order they come in', async () => {
    const r = await publishOk(occupations(10).reverse());
    expect((await store.records(r.snapshotId)).map((x) => x.soc)).toEqual(occupations(10).map((x) => x.soc));
    expect((await store.record(r.snapshotId, '11-1004'))?.soc).toBe('11-1004');
    expect(await store.record(r.snapshotId, '99-9999')).toBeNull();
  });

  it('gives strictly increasing ids when the clock stands still or steps back', async () => {
    const frozen = new SnapshotStore({ dir, now: () => new Date(Date.UTC(2026, 0, 1, 0, 0, 0)) });
    const a = await publishSnapshot(frozen, candidate(occupations(5)), { gates });
    const b = await publishSnapshot(frozen, candidate(occupations(6)), { gates });
    const back = new SnapshotStore({ dir, now: () => new Date(Date.UTC(2025, 0, 1)) });
    const c = await publishSnapshot(back, candidate(occupations(7)), { gates });
    const ids = [a, b, c].map((r) => (r.status === 'published' ? r.snapshotId : ''));
    expect(ids[0]! < ids[1]! && ids[1]! < ids[2]!).toBe(true);
    expect(ids[1]).toMatch(/^20260101T000001Z-/);
  });

  it('lists snapshots newest first with latest and pinned flags, paging with before/limit', async () => {
    const a = await publishOk();
    const b = await publishOk(occupations(41));
    const c = await publishOk(occupations(42));
    await store.pin(a.snapshotId);
    const all = await store.list();
    expect(all.map((s) => s.id)).toEqual([c.snapshotId, b.snapshotId, a.snapshotId]);
    expect(all.map((s) => [s.latest, s.pinned])).toEqual([
      [true, false],
      [false, false],
      [false, true],
    ]);
    expect((await store.list({ before: c.snapshotId, limit: 1 })).map((s) => s.id)).toEqual([b.snapshotId]);
  });

  it('cleans leftovers of interrupted writes and never lists them', async () => {
    const a = await publishOk();
    await fs.mkdir(path.join(dir, '.tmp-deadbeef'));
    await fs.writeFile(path.join(dir, '.tmp-deadbeef', 'occupations.ndjson'), '{"half":');
    await fs.writeFile(path.join(dir, 'latest.tmp-cafe'), 'garbage');
    await fs.mkdir(path.join(dir, '.trash-x'));
    expect(await store.listIds()).toEqual([a.snapshotId]);
    const r = await store.cleanLeftovers();
    expect(r.removedTemp.sort()).toEqual(['.tmp-deadbeef', '.trash-x', 'latest.tmp-cafe']);
    expect((await fs.readdir(dir)).filter((n) => n.includes('.tmp-') || n.startsWith('.trash-'))).toEqual([]);
    expect(await store.latestId()).toBe(a.snapshotId);
  });

  it('answers unknown and malformed ids with distinct errors', async () => {
    await publishOk();
    await expect(store.manifest('20990101T000000Z-12345678')).rejects.toBeInstanceOf(SnapshotNotFoundError);
    await expect(store.manifest('../../etc/passwd')).rejects.toBeInstanceOf(InvalidSnapshotIdError);
    await expect(store.resolve('nope')).rejects.toBeInstanceOf(InvalidSnapshotIdError);
  });

  it('records a rescore as derived from its source snapshot', async () => {
    const a = await publishOk();
    const r = await publishSnapshot(
      store,
      candidate(occupations(40, { score: 4 }), { derivedFrom: a.snapshotId, methodology: '2.1' }),
      {
        gates,
      },
    );
    expect(r.status === 'published' && r.manifest.derivedFrom).toBe(a.snapshotId);
  });
});

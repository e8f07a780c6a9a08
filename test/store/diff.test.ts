import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/store/canonical.js';
import { contentSha256 } from '../../src/store/content.js';
import { diffRecords, diffValues } from '../../src/store/diff.js';
import { newSnapshotId } from '../../src/store/ids.js';
import { occupation, occupations } from './support.js';

describe('diffRecords', () => {
  it('lists added and removed SOC codes and changed occupations with their field paths', () => {
    const before = occupations(4);
    const after = occupations(5).slice(1);
    after[0]!.title = 'Renamed';
    const d = diffRecords({ id: 'a', records: before }, { id: 'b', records: after });
    expect(d.added).toEqual(['11-1004']);
    expect(d.removed).toEqual(['11-1000']);
    expect(d.changed).toEqual([
      {
        soc: '11-1001',
        title: 'Renamed',
        changeCount: 1,
        truncated: false,
        changes: [{ path: 'title', op: 'replace', old: 'Occupation 11-1001', new: 'Renamed' }],
      },
    ]);
    expect(d.summary).toEqual({ added: 1, removed: 1, changed: 1, unchanged: 2, fields: { title: 1 } });
  });

  it('reads the older side once, as a stream, and still reports everything sorted by SOC', () => {
    const before = occupations(6);
    const after = occupations(6).slice(2);
    after[3]!.title = 'Renamed';
    after[0]!.title = 'Renamed too';
    let reads = 0;
    // Newest first, as a one-shot generator: the publish path streams the latest snapshot's file.
    const stream = (function* () {
      for (const r of [...before].reverse()) {
        reads += 1;
        yield r;
      }
    })();
    const d = diffRecords({ id: 'a', records: stream }, { id: 'b', records: after });
    expect(reads).toBe(6);
    expect(d.removed).toEqual(['11-1000', '11-1001']);
    expect(d.changed.map((c) => c.soc)).toEqual(['11-1002', '11-1005']);
    expect(d.summary).toMatchObject({ added: 0, removed: 2, changed: 2, unchanged: 2 });
  });

  it('names array elements and absent keys, and ignores fetch times', () => {
    const a = occupation('29-2072');
    const b = structuredClone(a);
    b.sourceStatus.oews!.fetchedAt = '2030-01-01T00:00:00.000Z';
    b.sourceStatus.ep = { status: 'stale', fetchedAt: null, ageSeconds: 10 };
    b.wages!.national!.topCoded = ['annual.p90'];
    const changes = diffValues(a, b);
    expect(changes).toEqual([
      {
        path: 'sourceStatus.ep',
        op: 'add',
        old: null,
        new: { status: 'stale', fetchedAt: null, ageSeconds: 10 },
      },
      { path: 'wages.national.topCoded[0]', op: 'add', old: null, new: 'annual.p90' },
    ]);
  });

  it('caps the listed changes per occupation but counts them all', () => {
    const a = occupation('11-1011');
    const b = structuredClone(a);
    b.alsoKnownAs = Array.from({ length: 300 }, (_, i) => `t${i}`);
    a.alsoKnownAs = [];
    const d = diffRecords({ id: 'a', records: [a] }, { id: 'b', records: [b] }, 50);
    expect(d.changed[0]).toMatchObject({ changeCount: 300, truncated: true });
    expect(d.changed[0]!.changes).toHaveLength(50);
  });
});

describe('content hash and ids', () => {
  const header = { schemaVersion: '1.0.0', methodology: '2.0', releases: { oews: ['May 2024'] } };

  it('does not depend on key order or fetch times, but on every figure, the methodology and the releases', () => {
    const recs = occupations(3);
    const h = contentSha256(header, recs);
    const reordered = recs.map((r) => JSON.parse(canonicalJson(r)));
    expect(contentSha256(header, reordered)).toBe(h);
    expect(contentSha256(header, occupations(3, { fetchedAt: '2031-01-01T00:00:00Z' }))).toBe(h);
    const changed = occupations(3);
    changed[1]!.wages!.national!.annual.p90! += 1;
    expect(contentSha256(header, changed)).not.toBe(h);
    expect(contentSha256({ ...header, methodology: '2.1' }, recs)).not.toBe(h);
    expect(contentSha256({ ...header, releases: { oews: ['May 2025'] } }, recs)).not.toBe(h);
  });

  it('makes ids that sort by time and end with the hash prefix', () => {
    const id = newSnapshotId(new Date('2026-11-27T03:00:00.900Z'), '3f9a2c1b' + '0'.repeat(56), null);
    expect(id).toBe('20261127T030000Z-3f9a2c1b');
    expect(newSnapshotId(new Date('2026-11-27T02:00:00Z'), 'ab'.repeat(32), id)).toBe(
      '20261127T030001Z-abababab',
    );
  });
});

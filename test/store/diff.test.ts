import fastJsonPatch from 'fast-json-patch';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/model/canonicalJson.js';
import type { OccupationRecord } from '../../src/model/occupation.js';
import { withoutVolatile } from '../../src/store/canonical.js';
import { contentSha256 } from '../../src/store/content.js';
import {
  diffJsonPieces,
  diffRecords,
  diffValues,
  jsonPatch,
  RecordDiffer,
  toJsonPointer,
} from '../../src/store/diff.js';
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
        patch: [{ op: 'replace', path: '/title', value: 'Renamed' }],
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

/** Apply with a JSON Patch library written from RFC 6902 (validating each operation). */
function applied(doc: unknown, patch: readonly unknown[]): unknown {
  return fastJsonPatch.applyPatch(structuredClone(doc), patch as fastJsonPatch.Operation[], true, false)
    .newDocument;
}

async function collect(pieces: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const p of pieces) out.push(p);
  return out;
}

describe('diff.json written in pieces', () => {
  it('is byte for byte JSON.stringify of the diff, with and without changed occupations', async () => {
    const before = occupations(6);
    const after = occupations(7).slice(1);
    after[0]!.title = 'Renamed "quoted" \u2028';
    (after[2] as { title: string }).title = 'Other';
    const d = diffRecords({ id: 'a', records: before }, { id: 'b', records: after });
    expect(d.changed.length).toBe(2);
    expect((await collect(diffJsonPieces(d))).join('')).toBe(JSON.stringify(d));
    const first = diffRecords({ id: null, records: [] }, { id: 'b', records: after });
    expect(first.changed).toEqual([]);
    expect((await collect(diffJsonPieces(first))).join('')).toBe(JSON.stringify(first));
  });

  it('never holds more than one changed occupation in one piece', async () => {
    const before = occupations(5);
    const after = occupations(5).map((r) => ({ ...r, title: `${r.title} (new)` }));
    const d = diffRecords({ id: 'a', records: before }, { id: 'b', records: after });
    const pieces = await collect(diffJsonPieces(d));
    const longest = Math.max(...pieces.map((p) => p.length));
    expect(longest).toBeLessThanOrEqual(Math.max(...d.changed.map((c) => JSON.stringify(c).length)) + 1);
  });

  it('takes the changed entries from a spool when the differ did not keep them, same bytes', async () => {
    const before = occupations(6);
    const after = occupations(6).map((r, i) => (i % 2 ? { ...r, title: `${r.title} ✓` } : r));
    const kept = diffRecords({ id: 'a', records: before }, { id: 'b', records: after });
    const differ = new RecordDiffer(after, { keepChanged: false });
    const spooled: string[] = [];
    for (const r of before) {
      const c = differ.add(r);
      if (c) spooled.push(JSON.stringify(c));
    }
    const bare = differ.finish('a', 'b');
    expect(bare.changed).toEqual([]);
    expect(bare.summary).toEqual(kept.summary);
    expect((await collect(diffJsonPieces(bare, spooled))).join('')).toBe(JSON.stringify(kept));
  });
});

describe('JSON Patch (RFC 6902) per occupation', () => {
  it('uses JSON Pointer paths with ~0 and ~1 escapes', () => {
    expect(toJsonPointer(['wages', 'areas', 'a/b~c', 'annual', 'p10'])).toBe(
      '/wages/areas/a~1b~0c/annual/p10',
    );
    expect(toJsonPointer(['careerProgression', 2, 'annual'])).toBe('/careerProgression/2/annual');
    expect(toJsonPointer([])).toBe('');
  });

  it('turns the old record into the new one: replace, add and remove, arrays growing and shrinking', () => {
    const a = occupation('29-2072');
    a.alsoKnownAs = ['one', 'two', 'three', 'four'];
    a.brightOutlook = ['x'];
    const b = structuredClone(a);
    b.title = 'Medical Records Specialists';
    b.wages!.national!.annual.median = 51_000;
    b.wages!.national!.rejected = ['hourly.p10'];
    b.wages!.states = { 'A/B~C': structuredClone(b.wages!.national!) };
    b.alsoKnownAs = ['one', 'TWO'];
    b.brightOutlook = ['x', 'y', 'z'];
    b.resilience = null;
    b.sourceStatus.oews!.fetchedAt = '2030-01-01T00:00:00.000Z';
    const patch = jsonPatch(a, b);
    expect(patch).toContainEqual({ op: 'replace', path: '/wages/national/annual/median', value: 51_000 });
    expect(patch).toContainEqual({ op: 'add', path: '/wages/national/rejected', value: ['hourly.p10'] });
    expect(patch).toContainEqual({ op: 'remove', path: '/alsoKnownAs/3' });
    expect(patch.filter((o) => o.path.startsWith('/alsoKnownAs/')).map((o) => o.op)).toEqual([
      'replace',
      'remove',
      'remove',
    ]);
    expect(patch.some((o) => o.path.includes('fetchedAt'))).toBe(false);
    expect(withoutVolatile(applied(a, patch) as OccupationRecord)).toEqual(withoutVolatile(b));
  });

  it('stays applicable when the listed changes are truncated: one replace of the whole record', () => {
    const a = occupation('11-1011');
    a.alsoKnownAs = [];
    const b = structuredClone(a);
    b.alsoKnownAs = Array.from({ length: 300 }, (_, i) => `t${i}`);
    const d = diffRecords({ id: 'a', records: [a] }, { id: 'b', records: [b] }, 50);
    expect(d.changed[0]!.patch).toEqual([{ op: 'replace', path: '', value: b }]);
    expect(applied(a, d.changed[0]!.patch!)).toEqual(b);
    const small = diffRecords({ id: 'a', records: [a] }, { id: 'b', records: [b] }, 1000);
    expect(small.changed[0]!.patch).toHaveLength(300);
    expect(applied(a, small.changed[0]!.patch!)).toEqual(b);
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

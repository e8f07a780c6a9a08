/** The diff as an RFC 6902 JSON Patch document over HTTP (`Accept: application/json-patch+json`). */

import fastJsonPatch from 'fast-json-patch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApi, startApi } from '../../src/api/server.js';
import { DEFAULT_GATE_CONFIG } from '../../src/gates/report.js';
import type { OccupationRecord } from '../../src/model/occupation.js';
import { publishSnapshot } from '../../src/pipeline/publish/publishSnapshot.js';
import { withoutVolatile } from '../../src/store/canonical.js';
import { SnapshotStore } from '../../src/store/snapshotStore.js';
import { candidate, occupation, occupations, steppingClock, tempDir } from '../store/support.js';

const bySoc = (records: OccupationRecord[]) =>
  Object.fromEntries(records.map((r) => [r.soc, withoutVolatile(r)]));

describe('diff as application/json-patch+json', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let store: SnapshotStore;
  let api: RunningApi;
  let a: string;
  let b: string;

  beforeAll(async () => {
    tmp = await tempDir('careerdata-patch-');
    store = new SnapshotStore({ dir: tmp.dir, now: steppingClock() });
    const first = await publishSnapshot(store, candidate(occupations(30)), { gates: DEFAULT_GATE_CONFIG });
    const next = occupations(30).slice(1); // 11-1000 removed
    next.push(occupation('29-2072')); // added
    next[4]!.wages!.national!.annual.median = 77_777;
    next[5]!.alsoKnownAs = ['Records clerk', 'Health information technician'];
    const second = await publishSnapshot(store, candidate(next), { gates: DEFAULT_GATE_CONFIG });
    if (first.status !== 'published' || second.status !== 'published') throw new Error('publish failed');
    a = first.snapshotId;
    b = second.snapshotId;
    api = await startApi({ store, host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await api?.close();
    await tmp?.cleanup();
  });

  it('turns snapshot a, keyed by SOC, into snapshot b', async () => {
    for (const url of [`/v1/snapshots/${b}/diff`, `/v1/snapshots/${b}/diff?from=${a}`]) {
      const res = await fetch(api.url + url, { headers: { accept: 'application/json-patch+json' } });
      expect(res.status, url).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json-patch\+json/);
      expect(res.headers.get('vary')).toMatch(/accept/i);
      const patch = (await res.json()) as fastJsonPatch.Operation[];
      expect(patch).toContainEqual({ op: 'remove', path: '/11-1000' });
      expect(patch).toContainEqual({
        op: 'replace',
        path: '/11-1005/wages/national/annual/median',
        value: 77_777,
      });
      expect(patch.find((o) => o.path === '/29-2072')).toMatchObject({ op: 'add' });
      const before = bySoc(await store.records(a));
      const after = fastJsonPatch.applyPatch(before, patch, true, false).newDocument as Record<
        string,
        OccupationRecord
      >;
      const expected = bySoc(await store.records(b));
      expect(Object.keys(after).sort()).toEqual(Object.keys(expected).sort());
      for (const soc of Object.keys(expected))
        expect(withoutVolatile(after[soc]!), soc).toEqual(expected[soc]);
    }
  });

  it('still answers JSON with the summary by default, with its own ETag', async () => {
    const json = await fetch(`${api.url}/v1/snapshots/${b}/diff`);
    const patch = await fetch(`${api.url}/v1/snapshots/${b}/diff`, {
      headers: { accept: 'application/json-patch+json' },
    });
    expect(json.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await json.json()) as { summary: unknown; changed: { patch: unknown }[] };
    expect(body.summary).toMatchObject({ added: 1, removed: 1, changed: 2 });
    expect(body.changed[0]?.patch).toEqual(expect.any(Array));
    expect(json.headers.get('etag')).not.toBe(patch.headers.get('etag'));
  });
});

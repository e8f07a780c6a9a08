import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CACHE_IMMUTABLE, CACHE_LATEST, type RunningApi, startApi } from '../../src/api/server.js';
import { DEFAULT_GATE_CONFIG } from '../../src/gates/report.js';
import type { OccupationRecord } from '../../src/model/occupation.js';
import { publishSnapshot } from '../../src/pipeline/publish/publishSnapshot.js';
import { jsonSchema } from '../../src/store/schemas.js';
import { SnapshotStore } from '../../src/store/snapshotStore.js';
import { candidate, occupations, steppingClock, tempDir } from '../store/support.js';

const gates = DEFAULT_GATE_CONFIG;

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked by assertions, not by types
type Loose = any;
const j = (res: Response): Promise<Loose> => res.json();

async function publish(store: SnapshotStore, records: OccupationRecord[]): Promise<string> {
  const r = await publishSnapshot(store, candidate(records), { gates });
  if (r.status !== 'published') throw new Error(r.status);
  return r.snapshotId;
}

describe('read API over HTTP', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let store: SnapshotStore;
  let api: RunningApi;
  let a: string;
  let b: string;
  const get = (p: string, headers: Record<string, string> = {}) => fetch(api.url + p, { headers });

  beforeAll(async () => {
    tmp = await tempDir('careerdata-api-');
    store = new SnapshotStore({ dir: tmp.dir, now: steppingClock() });
    a = await publish(store, occupations(40));
    const changed = occupations(40);
    changed[3]!.wages!.national!.annual.median = 99_999;
    b = await publish(store, changed);
    api = await startApi({ store, host: '127.0.0.1', port: 0, cache: { latestTtlMs: 0 } });
  });
  afterAll(async () => {
    await api.close();
    await tmp.cleanup();
  });

  async function expectProblem(res: Response, status: number, detail: RegExp) {
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const body = await j(res);
    expect(body).toMatchObject({
      status,
      title: expect.any(String),
      type: expect.stringMatching(/^urn:careerdata:problem:/),
    });
    expect(body.detail).toMatch(detail);
    expect(JSON.stringify(body)).not.toMatch(/\bat .*\.(ts|js):\d+/); // no stack trace
  }

  it('lists snapshots newest first, paged with limit and cursor', async () => {
    const res = await get('/v1/snapshots');
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBeTruthy();
    const body = await j(res);
    expect(body.items.map((s: { id: string }) => s.id)).toEqual([b, a]);
    expect(body.items[0]).toMatchObject({ latest: true, parent: a, counts: { occupations: 40 } });
    expect(body.nextCursor).toBeNull();
    const page1 = await j(await get('/v1/snapshots?limit=1'));
    expect(page1).toMatchObject({ items: [{ id: b }], nextCursor: b });
    const page2 = await j(await get(`/v1/snapshots?limit=1&cursor=${page1.nextCursor}`));
    expect(page2).toMatchObject({ items: [{ id: a }], nextCursor: null });
    await expectProblem(await get('/v1/snapshots?limit=0'), 400, /limit must be an integer from 1 to 100/);
    await expectProblem(await get('/v1/snapshots?cursor=x'), 400, /cursor/);
  });

  it('serves a manifest by id as immutable, and latest as short-lived naming the snapshot', async () => {
    const res = await get(`/v1/snapshots/${a}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe(CACHE_IMMUTABLE);
    expect((await j(res)).id).toBe(a);
    const latest = await get('/v1/snapshots/latest');
    expect(latest.headers.get('cache-control')).toBe(CACHE_LATEST);
    expect(latest.headers.get('x-careerdata-snapshot')).toBe(b);
    expect(latest.headers.get('content-location')).toBe(`/v1/snapshots/${b}`);
    expect((await j(latest)).id).toBe(b);
  });

  it('answers a matching If-None-Match with 304 and no body, on every kind of resource', async () => {
    for (const p of [
      `/v1/snapshots/${a}`,
      `/v1/snapshots/${a}/occupations`,
      `/v1/snapshots/${a}/occupations/11-1002`,
      '/v1/occupations/11-1002',
      `/v1/snapshots/${b}/diff`,
      '/v1/schema/occupation',
      '/v1/openapi.json',
      '/v1/snapshots',
    ]) {
      const first = await get(p);
      expect(first.status, p).toBe(200);
      await first.arrayBuffer();
      const etag = first.headers.get('etag')!;
      expect(etag, p).toMatch(/^".+"$/);
      const again = await get(p, { 'if-none-match': etag });
      expect(again.status, p).toBe(304);
      expect(again.headers.get('etag')).toBe(etag);
      expect(await again.text()).toBe('');
      expect((await get(p, { 'if-none-match': '"other"' })).status, p).toBe(200);
    }
  });

  it('serves all records as a JSON array, and streams them as NDJSON when asked', async () => {
    const res = await get(`/v1/snapshots/${a}/occupations`);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('cache-control')).toBe(CACHE_IMMUTABLE);
    const all = (await j(res)) as OccupationRecord[];
    expect(all.map((r) => r.soc)).toEqual(occupations(40).map((r) => r.soc));
    // identity: the exact length is announced only for the uncompressed stream
    const nd = await get(`/v1/snapshots/${a}/occupations`, {
      accept: 'application/x-ndjson',
      'accept-encoding': 'identity',
    });
    expect(nd.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    expect(nd.headers.get('etag')).not.toBe(res.headers.get('etag'));
    const text = await nd.text();
    expect(Number(nd.headers.get('content-length'))).toBe(Buffer.byteLength(text));
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(40);
    expect(lines.map((l) => JSON.parse(l))).toEqual(all);
  });

  it('streams a large snapshot in several chunks', async () => {
    const big = await tempDir('careerdata-api-big-');
    const bigStore = new SnapshotStore({ dir: big.dir });
    const id = await publish(bigStore, occupations(800));
    const bigApi = await startApi({ store: bigStore, host: '127.0.0.1', port: 0 });
    try {
      const res = await fetch(`${bigApi.url}/v1/snapshots/${id}/occupations`, {
        headers: { accept: 'application/x-ndjson' },
      });
      const reader = res.body!.getReader();
      let chunks = 0;
      let text = '';
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks += 1;
        text += Buffer.from(value).toString('utf8');
      }
      expect(chunks).toBeGreaterThan(1);
      expect(text.trimEnd().split('\n')).toHaveLength(800);
    } finally {
      await bigApi.close();
      await big.cleanup();
    }
  });

  it('serves one record by snapshot and SOC, and from latest naming the snapshot', async () => {
    const res = await get(`/v1/snapshots/${a}/occupations/11-1003`);
    expect(res.headers.get('cache-control')).toBe(CACHE_IMMUTABLE);
    const rec = await j(res);
    expect(rec.soc).toBe('11-1003');
    expect(rec.wages.national.annual.median).not.toBe(99_999);
    const latest = await get('/v1/occupations/11-1003');
    expect(latest.headers.get('x-careerdata-snapshot')).toBe(b);
    expect(latest.headers.get('cache-control')).toBe(CACHE_LATEST);
    expect((await j(latest)).wages.national.annual.median).toBe(99_999);
    await expectProblem(await get('/v1/occupations/99-9999'), 404, /has no occupation 99-9999/);
    await expectProblem(
      await get(`/v1/snapshots/${a}/occupations/99-9999`),
      404,
      /has no occupation 99-9999/,
    );
    await expectProblem(await get('/v1/occupations/29-20721'), 400, /not a SOC code/);
  });

  it('serves the stored diff against the parent and a computed diff from any snapshot', async () => {
    const stored = await j(await get(`/v1/snapshots/${b}/diff`));
    expect(stored).toMatchObject({ from: a, to: b, summary: { changed: 1 } });
    expect(stored.changed[0].changes).toEqual([
      { path: 'wages.national.annual.median', op: 'replace', old: expect.any(Number), new: 99_999 },
    ]);
    expect(await j(await get(`/v1/snapshots/${b}/diff?from=${a}`))).toEqual(stored);
    const reverse = await get(`/v1/snapshots/${a}/diff?from=${b}`);
    expect(reverse.headers.get('cache-control')).toBe(CACHE_IMMUTABLE);
    expect((await j(reverse)).changed[0].changes[0].new).toBe(stored.changed[0].changes[0].old);
    await expectProblem(await get(`/v1/snapshots/${b}/diff?from=nope`), 400, /not a snapshot id/);
    await expectProblem(
      await get(`/v1/snapshots/${b}/diff?from=20000101T000000Z-00000000`),
      404,
      /does not exist/,
    );
  });

  it('serves JSON Schemas generated from the zod schemas, current and as stored in a snapshot', async () => {
    expect(await j(await get('/v1/schema/occupation'))).toEqual(jsonSchema('occupation'));
    expect(await j(await get('/v1/schema/manifest'))).toEqual(jsonSchema('manifest'));
    expect(await j(await get(`/v1/snapshots/${a}/schema/manifest`))).toEqual(jsonSchema('manifest'));
    await expectProblem(await get('/v1/schema/nope'), 404, /no schema "nope"/);
  });

  it('publishes an OpenAPI 3.1 document describing every route with the generated schemas', async () => {
    const doc = await j(await get('/v1/openapi.json'));
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/snapshots',
        '/v1/snapshots/{id}',
        '/v1/snapshots/{id}/occupations',
        '/v1/snapshots/{id}/occupations/{soc}',
        '/v1/occupations/{soc}',
        '/v1/snapshots/{id}/diff',
        '/v1/schema/{name}',
        '/healthz',
        '/readyz',
      ]),
    );
    const { $schema: _s, $id: _i, ...occ } = jsonSchema('occupation');
    expect(doc.components.schemas.Occupation).toEqual(occ);
    expect(JSON.stringify(doc)).not.toContain('"$ref":"#/$defs');
  });

  it('answers health and readiness', async () => {
    expect(await j(await get('/healthz'))).toEqual({ status: 'ok' });
    expect(await j(await get('/readyz'))).toMatchObject({
      status: 'ready',
      snapshotId: b,
      occupations: 40,
    });
  });

  it('rejects malformed ids, SOCs and traversal attempts with 400 before reading anything', async () => {
    const spies = [
      vi.spyOn(store, 'manifest'),
      vi.spyOn(store, 'occupationsFile'),
      vi.spyOn(store, 'resolve'),
      vi.spyOn(store, 'storedDiff'),
      vi.spyOn(fs, 'readFile'),
    ];
    try {
      await expectProblem(await get('/v1/snapshots/..%2F..%2Fetc%2Fpasswd'), 400, /is not a snapshot id/);
      await expectProblem(
        await get('/v1/snapshots/..%2F..%2Fetc%2Fpasswd/occupations'),
        400,
        /is not a snapshot id/,
      );
      await expectProblem(
        await get(`/v1/snapshots/${a}/occupations/..%2F..%2Fetc%2Fpasswd`),
        400,
        /not a SOC code/,
      );
      await expectProblem(await get('/v1/occupations/..%2F..%2Fetc%2Fpasswd'), 400, /not a SOC code/);
      await expectProblem(await get('/v1/snapshots/%2Fetc%2Fpasswd/diff'), 400, /is not a snapshot id/);
      await expectProblem(await get('/v1/snapshots/20261127T030000Z-ZZZZZZZZ'), 400, /is not a snapshot id/);
      for (const s of spies) expect(s).not.toHaveBeenCalled();
    } finally {
      for (const s of spies) s.mockRestore();
    }
  });

  it('answers unknown snapshots and routes with 404 problem documents', async () => {
    await expectProblem(await get('/v1/snapshots/20000101T000000Z-00000000'), 404, /does not exist/);
    await expectProblem(await get('/v1/nothing-here'), 404, /no route GET \/v1\/nothing-here/);
  });

  it('serves records from memory: the snapshot file is read once, not per request', async () => {
    const fresh = await startApi({ store, host: '127.0.0.1', port: 0 });
    const spy = vi.spyOn(store, 'occupationsFile');
    try {
      for (let i = 0; i < 5; i++)
        expect((await fetch(`${fresh.url}/v1/occupations/11-100${i}`)).status).toBe(200);
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
      await fresh.close();
    }
  });

  it('follows a rollback: the API then serves the older snapshot as latest', async () => {
    await store.rollback(a, { who: 'test', why: 'api follows rollback' });
    try {
      const res = await get('/v1/occupations/11-1003');
      expect(res.headers.get('x-careerdata-snapshot')).toBe(a);
      expect((await j(res)).wages.national.annual.median).not.toBe(99_999);
      expect((await j(await get('/v1/snapshots/latest'))).id).toBe(a);
    } finally {
      await store.rollback(b, { who: 'test', why: 'restore' });
    }
  });

  it('refuses to serve a damaged snapshot, with a 500 problem and no stack trace', async () => {
    const damaged = await tempDir('careerdata-api-damaged-');
    const s = new SnapshotStore({ dir: damaged.dir });
    const id = await publish(s, occupations(3));
    const file = path.join(damaged.dir, id, 'occupations.ndjson');
    await fs.chmod(file, 0o644);
    await fs.appendFile(file, '{"soc":"99-9999"}\n');
    const dApi = await startApi({ store: s, host: '127.0.0.1', port: 0 });
    try {
      const res = await fetch(`${dApi.url}/v1/snapshots/${id}/occupations/11-1000`);
      await expectProblem(res, 500, /does not match its manifest/);
      expect((await fetch(`${dApi.url}/readyz`)).status).toBe(503);
    } finally {
      await dApi.close();
      await damaged.cleanup();
    }
  });

  it('is not ready and answers 404 for latest when nothing is published yet', async () => {
    const empty = await tempDir('careerdata-api-empty-');
    const eApi = await startApi({ store: new SnapshotStore({ dir: empty.dir }), host: '127.0.0.1', port: 0 });
    try {
      expect((await fetch(`${eApi.url}/readyz`)).status).toBe(503);
      await expectProblem(
        await fetch(`${eApi.url}/v1/occupations/11-1000`),
        404,
        /no snapshot has been published yet/,
      );
      expect(await j(await fetch(`${eApi.url}/v1/snapshots`))).toEqual({ items: [], nextCursor: null });
    } finally {
      await eApi.close();
      await empty.cleanup();
    }
  });
});

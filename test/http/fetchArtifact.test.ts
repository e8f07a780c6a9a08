import { createHash } from 'node:crypto';
import { readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PermanentError, UnexpectedContentError } from '../../src/errors.js';
import { artifactRecord, fetchArtifact } from '../../src/http/fetchArtifact.js';
import type { HttpClient } from '../../src/http/httpClient.js';
import { RawCache } from '../../src/http/rawCache.js';
import { type FixtureServer, startFixtureServer } from '../../src/offline/fixtureServer.js';
import { type LogCapture, tempDir, testClient } from './support.js';

// A minimal "xlsx": only the zip signature matters to the content check.
const XLSX = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(4_000, 7)]);
const CSV = Buffer.from('O*NET-SOC Code,Title,dv_rating_beta\n11-1011.00,Chief Executives,0.25\n');
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let server: FixtureServer;
let root: { dir: string; cleanup: () => Promise<void> };
let cacheDir: { dir: string; cleanup: () => Promise<void> };
let http: HttpClient;
let capture: LogCapture;
let cache: RawCache;
const fixedNow = () => new Date('2026-03-01T03:00:00Z');

beforeAll(async () => {
  root = await tempDir('art-root');
  await writeFile(path.join(root.dir, 'occupation.xlsx'), XLSX);
  await writeFile(path.join(root.dir, 'occ_level.csv'), CSV);
  await writeFile(path.join(root.dir, 'data.json'), '{"rows":[1,2,3]}');
  await writeFile(path.join(root.dir, 'broken.json'), '{"rows":[1,2');
  server = await startFixtureServer({ root: root.dir });
});
afterAll(async () => {
  await server.close();
  await root.cleanup();
});

async function freshCache(): Promise<void> {
  cacheDir = await tempDir('art-cache');
  cache = new RawCache(cacheDir.dir);
  ({ http, capture } = testClient());
}
afterEach(async () => {
  server.clearFaults();
  server.requests.length = 0;
  await http.close();
  await cacheDir.cleanup();
});

const deps = () => ({ http, cache, log: capture.log, now: fixedNow });

describe('fetchArtifact over HTTP', () => {
  it('downloads into a content-addressed blob, then answers an unchanged file from a 304 with zero body bytes', async () => {
    await freshCache();
    const req = {
      source: 'ep',
      name: 'occupation.xlsx',
      url: `${server.url}/occupation.xlsx`,
      expect: 'xlsx' as const,
    };
    const first = await fetchArtifact(deps(), req);

    expect(first).toMatchObject({
      source: 'ep',
      name: 'occupation.xlsx',
      url: req.url,
      sha256: sha(XLSX),
      bytes: XLSX.length,
      notModified: false,
      fetchedAt: '2026-03-01T03:00:00.000Z',
      contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    });
    expect(first.path).toBe(path.join(cacheDir.dir, 'blobs', sha(XLSX)));
    expect((await readFile(first.path)).equals(XLSX)).toBe(true);
    expect(first.etag).toMatch(/^".+"$/);

    const second = await fetchArtifact(deps(), req);
    expect(second.notModified).toBe(true);
    expect(second.sha256).toBe(first.sha256);
    expect(second.path).toBe(first.path);
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]!.headers['if-none-match']).toBe(first.etag);
    expect(server.requests[1]!.status).toBe(304);
    expect(server.requests[1]!.bodyBytes).toBe(0);
    expect(artifactRecord(second, 0)).toMatchObject({ sha256: sha(XLSX), downloadedBytes: 0 });
    // Nothing is left behind in the download area.
    expect(await readdir(path.join(cacheDir.dir, 'tmp'))).toEqual([]);
  });

  it('refuses an HTML page served with 200 where xlsx was expected, caches nothing, and a later good fetch works', async () => {
    await freshCache();
    const req = {
      source: 'ep',
      name: 'occupation.xlsx',
      url: `${server.url}/occupation.xlsx`,
      expect: 'xlsx' as const,
    };
    server.inject('/occupation.xlsx', { kind: 'html200' });
    const err = await fetchArtifact(deps(), req).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(UnexpectedContentError);
    const msg = (err as Error).message;
    expect(msg).toContain(req.url);
    expect(msg).toContain('text/html');
    expect(msg).toContain('<!DOCTYPE html>');
    expect(await cache.lookup(req.url)).toBeUndefined();
    expect(await readdir(path.join(cacheDir.dir, 'tmp'))).toEqual([]);

    const good = await fetchArtifact(deps(), req);
    expect(good.notModified).toBe(false);
    expect(good.sha256).toBe(sha(XLSX));
    // The retry was unconditional: no validators were stored from the bad response.
    expect(server.requests[1]!.headers['if-none-match']).toBeUndefined();
  });

  it('keeps the previous good file current when a later response is bad', async () => {
    await freshCache();
    const req = {
      source: 'exposure',
      name: 'occ_level.csv',
      url: `${server.url}/occ_level.csv`,
      expect: 'csv' as const,
    };
    const good = await fetchArtifact(deps(), req);
    server.inject('/occ_level.csv', {
      kind: 'body',
      body: '<html><body>Rate limited</body></html>',
      contentType: 'text/html',
    });
    await expect(fetchArtifact({ ...deps() }, { ...req, force: true })).rejects.toThrow(/is an HTML page/);
    expect((await cache.lookup(req.url))?.sha256).toBe(good.sha256);
  });

  it('rejects NUL bytes in a text file and invalid JSON, and accepts valid JSON', async () => {
    await freshCache();
    server.inject('/occ_level.csv', { kind: 'body', body: Buffer.from([0x41, 0x00, 0x42]) });
    await expect(
      fetchArtifact(deps(), {
        source: 'exposure',
        name: 'x',
        url: `${server.url}/occ_level.csv`,
        expect: 'csv',
      }),
    ).rejects.toThrow(/NUL bytes/);
    await expect(
      fetchArtifact(deps(), { source: 's', name: 'j', url: `${server.url}/broken.json`, expect: 'json' }),
    ).rejects.toThrow(/not valid JSON/);
    const ok = await fetchArtifact(deps(), {
      source: 's',
      name: 'j',
      url: `${server.url}/data.json`,
      expect: 'json',
    });
    expect(JSON.parse(await readFile(ok.path, 'utf8'))).toEqual({ rows: [1, 2, 3] });
  });

  it('fetches the whole body again when forced, and when the cached blob went missing', async () => {
    await freshCache();
    const req = {
      source: 'ep',
      name: 'occupation.xlsx',
      url: `${server.url}/occupation.xlsx`,
      expect: 'xlsx' as const,
    };
    await fetchArtifact(deps(), req);
    const forced = await fetchArtifact(deps(), { ...req, force: true });
    expect(forced.notModified).toBe(false);
    expect(server.requests[1]!.headers['if-none-match']).toBeUndefined();
    expect(server.requests[1]!.bodyBytes).toBe(XLSX.length);

    await rm(forced.path);
    const refetched = await fetchArtifact(deps(), req);
    expect(refetched.notModified).toBe(false);
    expect(server.requests[2]!.headers['if-none-match']).toBeUndefined();
    expect((await readFile(refetched.path)).equals(XLSX)).toBe(true);
  });

  it('scrubs secrets from the stored URL and the artifact', async () => {
    await freshCache();
    const secret = 'tok-9a8b7c';
    ({ http, capture } = testClient({ secrets: [secret] }));
    server.addRoute({
      path: `/api/${secret}/data.json`,
      handler: (_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end('{"ok":1}');
      },
    });
    const a = await fetchArtifact(deps(), {
      source: 'careeronestop',
      name: 'd',
      url: `${server.url}/api/${secret}/data.json`,
      expect: 'json',
    });
    expect(a.url).toBe(`${server.url}/api/***/data.json`);
    const indexFiles = await readdir(path.join(cacheDir.dir, 'index'));
    for (const f of indexFiles)
      expect(await readFile(path.join(cacheDir.dir, 'index', f), 'utf8')).not.toContain(secret);
    for (const line of capture.lines) expect(line).not.toContain(secret);
  });
});

describe('fetchArtifact for file:// URLs', () => {
  it('hashes the file into the cache, then reports it unchanged while size and mtime match', async () => {
    await freshCache();
    const file = path.join(cacheDir.dir, 'in.csv');
    await writeFile(file, CSV);
    const url = pathToFileURL(file).href;
    const req = { source: 'epoch', name: 'epoch.csv', url, expect: 'csv' as const };

    const first = await fetchArtifact(deps(), req);
    expect(first).toMatchObject({ sha256: sha(CSV), bytes: CSV.length, notModified: false, url });
    expect((await readFile(first.path)).equals(CSV)).toBe(true);

    const second = await fetchArtifact(deps(), req);
    expect(second.notModified).toBe(true);
    expect(second.sha256).toBe(first.sha256);

    const changed = Buffer.concat([CSV, Buffer.from('11-2011.00,Advertising Managers,0.5\n')]);
    await writeFile(file, changed);
    await utimes(file, new Date(), new Date(Date.now() + 5_000));
    const third = await fetchArtifact(deps(), req);
    expect(third.notModified).toBe(false);
    expect(third.sha256).toBe(sha(changed));
  });

  it('names the source and the path when the file is missing', async () => {
    await freshCache();
    const url = pathToFileURL(path.join(cacheDir.dir, 'nope.xlsx')).href;
    const err = await fetchArtifact(deps(), {
      source: 'ep',
      name: 'occupation.xlsx',
      url,
      expect: 'xlsx',
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentError);
    expect((err as Error).message).toMatch(/^ep occupation\.xlsx: cannot read file:.*nope\.xlsx \(ENOENT\)/);
  });

  it('refuses a dropped-in file that is not what was expected', async () => {
    await freshCache();
    const file = path.join(cacheDir.dir, 'saved.xlsx');
    await writeFile(file, '<!DOCTYPE html><html>blocked</html>');
    await expect(
      fetchArtifact(deps(), {
        source: 'ep',
        name: 'occupation.xlsx',
        url: pathToFileURL(file).href,
        expect: 'xlsx',
      }),
    ).rejects.toBeInstanceOf(UnexpectedContentError);
    expect(await cache.lookup(pathToFileURL(file).href)).toBeUndefined();
  });
});

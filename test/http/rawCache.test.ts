import { readdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RawCache, writeFileAtomic } from '../../src/http/rawCache.js';
import { tempDir } from './support.js';

const SHA_A = 'a'.repeat(64);
const entry = {
  etag: '"abc"',
  lastModified: 'Wed, 02 Apr 2025 12:00:00 GMT',
  sha256: SHA_A,
  bytes: 5,
  contentType: 'text/csv',
  fetchedAt: '2026-01-01T00:00:00.000Z',
};

let tmp: { dir: string; cleanup: () => Promise<void> };
beforeEach(async () => {
  tmp = await tempDir('rawcache');
});
afterEach(async () => {
  await tmp.cleanup();
});

describe('RawCache', () => {
  it('records and looks up per-URL metadata, storing the URL scrubbed and keyed without the secret', async () => {
    const cache = new RawCache(tmp.dir, { secrets: ['s3cret'] });
    const url = 'https://api.example.org/v1/occupation/s3cret/29-2072.00';
    await cache.record(url, entry);

    expect(await cache.lookup(url)).toEqual({
      ...entry,
      url: 'https://api.example.org/v1/occupation/***/29-2072.00',
    });
    expect(await cache.lookup('https://api.example.org/other')).toBeUndefined();
    const files = await readdir(path.join(tmp.dir, 'index'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^[0-9a-f]{64}\.json$/);
    expect(await readFile(path.join(tmp.dir, 'index', files[0]!), 'utf8')).not.toContain('s3cret');
  });

  it('treats an unreadable index entry as absent so the file is fetched again', async () => {
    const cache = new RawCache(tmp.dir);
    const url = 'https://example.org/f.csv';
    await writeFileAtomic(cache.indexPath(url), '{"url": "half-writ');
    expect(await cache.lookup(url)).toBeUndefined();
    await writeFileAtomic(cache.indexPath(url), JSON.stringify({ ...entry, sha256: 'not-a-hash', url }));
    expect(await cache.lookup(url)).toBeUndefined();
  });

  it('adopts a temp file as an immutable blob, and drops a duplicate of an existing blob', async () => {
    const cache = new RawCache(tmp.dir);
    const t1 = await cache.tempPath();
    await writeFile(t1, 'hello');
    const blob = await cache.adopt(t1, SHA_A);

    expect(blob).toBe(cache.blobPath(SHA_A));
    expect(await readFile(blob, 'utf8')).toBe('hello');
    expect((await stat(blob)).mode & 0o222).toBe(0);
    expect(await cache.has(SHA_A)).toBe(true);
    expect(await cache.has(SHA_A, 5)).toBe(true);
    expect(await cache.has(SHA_A, 6)).toBe(false);

    const t2 = await cache.tempPath();
    await writeFile(t2, 'hello');
    await cache.adopt(t2, SHA_A);
    expect(await readdir(path.join(tmp.dir, 'tmp'))).toEqual([]);
  });

  it('refuses a blob name that is not a sha256', () => {
    const cache = new RawCache(tmp.dir);
    expect(() => cache.blobPath('../../etc/passwd')).toThrow(/sha256/);
  });

  it('writes atomically: no temp files remain after a write', async () => {
    const file = path.join(tmp.dir, 'x', 'y.json');
    await writeFileAtomic(file, '1');
    await writeFileAtomic(file, '2');
    expect(await readFile(file, 'utf8')).toBe('2');
    expect(await readdir(path.dirname(file))).toEqual(['y.json']);
  });
});

describe('RawCache.cleanStaleTemp', () => {
  it('removes downloads left by killed runs but not a download still in progress', async () => {
    const cache = new RawCache(tmp.dir);
    const old = await cache.tempPath();
    const fresh = await cache.tempPath();
    await writeFile(old, 'partial');
    await writeFile(fresh, 'in progress');
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
    await utimes(old, twoDaysAgo, twoDaysAgo);
    const removed = await cache.cleanStaleTemp();
    expect(removed).toEqual([path.basename(old)]);
    expect(await readdir(path.dirname(fresh))).toEqual([path.basename(fresh)]);
  });
});

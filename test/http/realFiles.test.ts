/** The real upstream files pass the content checks and hash to the figures in docs/real-files.md. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExpectedContent } from '../../src/http/contentCheck.js';
import { fetchArtifact } from '../../src/http/fetchArtifact.js';
import type { HttpClient } from '../../src/http/httpClient.js';
import { RawCache } from '../../src/http/rawCache.js';
import { type FixtureServer, startFixtureServer } from '../../src/offline/fixtureServer.js';
import { type LogCapture, tempDir, testClient } from './support.js';

const DATA = path.resolve(import.meta.dirname, '../../..', 'shared/data');
const FILES: Array<{ file: string; expect: ExpectedContent; sha256: string }> = [
  {
    file: 'national_M2024_dl.xlsx',
    expect: 'xlsx',
    sha256: '0b70d339f53d12c91509e72ad78cbfc32a5c43d7b82efff1705f83475da115b9',
  },
  {
    file: 'ep_2024-34_occupation.xlsx',
    expect: 'xlsx',
    sha256: 'bebf85e71d3a274eb0531077a9fe1bbcd1167e0a14c59e33071f61cbda9d3a57',
  },
  {
    file: 'occ_level.csv',
    expect: 'csv',
    sha256: '40c74f53de40aec91c0017d80690cbba915f83a8bb414bcf2f884692f1749acb',
  },
];

if (!existsSync(DATA)) console.warn(`skipping real-file HTTP tests: ${DATA} not found`);

describe.skipIf(!existsSync(DATA))('real upstream files through the HTTP layer', () => {
  let server: FixtureServer;
  let cacheDir: { dir: string; cleanup: () => Promise<void> };
  let http: HttpClient;
  let capture: LogCapture;

  beforeAll(async () => {
    server = await startFixtureServer({ root: DATA });
    cacheDir = await tempDir('real-cache');
    ({ http, capture } = testClient());
  });
  afterAll(async () => {
    await http.close();
    await server.close();
    await cacheDir.cleanup();
  });

  it.each(FILES)(
    '$file over HTTP: accepted, hashed as published, then 304',
    async ({ file, expect: kind, sha256 }) => {
      const cache = new RawCache(cacheDir.dir);
      const req = { source: 'real', name: file, url: `${server.url}/${file}`, expect: kind };
      const first = await fetchArtifact({ http, cache, log: capture.log }, req);
      expect(first.sha256).toBe(sha256);
      const second = await fetchArtifact({ http, cache, log: capture.log }, req);
      expect(second.notModified).toBe(true);
    },
  );

  it.each(FILES)(
    '$file as file://: accepted and hashed as published',
    async ({ file, expect: kind, sha256 }) => {
      const cache = new RawCache(cacheDir.dir);
      const url = pathToFileURL(path.join(DATA, file)).href;
      const a = await fetchArtifact(
        { http, cache, log: capture.log },
        { source: 'real', name: file, url, expect: kind },
      );
      expect(a.sha256).toBe(sha256);
      expect(a.bytes).toBeGreaterThan(100_000);
    },
  );
});

/**
 * The API over real HTTP as standard tools meet it: gzip and brotli (incl. the streamed NDJSON),
 * an ETag per representation and 304s, CORS for the read API only (also with the real admin
 * routes mounted), HEAD wherever GET is, and one access-log line per request.
 */

import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type RunningApi, SNAPSHOT_HEADER, startApi } from '../../src/api/server.js';
import { READ_API_PATH } from '../../src/api/standardHttp.js';
import { loadConfig } from '../../src/config.js';
import { DEFAULT_GATE_CONFIG } from '../../src/gates/report.js';
import { createLogger } from '../../src/log.js';
import { publishSnapshot } from '../../src/pipeline/publish/publishSnapshot.js';
import { SnapshotStore } from '../../src/store/snapshotStore.js';
import { deleteKeysWithPrefix } from '../queue/support/harness.js';
import { candidate, occupations, steppingClock, tempDir } from '../store/support.js';

const redisUrl = inject('redisUrl');
const TOKEN = 'admin-token-for-http-tests-91f2';
const ORIGIN = 'https://app.example.org';

interface Res {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** undici.request: no automatic decompression, so the bytes on the wire are what we see. */
async function call(url: string, method = 'GET', headers: Record<string, string> = {}): Promise<Res> {
  const res = await request(url, { method: method as 'GET', headers });
  const body = Buffer.from(await res.body.arrayBuffer());
  return { status: res.statusCode, headers: res.headers, body };
}

function decode(res: Res): Buffer {
  const enc = res.headers['content-encoding'];
  if (enc === 'gzip') return gunzipSync(res.body);
  if (enc === 'br') return brotliDecompressSync(res.body);
  return res.body;
}

describe('standard HTTP of the read API', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let store: SnapshotStore;
  let api: RunningApi;
  let id: string;
  const prefix = `cd-http-${randomBytes(4).toString('hex')}`;
  const lines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    tmp = await tempDir('careerdata-http-');
    store = new SnapshotStore({ dir: tmp.dir, now: steppingClock() });
    const r = await publishSnapshot(store, candidate(occupations(60)), { gates: DEFAULT_GATE_CONFIG });
    if (r.status !== 'published') throw new Error(r.status);
    id = r.snapshotId;
    const sink = new Writable({
      write(chunk, _enc, next) {
        for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        next();
      },
    });
    const log = createLogger({ level: 'debug', format: 'json', destination: sink });
    const config = loadConfig(
      { REDIS_URL: redisUrl, QUEUE_PREFIX: prefix, ADMIN_TOKEN: TOKEN, LOG_LEVEL: 'silent' },
      { checkSources: false },
    );
    api = await startApi({
      store,
      log,
      host: '127.0.0.1',
      port: 0,
      cache: { latestTtlMs: 0 },
      corsOrigins: [ORIGIN],
      accessLogLevel: 'debug',
      admin: { config, store, log },
    });
  });
  afterAll(async () => {
    await api?.close();
    await tmp?.cleanup();
    await deleteKeysWithPrefix(redisUrl, prefix);
  });

  describe('compression', () => {
    it('sends the streamed NDJSON as gzip and as brotli that decode to the identical bytes', async () => {
      const url = `${api.url}/v1/snapshots/${id}/occupations`;
      const accept = { accept: 'application/x-ndjson' };
      const plain = await call(url, 'GET', { ...accept, 'accept-encoding': 'identity' });
      const gz = await call(url, 'GET', { ...accept, 'accept-encoding': 'gzip' });
      const br = await call(url, 'GET', { ...accept, 'accept-encoding': 'gzip, br' });
      expect(plain.status).toBe(200);
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(Number(plain.headers['content-length'])).toBe(plain.body.length);
      expect(plain.body.toString().trim().split('\n')).toHaveLength(60);
      expect(gz.headers['content-encoding']).toBe('gzip');
      expect(br.headers['content-encoding']).toBe('br');
      expect(gz.body.length).toBeLessThan(plain.body.length / 3);
      expect(decode(gz).equals(plain.body)).toBe(true);
      expect(decode(br).equals(plain.body)).toBe(true);
      for (const r of [plain, gz, br]) expect(String(r.headers.vary)).toMatch(/accept-encoding/i);
    });

    it('gives each representation its own ETag and answers If-None-Match with 304 for each', async () => {
      const url = `${api.url}/v1/snapshots/${id}`;
      const plain = await call(url, 'GET', { 'accept-encoding': 'identity' });
      const gz = await call(url, 'GET', { 'accept-encoding': 'gzip' });
      const br = await call(url, 'GET', { 'accept-encoding': 'br' });
      expect(plain.body.length).toBeGreaterThan(1024);
      const etag = String(plain.headers.etag);
      expect(gz.headers.etag).toBe(`${etag.slice(0, -1)}-gzip"`);
      expect(br.headers.etag).toBe(`${etag.slice(0, -1)}-br"`);
      expect(decode(gz).equals(plain.body)).toBe(true);
      expect(decode(br).equals(plain.body)).toBe(true);

      const again = await call(url, 'GET', {
        'accept-encoding': 'gzip',
        'if-none-match': String(gz.headers.etag),
      });
      expect(again.status).toBe(304);
      expect(again.body.length).toBe(0);
      expect(again.headers.etag).toBe(gz.headers.etag);
      expect(String(again.headers.vary)).toMatch(/accept-encoding/i);
      const plain304 = await call(url, 'GET', { 'if-none-match': etag });
      expect(plain304.status).toBe(304);
      expect(plain304.headers.etag).toBe(etag);
      const ndjsonUrl = `${url}/occupations`;
      const nd = await call(ndjsonUrl, 'GET', { accept: 'application/x-ndjson', 'accept-encoding': 'br' });
      const nd304 = await call(ndjsonUrl, 'GET', {
        accept: 'application/x-ndjson',
        'accept-encoding': 'br',
        'if-none-match': String(nd.headers.etag),
      });
      expect(nd304.status).toBe(304);
    });

    it('leaves small bodies uncompressed', async () => {
      const res = await call(`${api.url}/healthz`, 'GET', { 'accept-encoding': 'gzip, br' });
      expect(res.status).toBe(200);
      expect(res.headers['content-encoding']).toBeUndefined();
      expect(JSON.parse(res.body.toString())).toEqual({ status: 'ok' });
    });
  });

  describe('CORS', () => {
    it('allows a configured origin on the read API and exposes the ETag', async () => {
      const res = await call(`${api.url}/v1/occupations/11-1000`, 'GET', { origin: ORIGIN });
      expect(res.status).toBe(200);
      expect(res.headers['access-control-allow-origin']).toBe(ORIGIN);
      expect(String(res.headers['access-control-expose-headers'])).toMatch(/ETag/);
      expect(String(res.headers.vary)).toMatch(/origin/i);
    });

    it('refuses an origin that is not configured (no CORS headers)', async () => {
      const res = await call(`${api.url}/v1/occupations/11-1000`, 'GET', { origin: 'https://evil.example' });
      expect(res.status).toBe(200);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('answers a preflight for the read API', async () => {
      const res = await call(`${api.url}/v1/snapshots/${id}/occupations`, 'OPTIONS', {
        origin: ORIGIN,
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'if-none-match',
      });
      expect(res.status).toBe(204);
      expect(res.headers['access-control-allow-origin']).toBe(ORIGIN);
      expect(String(res.headers['access-control-allow-methods'])).toMatch(/GET/);
      expect(String(res.headers['access-control-allow-headers']).toLowerCase()).toMatch(/if-none-match/);
    });

    it('never answers CORS on admin routes, even to an allowed origin', async () => {
      const auth = { authorization: `Bearer ${TOKEN}`, origin: ORIGIN };
      for (const path of ['/v1/refreshes', '/admin/queues', '/metrics']) {
        const res = await call(`${api.url}${path}`, 'GET', auth);
        expect(res.status, path).toBeLessThan(500);
        expect(res.headers['access-control-allow-origin'], path).toBeUndefined();
        const pre = await call(`${api.url}${path}`, 'OPTIONS', {
          origin: ORIGIN,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization',
        });
        expect(pre.headers['access-control-allow-origin'], path).toBeUndefined();
        expect(pre.headers['access-control-allow-methods'], path).toBeUndefined();
      }
    });

    it('answers any origin with * when configured so, and the allowlist keeps admin paths out', async () => {
      const open = await startApi({ store, host: '127.0.0.1', port: 0, corsOrigins: ['*'] });
      try {
        const res = await call(`${open.url}/v1/occupations/11-1000`, 'GET', {
          origin: 'https://any.example',
        });
        expect(res.headers['access-control-allow-origin']).toBe('*');
        const pre = await call(`${open.url}/v1/schema/occupation`, 'OPTIONS', {
          origin: 'https://any.example',
          'access-control-request-method': 'GET',
        });
        expect(pre.status).toBe(204);
        expect(pre.headers['access-control-allow-origin']).toBe('*');
      } finally {
        await open.close();
      }
      for (const p of [
        '/v1/refreshes',
        '/v1/refreshes/run-1',
        '/admin/queues',
        '/admin',
        '/metrics',
        '/v1/snapshotsx',
      ]) {
        expect(READ_API_PATH.test(p), p).toBe(false);
      }
      for (const p of [
        '/v1/snapshots',
        '/v1/snapshots/latest/occupations?format=ndjson',
        '/healthz',
        '/docs',
      ]) {
        expect(READ_API_PATH.test(p), p).toBe(true);
      }
    });

    it('is off when no origin is configured', async () => {
      const bare = await startApi({ store, host: '127.0.0.1', port: 0 });
      try {
        const res = await call(`${bare.url}/v1/occupations/11-1000`, 'GET', { origin: ORIGIN });
        expect(res.status).toBe(200);
        expect(res.headers['access-control-allow-origin']).toBeUndefined();
        const pre = await call(`${bare.url}/v1/occupations/11-1000`, 'OPTIONS', {
          origin: ORIGIN,
          'access-control-request-method': 'GET',
        });
        expect(pre.headers['access-control-allow-origin']).toBeUndefined();
      } finally {
        await bare.close();
      }
    });
  });

  it('answers HEAD wherever GET is, with the headers of the GET and no body', async () => {
    for (const path of [
      '/healthz',
      '/readyz',
      '/v1/openapi.json',
      '/v1/schema/occupation',
      '/v1/snapshots',
      `/v1/snapshots/${id}`,
      `/v1/snapshots/${id}/occupations`,
      `/v1/snapshots/${id}/occupations/11-1000`,
      '/v1/occupations/11-1000',
      `/v1/snapshots/${id}/diff`,
      `/v1/snapshots/${id}/schema/occupation`,
      '/docs',
      '/docs/swagger-ui-bundle.js',
    ]) {
      const get = await call(`${api.url}${path}`, 'GET', { 'accept-encoding': 'identity' });
      const head = await call(`${api.url}${path}`, 'HEAD', { 'accept-encoding': 'identity' });
      expect(head.status, path).toBe(get.status);
      expect(get.status, path).toBe(200);
      expect(head.body.length, path).toBe(0);
      expect(head.headers.etag, path).toBe(get.headers.etag);
      expect(head.headers['content-type'], path).toBe(get.headers['content-type']);
    }
  });

  it('writes one access-log line per request with method, route, status, bytes, duration and snapshot', async () => {
    lines.length = 0;
    const res = await call(`${api.url}/v1/occupations/11-1000`, 'GET', { 'accept-encoding': 'identity' });
    const missing = await call(`${api.url}/v1/occupations/99-9999`);
    const gz = await call(`${api.url}/v1/snapshots/${id}/occupations`, 'GET', { 'accept-encoding': 'gzip' });
    // onResponse runs once the server has finished the response, which may be after the client has it.
    const accessLines = () => lines.filter((l) => l.msg === 'request');
    await expect.poll(() => accessLines().length).toBe(3);
    const access = accessLines();
    expect(access).toHaveLength(3);
    expect(access[0]).toMatchObject({
      level: 20,
      method: 'GET',
      route: '/v1/occupations/:soc',
      status: 200,
      bytes: res.body.length,
      snapshotId: res.headers[SNAPSHOT_HEADER],
    });
    expect(access[0]!.durationMs).toEqual(expect.any(Number));
    expect(access[1]).toMatchObject({
      route: '/v1/occupations/:soc',
      status: 404,
      bytes: missing.body.length,
    });
    expect(access[2]).toMatchObject({ route: '/v1/snapshots/:id/occupations', status: 200, snapshotId: id });
    expect(access[2]!.bytes).toBe(gz.body.length);
    lines.length = 0;
    await call(`${api.url}/v1/occupations/11-1000`, 'HEAD');
    await expect.poll(() => accessLines().length).toBe(1);
    expect(accessLines()).toEqual([expect.objectContaining({ method: 'HEAD', status: 200, bytes: 0 })]);
  });
});

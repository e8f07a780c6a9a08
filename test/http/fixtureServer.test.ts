import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FixtureServer, startFixtureServer } from '../../src/offline/fixtureServer.js';
import { waitFor } from '../support/waitFor.js';
import { tempDir } from './support.js';

let server: FixtureServer;
let root: { dir: string; cleanup: () => Promise<void> };

beforeAll(async () => {
  root = await tempDir('fixture-root');
  await writeFile(path.join(root.dir, 'a.csv'), 'x,y\n1,2\n');
  await writeFile(path.join(root.dir, 'b.zip'), 'PK\x03\x04zz');
  await writeFile(path.join(root.dir, 'c.xlsx'), 'PK\x03\x04zz');
  await writeFile(path.join(root.dir, 'oe.data.0.Current'), 'series_id\tyear\n');
  server = await startFixtureServer({ root: root.dir });
});
afterEach(() => {
  server.clearFaults();
  server.requests.length = 0;
});
afterAll(async () => {
  await server.close();
  await root.cleanup();
});

const get = async (p: string, headers: Record<string, string> = {}) => {
  const res = await request(`${server.url}${p}`, { headers });
  const body = await res.body.text();
  return { status: res.statusCode, headers: res.headers, body };
};

describe('fixture server static files', () => {
  it('binds to loopback and refuses other hosts', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await expect(startFixtureServer({ host: '0.0.0.0' })).rejects.toThrow(/loopback/);
  });

  it('serves files with a content type by extension, length and validators', async () => {
    const csv = await get('/a.csv');
    expect(csv).toMatchObject({ status: 200, body: 'x,y\n1,2\n' });
    expect(csv.headers['content-type']).toBe('text/csv');
    expect(csv.headers['content-length']).toBe('8');
    expect(csv.headers.etag).toMatch(/^"[0-9a-f]+-[0-9a-f]+"$/);
    expect(csv.headers['last-modified']).toMatch(/GMT$/);
    expect((await get('/b.zip')).headers['content-type']).toBe('application/zip');
    expect((await get('/c.xlsx')).headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect((await get('/oe.data.0.Current')).headers['content-type']).toBe('text/plain');
  });

  it('answers 304 to a matching If-None-Match or a current If-Modified-Since', async () => {
    const first = await get('/a.csv');
    const etag = String(first.headers.etag);
    expect((await get('/a.csv', { 'If-None-Match': etag })).status).toBe(304);
    expect((await get('/a.csv', { 'If-None-Match': '"other"' })).status).toBe(200);
    expect(
      (await get('/a.csv', { 'If-Modified-Since': String(first.headers['last-modified']) })).status,
    ).toBe(304);
    expect((await get('/a.csv', { 'If-Modified-Since': 'Thu, 01 Jan 1970 00:00:00 GMT' })).status).toBe(200);
    expect(server.requests.map((r) => [r.status, r.bodyBytes])).toEqual([
      [200, 8],
      [304, 0],
      [200, 8],
      [304, 0],
      [200, 8],
    ]);
  });

  it('answers 404 for missing files and paths escaping the root', async () => {
    expect((await get('/nope.csv')).status).toBe(404);
    // Encoded slashes survive URL normalisation, so the server sees "/../../../etc/passwd" after decoding.
    const traversal = await get('/..%2f..%2f..%2f..%2fetc%2fpasswd');
    expect(traversal.status).toBe(404);
    expect(server.requests.at(-1)!.path).toBe('/..%2f..%2f..%2f..%2fetc%2fpasswd');
  });
});

describe('fixture server faults and routes', () => {
  it('uses each fault once unless repeated, then serves normally', async () => {
    server.inject('/a.csv', { kind: 'status', status: 503, headers: { 'Retry-After': '2' } }, 2);
    const r1 = await get('/a.csv');
    expect(r1.status).toBe(503);
    expect(r1.headers['retry-after']).toBe('2');
    expect((await get('/a.csv')).status).toBe(503);
    expect((await get('/a.csv')).status).toBe(200);
  });

  it('matches faults by RegExp and serves an HTML page or a given body', async () => {
    server.inject(/\.csv$/, { kind: 'html200' });
    const html = await get('/a.csv');
    expect(html.status).toBe(200);
    expect(html.body).toMatch(/^<!DOCTYPE html>/);
    server.inject('/a.csv', { kind: 'body', body: 'custom', contentType: 'text/csv' });
    expect((await get('/a.csv')).body).toBe('custom');
  });

  it('truncates a body short of its Content-Length', async () => {
    server.inject('/a.csv', { kind: 'truncate', bytes: 3 });
    const res = await request(`${server.url}/a.csv`);
    expect(res.headers['content-length']).toBe('8');
    await expect(res.body.text()).rejects.toThrow();
    expect(server.requests[0]!.bodyBytes).toBe(3);
  });

  it('delays, then serves normally', async () => {
    server.inject('/a.csv', { kind: 'delay', ms: 20 });
    expect((await get('/a.csv')).body).toBe('x,y\n1,2\n');
  });

  it('runs added routes with the RegExp match, before static files', async () => {
    server.addRoute({
      method: 'GET',
      path: /^\/v1\/occupation\/([^/]+)\/(\d{2}-\d{4}\.\d{2})$/,
      handler: (_req, res, match) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ user: match?.[1], code: match?.[2] }));
      },
    });
    const res = await get('/v1/occupation/u1/29-2072.00');
    expect(JSON.parse(res.body)).toEqual({ user: 'u1', code: '29-2072.00' });
  });

  it('answers 500 with the reason when a route handler throws', async () => {
    server.addRoute({
      path: '/boom',
      handler: () => {
        throw new Error('handler failed');
      },
    });
    const res = await get('/boom');
    expect(res.status).toBe(500);
    expect(res.body).toContain('handler failed');
  });

  it('closes even while a request hangs', async () => {
    const other = await startFixtureServer({ root: root.dir });
    other.inject('/a.csv', { kind: 'hang' });
    const pending = request(`${other.url}/a.csv`).catch((e: unknown) => e);
    await waitFor(() => other.requests.length > 0, 'the request to reach the server');
    await other.close();
    expect(await pending).toBeInstanceOf(Error);
    expect(other.requests[0]!.status).toBe(0);
  });
});

import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HttpError } from '../../src/errors.js';
import type { AttemptEvent } from '../../src/http/httpClient.js';
import { abortableSleep } from '../../src/http/retryPolicy.js';
import { type FixtureServer, startFixtureServer } from '../../src/offline/fixtureServer.js';
import { waitFor } from '../support/waitFor.js';
import { TEST_USER_AGENT, tempDir, testClient } from './support.js';

const FILE = Buffer.from(Array.from({ length: 20_000 }, (_, i) => `${i % 10}`).join(''));
const FILE_SHA = createHash('sha256').update(FILE).digest('hex');

let server: FixtureServer;
let root: { dir: string; cleanup: () => Promise<void> };

beforeAll(async () => {
  root = await tempDir('http-root');
  await writeFile(path.join(root.dir, 'data.txt'), FILE);
  server = await startFixtureServer({ root: root.dir });
  // A body streamed without Content-Length (chunked), for the size limit.
  server.addRoute({
    path: '/chunked',
    handler: (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      for (let i = 0; i < 10; i++) res.write(Buffer.alloc(1_000, 0x61));
      res.end();
    },
  });
});
afterEach(() => {
  server.clearFaults();
  server.requests.length = 0;
});
afterAll(async () => {
  await server.close();
  await root.cleanup();
});

describe('HttpClient.request retries', () => {
  it('retries a 503 and succeeds, logging the retry at warn with url, status, attempt and delay', async () => {
    const { http, capture, delays } = testClient();
    server.inject('/data.txt', { kind: 'status', status: 503 });
    const res = await http.request(`${server.url}/data.txt`);
    await http.close();

    expect(res.status).toBe(200);
    expect(res.body.equals(FILE)).toBe(true);
    expect(server.requests.map((r) => r.status)).toEqual([503, 200]);
    expect(delays).toHaveLength(1);
    const warn = capture.records().find((r) => r.level === 40);
    expect(warn).toMatchObject({
      url: `${server.url}/data.txt`,
      status: 503,
      attempt: 1,
      delayMs: delays[0],
    });
  });

  it('waits at least the Retry-After of a 429', async () => {
    const { http, delays } = testClient();
    server.inject('/data.txt', { kind: 'status', status: 429, headers: { 'Retry-After': '1' } });
    const res = await http.request(`${server.url}/data.txt`);
    await http.close();

    expect(res.status).toBe(200);
    expect(delays).toHaveLength(1);
    expect(delays[0]).toBeGreaterThanOrEqual(1_000);
  });

  it('fails at once when Retry-After exceeds the cap, keeping retryAfterMs for the caller', async () => {
    const { http, delays } = testClient({ retryAfterCapMs: 60_000 });
    server.inject('/data.txt', { kind: 'status', status: 429, headers: { 'Retry-After': '3600' } });
    const err = await http.request(`${server.url}/data.txt`).catch((e: unknown) => e);
    await http.close();

    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).retryAfterMs).toBe(3_600_000);
    expect((err as HttpError).retryable).toBe(true);
    expect(delays).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it('paces every attempt through a plugged-in limiter and tells it the Retry-After', async () => {
    const { http, delays } = testClient();
    server.inject('/data.txt', { kind: 'status', status: 429, headers: { 'Retry-After': '2' } });
    const taken: number[] = [];
    const paused: number[] = [];
    const limiter = {
      take: async () => {
        taken.push(server.requests.length);
      },
      pause: (ms: number) => {
        paused.push(ms);
      },
    };
    const res = await http.request(`${server.url}/data.txt`, { limiter });
    await http.close();

    expect(res.status).toBe(200);
    // One slot before each of the two attempts, the pause before the retry's sleep.
    expect(taken).toEqual([0, 1]);
    expect(paused).toEqual([2_000]);
    expect(delays).toEqual([2_000]);
  });

  it('ends the loop with what onRetry throws (a queue that pauses instead of waiting)', async () => {
    const { http, delays } = testClient();
    server.inject('/data.txt', { kind: 'status', status: 429, headers: { 'Retry-After': '5' } });
    const stop = new Error('rate-limit the queue instead');
    const err = await http
      .request(`${server.url}/data.txt`, {
        onRetry: (failure) => {
          if (failure.status === 429) throw stop;
        },
      })
      .catch((e: unknown) => e);
    await http.close();

    expect(err).toBe(stop);
    expect(server.requests).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it('gives up after maxAttempts of 5xx with a retryable error naming the count and status', async () => {
    const { http, delays } = testClient({ maxAttempts: 3 });
    server.inject('/data.txt', { kind: 'status', status: 500 }, 5);
    const err = await http.request(`${server.url}/data.txt`).catch((e: unknown) => e);
    await http.close();

    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).message).toMatch(/failed after 3 attempts/);
    expect((err as HttpError).status).toBe(500);
    expect((err as HttpError).retryable).toBe(true);
    expect(server.requests).toHaveLength(3);
    expect(delays).toHaveLength(2);
    for (const d of delays) expect(d).toBeLessThanOrEqual(50);
  });

  it('fails fast on 403 with the User-Agent sent and the source hint in the message', async () => {
    const { http, delays } = testClient({
      hints: (_url, status) =>
        status === 403 ? 'set BLS_CONTACT_EMAIL or drop the file in with a file:// URL' : undefined,
    });
    server.inject('/data.txt', { kind: 'status', status: 403, body: 'Access Denied' });
    const err = await http.request(`${server.url}/data.txt`).catch((e: unknown) => e);
    await http.close();

    expect(err).toBeInstanceOf(HttpError);
    const e = err as HttpError;
    expect(e.status).toBe(403);
    expect(e.retryable).toBe(false);
    expect(e.message).toContain('403');
    expect(e.message).toContain('BLS_CONTACT_EMAIL');
    expect(e.message).toContain('file://');
    expect(e.message).toContain('Access Denied');
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.headers['user-agent']).toBe(TEST_USER_AGENT);
    expect(delays).toEqual([]);
  });

  it('does not retry a 404', async () => {
    const { http } = testClient();
    const err = await http.request(`${server.url}/missing.txt`).catch((e: unknown) => e);
    await http.close();

    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).status).toBe(404);
    expect((err as HttpError).message).toMatch(/404.*not found.*not retried/);
    expect(server.requests).toHaveLength(1);
  });

  it('returns statuses listed in acceptStatuses instead of throwing', async () => {
    const { http } = testClient();
    const res = await http.request(`${server.url}/missing.txt`, { acceptStatuses: [404] });
    await http.close();
    expect(res.status).toBe(404);
    expect(res.body.toString()).toContain('not found');
  });

  it('gives up on a server that never answers after maxAttempts headers timeouts', async () => {
    const { http } = testClient({ headersTimeoutMs: 150, maxAttempts: 2 });
    server.inject('/data.txt', { kind: 'hang' }, 2);
    const err = await http.request(`${server.url}/data.txt`).catch((e: unknown) => e);
    await http.close();

    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).message).toMatch(/failed after 2 attempts/);
    expect((err as HttpError).message).toContain('UND_ERR_HEADERS_TIMEOUT');
    expect((err as HttpError).status).toBeUndefined();
    expect(server.requests).toHaveLength(2);
  });

  it('destroy() aborts a request in flight instead of waiting for its timeout (worker shutdown)', async () => {
    const { http } = testClient({ headersTimeoutMs: 60_000, maxAttempts: 1 });
    server.inject('/data.txt', { kind: 'hang' });
    const pending = http.request(`${server.url}/data.txt`).catch((e: unknown) => e);
    await waitFor(() => server.requests.length > 0, 'the request to reach the server');
    await http.destroy();
    const err = await pending;
    expect(err).toBeInstanceOf(Error);
    expect(String((err as Error).message)).toMatch(/destroyed|aborted|closed/i);
  });

  it('reports every attempt to the onAttempt hook', async () => {
    const events: AttemptEvent[] = [];
    const { http } = testClient({ onAttempt: (e) => events.push(e) });
    server.inject('/data.txt', { kind: 'status', status: 502 });
    await http.request(`${server.url}/data.txt`);
    await http.close();

    expect(events.map((e) => [e.status, e.attempt])).toEqual([
      [502, 1],
      [200, 2],
    ]);
    expect(events[0]!.host).toBe(new URL(server.url).host);
  });

  it('refuses a body larger than maxBodyBytes, whether declared or streamed, without retrying', async () => {
    const { http } = testClient({ maxBodyBytes: 5_000 });
    const declared = await http.request(`${server.url}/data.txt`).catch((e: unknown) => e);
    const streamed = await http.request(`${server.url}/chunked`).catch((e: unknown) => e);
    await http.close();

    for (const err of [declared, streamed]) {
      expect(err).toBeInstanceOf(HttpError);
      expect((err as HttpError).message).toMatch(/exceeds the limit of 5000 bytes/);
      expect((err as HttpError).retryable).toBe(false);
    }
    expect(server.requests).toHaveLength(2);
  });

  it('stops retrying when the caller aborts during the backoff wait', async () => {
    // The real abortable sleep with a long delay (only the abort can end the wait), signalling when
    // the backoff wait has begun: the abort lands inside it.
    let waiting!: () => void;
    const inBackoff = new Promise<void>((r) => {
      waiting = r;
    });
    const { http } = testClient({
      sleep: (ms, signal) => {
        waiting();
        return abortableSleep(ms, signal);
      },
      retryBaseDelayMs: 60_000,
      retryMaxDelayMs: 60_000,
      random: () => 1,
    });
    server.inject('/data.txt', { kind: 'status', status: 503 }, 5);
    const controller = new AbortController();
    const pending = http
      .request(`${server.url}/data.txt`, { signal: controller.signal })
      .catch((e: unknown) => e);
    await inBackoff;
    controller.abort(new Error('shutting down'));
    const err = await pending;
    await http.close();

    expect((err as Error).message).toBe('shutting down');
    expect(server.requests).toHaveLength(1);
  });

  it('follows a redirect to the file', async () => {
    server.addRoute({
      path: '/moved',
      handler: (_req, res) => {
        res.writeHead(301, { Location: '/data.txt', 'Content-Length': '0' });
        res.end();
      },
    });
    const { http } = testClient();
    const res = await http.request(`${server.url}/moved`);
    await http.close();
    expect(res.status).toBe(200);
    expect(res.body.equals(FILE)).toBe(true);
    expect(server.requests.map((r) => [r.path, r.status])).toEqual([
      ['/moved', 301],
      ['/data.txt', 200],
    ]);
  });

  it('POSTs a body with the caller headers', async () => {
    let seen = '';
    server.addRoute({
      method: 'POST',
      path: '/echo',
      handler: async (req, res) => {
        const chunks: Buffer[] = [];
        for await (const c of req) chunks.push(c as Buffer);
        seen = `${req.headers['content-type']} ${Buffer.concat(chunks).toString()}`;
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end('{"ok":true}');
      },
    });
    const { http } = testClient();
    const res = await http.request(`${server.url}/echo`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"a":1}',
    });
    await http.close();
    expect(JSON.parse(res.body.toString())).toEqual({ ok: true });
    expect(seen).toBe('application/json {"a":1}');
  });
});

describe('HttpClient.download', () => {
  it('streams to a file, hashing and counting', async () => {
    const { http } = testClient();
    const out = await tempDir('dl');
    const dest = path.join(out.dir, 'f');
    const res = await http.download(`${server.url}/data.txt`, dest);
    await http.close();

    expect(res).toMatchObject({ status: 200, sha256: FILE_SHA, bytes: FILE.length });
    expect((await readFile(dest)).equals(FILE)).toBe(true);
    await out.cleanup();
  });

  it('detects a truncated body, retries, and says "truncated" after the last attempt; no partial file remains', async () => {
    const { http } = testClient({ maxAttempts: 2 });
    server.inject('/data.txt', { kind: 'truncate', bytes: 1_000 }, 2);
    const out = await tempDir('dl');
    const dest = path.join(out.dir, 'f');
    const err = await http.download(`${server.url}/data.txt`, dest).catch((e: unknown) => e);
    await http.close();

    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).message).toMatch(/truncated body, received \d+ of 20000 bytes/);
    expect((err as HttpError).message).toMatch(/failed after 2 attempts/);
    expect(server.requests).toHaveLength(2);
    expect(existsSync(dest)).toBe(false);
    await out.cleanup();
  });

  it('recovers from one truncated attempt with the complete file', async () => {
    const { http } = testClient();
    server.inject('/data.txt', { kind: 'truncate', bytes: 500 });
    const out = await tempDir('dl');
    const dest = path.join(out.dir, 'f');
    const res = await http.download(`${server.url}/data.txt`, dest);
    await http.close();

    expect(res.sha256).toBe(FILE_SHA);
    expect((await readFile(dest)).equals(FILE)).toBe(true);
    await out.cleanup();
  });

  it('creates no file when the declared length exceeds maxBodyBytes', async () => {
    const { http } = testClient({ maxBodyBytes: 1_000 });
    const out = await tempDir('dl');
    const dest = path.join(out.dir, 'f');
    const err = await http.download(`${server.url}/data.txt`, dest).catch((e: unknown) => e);
    await http.close();

    expect((err as HttpError).message).toMatch(/Content-Length 20000 exceeds the limit of 1000 bytes/);
    expect(existsSync(dest)).toBe(false);
    await out.cleanup();
  });

  it('resolves a conditional request answered 304 with status 304 and writes nothing', async () => {
    const { http } = testClient();
    const out = await tempDir('dl');
    const first = await http.download(`${server.url}/data.txt`, path.join(out.dir, 'a'));
    const dest = path.join(out.dir, 'b');
    const second = await http.download(`${server.url}/data.txt`, dest, {
      headers: { 'If-None-Match': first.headers.etag! },
    });
    await http.close();

    expect(second.status).toBe(304);
    expect(second.sha256).toBeUndefined();
    expect(existsSync(dest)).toBe(false);
    expect(server.requests[1]!.bodyBytes).toBe(0);
    await out.cleanup();
  });
});

describe('secret scrubbing', () => {
  const SECRET = 'user-s3cr3t-42';

  it('keeps a secret path segment out of thrown messages and log lines', async () => {
    const { http, capture } = testClient({
      secrets: [SECRET],
      hints: (url) => `check ${url.href}`,
    });
    const p = `/api/${SECRET}/data.txt`;
    server.inject(p, { kind: 'status', status: 503, body: `upstream echoed ${SECRET}` });
    server.inject(p, { kind: 'status', status: 403, body: `denied for ${SECRET}` });
    const err = await http.request(`${server.url}${p}`).catch((e: unknown) => e);

    const { http: impatient, capture: capture2 } = testClient({
      secrets: [SECRET],
      headersTimeoutMs: 100,
      maxAttempts: 2,
    });
    server.inject(p, { kind: 'hang' }, 2);
    const timeout = await impatient.request(`${server.url}${p}`).catch((e: unknown) => e);
    await Promise.all([http.close(), impatient.close()]);

    expect(server.requests.map((r) => r.path)).toContain(p);
    expect(err).toBeInstanceOf(HttpError);
    expect(timeout).toBeInstanceOf(HttpError);
    for (const e of [err as HttpError, timeout as HttpError]) {
      expect(e.message).toContain('/api/***/data.txt');
      expect(e.message).not.toContain(SECRET);
      expect(e.url).not.toContain(SECRET);
      expect(String((e.cause as Error | undefined)?.message ?? '')).not.toContain(SECRET);
    }
    const lines = [...capture.lines, ...capture2.lines];
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) expect(line).not.toContain(SECRET);
  });
});

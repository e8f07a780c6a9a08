/**
 * A CareerOneStop test rig: the fixture API on a 127.0.0.1 fixture server, the real HttpClient, a
 * file store in a temp CACHE_DIR and a logger that captures every line. The logger deliberately
 * does NOT scrub secrets, so a leak from the code under test would show up in `logLines()`.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { type Config, loadConfig, PACKAGE_ROOT } from '../../../src/config.js';
import { HttpClient } from '../../../src/http/httpClient.js';
import type { RateLimiter } from '../../../src/http/retryPolicy.js';
import { CareerOneStopFaults, careerOneStopRoutes } from '../../../src/offline/careerOneStopFixtureApi.js';
import { type FixtureServer, startFixtureServer } from '../../../src/offline/fixtureServer.js';
import type { CareerOneStopDeps } from '../../../src/sources/careeronestop/occupationUnit.js';
import { unlimited } from '../../../src/sources/careeronestop/rateLimiter.js';
import { FileResponseStore } from '../../../src/sources/careeronestop/responseStore.js';

export const USER_ID = 'uid-SECRET-123';
export const TOKEN = 'tok-SECRET-456';
export const FIXTURES_DIR = path.join(PACKAGE_ROOT, 'fixtures', 'careeronestop');

/** The occupations the CareerOneStop tests ask for (two of them, 13-1020 and 45-3031, have no record: 404). */
export const FIXTURE_SOCS = [
  '11-1011',
  '11-1021',
  '13-1020',
  '13-1199',
  '13-2011',
  '15-1252',
  '25-2021',
  '27-2011',
  '29-1141',
  '29-1171',
  '29-1218',
  '29-2072',
  '31-1131',
  '35-2014',
  '41-2031',
  '43-4051',
  '45-3031',
  '47-2111',
  '49-3023',
  '53-3032',
];

export interface Rig {
  server: FixtureServer;
  faults: CareerOneStopFaults;
  cacheDir: string;
  config: Config;
  http: HttpClient;
  store: FileResponseStore;
  lines: string[];
  /** Sleeps requested by the code under test (backoff / Retry-After), in ms. */
  sleeps: number[];
  deps(over?: Partial<Omit<CareerOneStopDeps, 'config'>>): CareerOneStopDeps & { config: Config };
  /** Every file written under CACHE_DIR, concatenated with its path. */
  cacheText(): Promise<string>;
  close(): Promise<void>;
}

export async function startRig(
  env: Record<string, string> = {},
  opts: { limiter?: RateLimiter; userId?: string; token?: string } = {},
): Promise<Rig> {
  const faults = new CareerOneStopFaults();
  const server = await startFixtureServer({
    routes: careerOneStopRoutes({ fixturesDir: FIXTURES_DIR, userId: USER_ID, token: TOKEN, faults }),
  });
  const cacheDir = await mkdtemp(path.join(os.tmpdir(), 'careerdata-cos-'));
  const config = loadConfig({
    SOURCES: 'careeronestop',
    CACHE_DIR: cacheDir,
    CAREERONESTOP_BASE_URL: server.url,
    CAREERONESTOP_USER_ID: opts.userId ?? USER_ID,
    CAREERONESTOP_TOKEN: opts.token ?? TOKEN,
    HTTP_MAX_ATTEMPTS: '4',
    HTTP_RETRY_BASE_DELAY: '5ms',
    HTTP_RETRY_MAX_DELAY: '20ms',
    HTTP_CONNECT_TIMEOUT: '2s',
    HTTP_HEADERS_TIMEOUT: '5s',
    HTTP_BODY_TIMEOUT: '5s',
    ...env,
  });
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const log = pino({ level: 'debug' }, sink);
  const http = new HttpClient({
    userAgent: 'careerdata-test/0',
    connectTimeoutMs: config.HTTP_CONNECT_TIMEOUT,
    headersTimeoutMs: config.HTTP_HEADERS_TIMEOUT,
    bodyTimeoutMs: config.HTTP_BODY_TIMEOUT,
    maxAttempts: 1,
    retryBaseDelayMs: config.HTTP_RETRY_BASE_DELAY,
    retryMaxDelayMs: config.HTTP_RETRY_MAX_DELAY,
    maxBodyBytes: 5_000_000,
    // As in production (createHttpClient): the client scrubs the credentials from what it logs.
    secrets: [USER_ID, TOKEN],
    log,
  });
  const store = new FileResponseStore(cacheDir, { secrets: [USER_ID, TOKEN] });
  const sleeps: number[] = [];
  const sleep = async (ms: number) => {
    sleeps.push(ms);
    // Record the requested delay (e.g. Retry-After) but do not make the suite wait for it.
    await new Promise((r) => setTimeout(r, Math.min(ms, 5)));
  };
  return {
    server,
    faults,
    cacheDir,
    config,
    http,
    store,
    lines,
    sleeps,
    deps: (over = {}) => ({ http, store, limiter: opts.limiter ?? unlimited, config, log, sleep, ...over }),
    async cacheText() {
      const files = await listFiles(cacheDir);
      const parts = await Promise.all(files.map(async (f) => `${f}\n${await readFile(f, 'utf8')}`));
      return parts.join('\n');
    },
    async close() {
      await http.close();
      await server.close().catch(() => {});
      await rm(cacheDir, { recursive: true, force: true });
    },
  };
}

export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(p)));
    else out.push(p);
  }
  return out;
}

/** CareerOneStop requests the fixture server saw (paths as requested). */
export function apiRequests(server: FixtureServer): string[] {
  return server.requests.map((r) => r.path).filter((p) => p.startsWith('/v1/'));
}

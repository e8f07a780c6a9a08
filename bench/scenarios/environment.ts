/**
 * The world a benchmarked refresh runs in: the generated inputs served from 127.0.0.1 by the
 * project's own fixture server (BLS files with ETag/Last-Modified and 304s, the CareerOneStop
 * fixture API over the generated responses), temp SNAPSHOT/CACHE/RUNS dirs, and the environment
 * the CLI reads. The fixture server's request log tells what each run downloaded.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { careerOneStopRoutes } from '../../src/offline/careerOneStopFixtureApi.js';
import { type FixtureServer, startFixtureServer } from '../../src/offline/fixtureServer.js';
import { CAREERONESTOP_DIR, EP_PATH, EXPOSURE_PATH, FLAT_DIR, XLSX_DIR } from '../generate/inputs.js';
import { ONET_BENCH_PATH } from '../generate/onetArchive.js';

/** Fixture credentials (not secrets; handled as if they were). */
const CAREERONESTOP = { userId: 'bench-user-5d1e', token: 'bench-token-0a9b' };

export interface BenchEnvironment {
  server: FixtureServer;
  /** Temp folder holding snapshots/, cache/, runs/ (removed by close). */
  dir: string;
  env: NodeJS.ProcessEnv;
  /** Requests the fixture server answered since `mark` (an index into its log). */
  servedSince(mark: number): ServedTraffic;
  close(): Promise<void>;
}

export interface ServedTraffic {
  requests: number;
  bodyBytes: number;
  byStatus: Record<string, number>;
  /** Bytes of 200 bodies to the BLS/research file paths (not the CareerOneStop API). */
  fileBodyBytes: number;
  careerOneStopRequests: number;
}

/** Only what a process needs to run; nothing of the caller's careerdata settings leaks in. */
function baseEnv(): NodeJS.ProcessEnv {
  const keep = ['PATH', 'HOME', 'LANG', 'TZ', 'TMPDIR', 'SystemRoot'];
  return Object.fromEntries(keep.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]]));
}

export async function startBenchEnvironment(
  dataDir: string,
  extraEnv: Record<string, string> = {},
): Promise<BenchEnvironment> {
  const routes = careerOneStopRoutes({
    fixturesDir: path.join(dataDir, CAREERONESTOP_DIR),
    ...CAREERONESTOP,
  });
  // Upstream servers let connections idle for longer than 1 s; so does this one (see the option).
  const server = await startFixtureServer({ root: dataDir, routes, port: 0, keepAliveTimeoutMs: 10_000 });
  const dir = await mkdtemp(path.join(os.tmpdir(), 'careerdata-bench-'));
  const u = server.url;
  const env: NodeJS.ProcessEnv = {
    ...baseEnv(),
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    LOG_FORMAT: 'json',
    SNAPSHOT_DIR: path.join(dir, 'snapshots'),
    CACHE_DIR: path.join(dir, 'cache'),
    RUNS_DIR: path.join(dir, 'runs'),
    BLS_CONTACT_EMAIL: 'bench@careerdata.invalid',
    OEWS_FORMAT: 'flatfiles',
    OEWS_FLATFILES_URL: `${u}/${FLAT_DIR}/`,
    OEWS_XLSX_URLS: ['nat', 'st', 'ma'].map((k) => `${u}/${XLSX_DIR}/oesm24${k}.zip`).join(','),
    EP_URL: `${u}/${EP_PATH}`,
    EXPOSURE_URL: `${u}/${EXPOSURE_PATH}`,
    ONET_URL: `${u}/${ONET_BENCH_PATH}`,
    CAREERONESTOP_BASE_URL: u,
    CAREERONESTOP_USER_ID: CAREERONESTOP.userId,
    CAREERONESTOP_TOKEN: CAREERONESTOP.token,
    // The fixture API has no rate limit and no delay: measure the worker, not a pacing policy.
    CAREERONESTOP_RPS: '100000',
    ...extraEnv,
  };
  return {
    server,
    dir,
    env,
    servedSince(mark) {
      const out: ServedTraffic = {
        requests: 0,
        bodyBytes: 0,
        byStatus: {},
        fileBodyBytes: 0,
        careerOneStopRequests: 0,
      };
      for (const r of server.requests.slice(mark)) {
        out.requests++;
        out.bodyBytes += r.bodyBytes;
        out.byStatus[r.status] = (out.byStatus[r.status] ?? 0) + 1;
        if (r.path.startsWith('/v1/')) out.careerOneStopRequests++;
        else if (r.status === 200) out.fileBodyBytes += r.bodyBytes;
      }
      return out;
    },
    async close() {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

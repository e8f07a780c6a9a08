/**
 * Line 5: GET /v1/occupations/{soc} of `careerdata serve` (random SOCs of the snapshot), plain and
 * with a matching If-None-Match, driven by autocannon, against a minimal node:http server answering
 * the same bytes from memory (support/ceilingServer.ts). Each server runs in its own process; the
 * load generator runs here.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import autocannon from 'autocannon';
import { freePort } from '../../test/support/redisServer.js';
import { random } from '../generate/random.js';
import { built } from '../lib/build.js';
import { startNode } from '../lib/child.js';

export interface LoadResult {
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  errors: number;
  timeouts: number;
  /** Responses by status code. */
  statuses: Record<string, number>;
}

export interface ServerLoad {
  plain: LoadResult;
  conditional: LoadResult;
  maxRssKiB: number | undefined;
}

export interface ReadApiBench {
  api: ServerLoad;
  ceiling: ServerLoad;
  occupations: number;
  connections: number;
  durationSec: number;
  bodyBytesMean: number;
}

async function waitForHttp(url: string, timeoutMs: number, exited: () => boolean): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {}
    if (exited()) throw new Error(`${url}: the server exited before answering`);
    if (Date.now() > until) throw new Error(`${url}: no 200 within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** SOCs of the latest snapshot, from its files (`latest` → `<id>/occupations.ndjson`). */
export async function snapshotSocs(snapshotDir: string): Promise<string[]> {
  const id = (await readFile(path.join(snapshotDir, 'latest'), 'utf8')).trim();
  const text = await readFile(path.join(snapshotDir, id, 'occupations.ndjson'), 'utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { soc: string }).soc);
}

interface Answer {
  soc: string;
  body: string;
  etag: string;
  contentType: string;
  cacheControl: string;
}

async function collectAnswers(base: string, socs: string[]): Promise<Answer[]> {
  const out: Answer[] = [];
  for (const soc of socs) {
    const res = await fetch(`${base}/v1/occupations/${soc}`);
    const body = await res.text();
    const etag = res.headers.get('etag');
    if (res.status !== 200 || !etag) {
      throw new Error(
        `GET /v1/occupations/${soc}: expected 200 with an ETag, got ${res.status}${etag ? '' : ' without ETag'}`,
      );
    }
    out.push({
      soc,
      body,
      etag,
      contentType: res.headers.get('content-type') ?? 'application/json',
      cacheControl: res.headers.get('cache-control') ?? 'no-cache',
    });
  }
  return out;
}

async function load(
  url: string,
  answers: Answer[],
  conditional: boolean,
  connections: number,
  durationSec: number,
): Promise<LoadResult> {
  const rng = random(`load:${conditional}`);
  const result = await autocannon({
    url,
    connections,
    duration: durationSec,
    requests: [
      {
        method: 'GET',
        setupRequest: (req) => {
          const a = answers[Math.floor(rng.next() * answers.length)]!;
          return {
            ...req,
            path: `/v1/occupations/${a.soc}`,
            headers: conditional ? { 'if-none-match': a.etag } : {},
          };
        },
      },
    ],
  });
  const statuses: Record<string, number> = {};
  for (const [code, s] of Object.entries(result.statusCodeStats ?? {})) {
    statuses[code] = (s as { count: number }).count;
  }
  return {
    requestsPerSec: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    errors: result.errors,
    timeouts: result.timeouts,
    statuses,
  };
}

async function loadServer(
  start: (port: number) => ReturnType<typeof startNode>,
  answers: Answer[] | null,
  socs: string[],
  opts: { connections: number; durationSec: number; warmupSec: number },
  log: (line: string) => void,
  label: string,
): Promise<{ load: ServerLoad; answers: Answer[] }> {
  const port = await freePort();
  const proc = start(port);
  let exited = false;
  void proc.done.then(() => {
    exited = true;
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${base}/healthz`, 60_000, () => exited);
    const bodies = answers ?? (await collectAnswers(base, socs));
    await load(base, bodies, false, opts.connections, opts.warmupSec);
    const plain = await load(base, bodies, false, opts.connections, opts.durationSec);
    log(`  ${label} plain: ${plain.requestsPerSec.toFixed(0)} req/s, p99 ${plain.p99Ms} ms`);
    const conditional = await load(base, bodies, true, opts.connections, opts.durationSec);
    log(
      `  ${label} If-None-Match: ${conditional.requestsPerSec.toFixed(0)} req/s, p99 ${conditional.p99Ms} ms`,
    );
    proc.child.kill('SIGTERM');
    const run = await proc.done;
    return { load: { plain, conditional, maxRssKiB: run.maxRssKiB }, answers: bodies };
  } finally {
    if (!exited) {
      proc.child.kill('SIGKILL');
      await proc.done.catch(() => undefined);
    }
  }
}

export async function benchReadApi(
  env: NodeJS.ProcessEnv,
  cwd: string,
  opts: { connections: number; durationSec: number; warmupSec: number },
  log: (line: string) => void,
): Promise<ReadApiBench> {
  const socs = await snapshotSocs(String(env.SNAPSHOT_DIR));
  const api = await loadServer(
    (port) =>
      startNode(built('main.ts'), ['serve'], {
        env: { ...env, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn' },
        cwd,
      }),
    null,
    socs,
    opts,
    log,
    'careerdata serve',
  );
  const bodiesFile = path.join(cwd, 'ceiling-bodies.json');
  await writeFile(bodiesFile, JSON.stringify(api.answers));
  try {
    const ceiling = await loadServer(
      (port) => startNode(built('bench/support/ceilingServer.ts'), [bodiesFile, String(port)], { cwd }),
      api.answers,
      socs,
      opts,
      log,
      'node:http ceiling',
    );
    return {
      api: api.load,
      ceiling: ceiling.load,
      occupations: socs.length,
      connections: opts.connections,
      durationSec: opts.durationSec,
      bodyBytesMean: Math.round(
        api.answers.reduce((n, a) => n + Buffer.byteLength(a.body), 0) / api.answers.length,
      ),
    };
  } finally {
    await rm(bodiesFile, { force: true });
  }
}

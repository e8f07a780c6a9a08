/**
 * The admin plugin on a fastify server (inject, no port): token checks, refresh requests, run
 * history, the bull-board dashboard and /metrics — against a real Redis with an in-process worker.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { JOB_HANDLERS } from '../../jobs/index.js';
import { adminPlugin, DASHBOARD_PATH } from '../../src/api/admin/plugin.js';
import { silentLogger } from '../../src/log.js';
import { METRIC_NAMES } from '../../src/metrics/exposition.js';
import { OFFLINE_CAREERONESTOP } from '../../src/offline/offlineEnvironment.js';
import type { Producer } from '../../src/queue/runs/producer.js';
import { startWorkerProcess, type WorkerProcess } from '../../src/queue/worker/workerProcess.js';
import { type QueueHarness, queueHarness } from '../queue/support/harness.js';

const redisUrl = inject('redisUrl');
const TOKEN = 'admin-token-for-tests-7d1c';
const bearer = { authorization: `Bearer ${TOKEN}` };

let h: QueueHarness;
let app: FastifyInstance;
let worker: WorkerProcess;
let producer: Producer;

beforeAll(async () => {
  h = await queueHarness(redisUrl, { ADMIN_TOKEN: TOKEN });
  producer = await h.producer();
  app = Fastify();
  await app.register(adminPlugin, { config: h.config(), store: h.store(), log: silentLogger, producer });
  await app.ready();
  worker = await startWorkerProcess(h.config(), silentLogger, { handlers: JOB_HANDLERS });
});
afterAll(async () => {
  await app?.close();
  await worker?.stop('test done');
  await h?.close();
});

describe('admin routes', () => {
  it('reject a missing or wrong token with 401', async () => {
    const none = await app.inject({ method: 'POST', url: '/v1/refreshes' });
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(none.json()).toMatchObject({
      status: 401,
      detail: expect.stringMatching(/Authorization: Bearer/),
    });
    const wrong = await app.inject({
      method: 'GET',
      url: '/v1/refreshes',
      headers: { authorization: 'Bearer nope' },
    });
    expect(wrong.statusCode).toBe(401);
    const basicWrong = Buffer.from(`ops:${TOKEN}x`).toString('base64');
    expect(
      (await app.inject({ url: '/v1/refreshes', headers: { authorization: `Basic ${basicWrong}` } }))
        .statusCode,
    ).toBe(401);
  });

  it('queue a refresh with the right token: 202 with the run id, and the same id while it is active', async () => {
    const first = await app.inject({
      method: 'POST',
      url: '/v1/refreshes',
      headers: bearer,
      payload: { sources: ['oews', 'ep', 'exposure', 'epoch', 'careeronestop'] },
    });
    expect(first.statusCode).toBe(202);
    const body = first.json() as { runId: string; created: boolean; href: string };
    expect(body.created).toBe(true);
    expect(first.headers.location).toBe(`/v1/refreshes/${body.runId}`);
    const second = await app.inject({ method: 'POST', url: '/v1/refreshes', headers: bearer });
    expect(second.statusCode).toBe(202);
    expect(second.json()).toMatchObject({ runId: body.runId, created: false });

    const run = await h.waitForRun(body.runId);
    expect(run.status).toBe('published');
    const one = await app.inject({ url: `/v1/refreshes/${body.runId}`, headers: bearer });
    expect(one.statusCode).toBe(200);
    expect(one.json()).toMatchObject({ runId: body.runId, status: 'published', trigger: 'manual' });
    expect(Object.keys(one.json().durations)).toEqual(
      expect.arrayContaining(['fetch', 'read', 'build', 'publish']),
    );
    const list = await app.inject({ url: '/v1/refreshes?limit=5', headers: bearer });
    expect(list.json().runs[0]).toMatchObject({ runId: body.runId, status: 'published' });
    expect(list.json().runs[0].outcome.quality).toBeUndefined();
  }, 60_000);

  it('leave no CareerOneStop credential anywhere in Redis after a run (jobs, results, history, events)', async () => {
    const { userId, token } = OFFLINE_CAREERONESTOP;
    const dump: string[] = [];
    for (const key of await producer.redis.keys(`${h.prefix}:*`)) {
      const type = await producer.redis.type(key);
      if (type === 'string') dump.push((await producer.redis.get(key)) ?? '');
      else if (type === 'hash') dump.push(JSON.stringify(await producer.redis.hgetall(key)));
      else if (type === 'list') dump.push(JSON.stringify(await producer.redis.lrange(key, 0, -1)));
      else if (type === 'zset') dump.push(JSON.stringify(await producer.redis.zrange(key, 0, -1)));
      else if (type === 'set') dump.push(JSON.stringify(await producer.redis.smembers(key)));
      else if (type === 'stream') dump.push(JSON.stringify(await producer.redis.xrange(key, '-', '+')));
    }
    const all = dump.join('\n');
    expect(all).toContain('careeronestop-occupation');
    expect(all).not.toContain(userId);
    expect(all).not.toContain(token);
  });

  it('answer 400 for a bad request and 404 for an unknown run', async () => {
    const bad = await app.inject({
      method: 'POST',
      url: '/v1/refreshes',
      headers: bearer,
      payload: { sources: ['bls'] },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toMatch(/problem\+json/);
    expect(
      (await app.inject({ url: '/v1/refreshes/run-20200101T000000Z-000000', headers: bearer })).statusCode,
    ).toBe(404);
    expect((await app.inject({ url: '/v1/refreshes/..%2Fetc', headers: bearer })).statusCode).toBe(400);
  });

  it('serve the bull-board dashboard behind the token (Basic, so a browser can log in)', async () => {
    const anon = await app.inject({ url: DASHBOARD_PATH });
    expect(anon.statusCode).toBe(401);
    expect(anon.headers['www-authenticate']).toMatch(/^Basic realm=/);
    const basic = `Basic ${Buffer.from(`ops:${TOKEN}`).toString('base64')}`;
    const page = await app.inject({ url: DASHBOARD_PATH, headers: { authorization: basic } });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).toContain('careerdata queues');
    const asset = /(?:src|href)="([^"]+\.(?:js|css))"/.exec(page.body)?.[1];
    expect(asset).toBeDefined();
    const assetUrl = asset!.startsWith('/') ? asset! : `${DASHBOARD_PATH}/${asset}`;
    expect((await app.inject({ url: assetUrl, headers: { authorization: basic } })).statusCode).toBe(200);
    expect((await app.inject({ url: assetUrl })).statusCode).toBe(401);
    const queues = await app.inject({ url: `${DASHBOARD_PATH}/api/queues`, headers: bearer });
    expect(queues.statusCode).toBe(200);
    expect(JSON.stringify(queues.json())).toContain('refresh');
  });

  it('expose /metrics in Prometheus format with every listed series', async () => {
    const res = await app.inject({ url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = res.body;
    expect(text).toMatch(/^careerdata_refresh_runs_total\{status="published",trigger="manual"\} 1$/m);
    expect(text).toMatch(/^careerdata_stage_duration_seconds_bucket\{stage="fetch",le="\+Inf"\} \d+$/m);
    expect(text).toMatch(/^careerdata_stage_duration_seconds_count\{stage="publish"\} 1$/m);
    expect(text).toMatch(/^careerdata_last_publish_timestamp_seconds \d+$/m);
    expect(text).toMatch(/^careerdata_snapshot_age_seconds \d+$/m);
    expect(text).toMatch(/^careerdata_queue_jobs\{queue="refresh",state="completed"\} \d+$/m);
    expect(text).toMatch(/^careerdata_upstream_requests_total\{host="127\.0\.0\.1:\d+",status="200"\} \d+$/m);
    for (const name of Object.values(METRIC_NAMES)) expect(text).toContain(`# TYPE ${name} `);
  });

  it('after a run, /metrics has per-source fetch times and releases, rejects, gates, build and process figures, and parses as Prometheus text', async () => {
    const text = (await app.inject({ url: '/metrics' })).body;
    // A Prometheus text-format parser (not our own) reads the whole exposition.
    const families = parsePrometheusTextFormat(text);
    const family = (name: string) => {
      const f = families.find((x) => x.name === name);
      expect(f, name).toBeDefined();
      expect(f!.help.length, `HELP of ${name}`).toBeGreaterThan(10);
      return f!;
    };
    const fetched = family(METRIC_NAMES.sourceFetched);
    const sources = fetched.metrics.map((m) => m.labels?.source).sort();
    expect(sources).toEqual(expect.arrayContaining(['ep', 'oews']));
    for (const m of fetched.metrics) expect(Number(m.value)).toBeGreaterThan(1_700_000_000);
    const releases = family(METRIC_NAMES.sourceRelease).metrics;
    // One sample per release the latest manifest names (the exposition's unit test covers the format).
    const manifest = await h.store().latestManifest();
    const expected = Object.entries(manifest?.releases ?? {}).flatMap(([source, list]) =>
      list.map((release) => ({ labels: { source, release }, value: '1' })),
    );
    expect(releases).toEqual(expect.arrayContaining(expected));
    expect(releases).toHaveLength(expected.length);
    // A queued build that took the read stage's hand-over still records the releases.
    expect(releases).toContainEqual({ labels: { source: 'oews', release: 'May 2024' }, value: '1' });
    const rejected = family(METRIC_NAMES.rejectedRows).metrics;
    expect(rejected.find((m) => m.labels?.source === 'oews')?.value).toBe('0');
    expect(family(METRIC_NAMES.gateFailures).type).toBe('COUNTER');
    const runs = family(METRIC_NAMES.runs).metrics;
    expect(runs).toContainEqual({ labels: { status: 'published', trigger: 'manual' }, value: '1' });
    const build = family(METRIC_NAMES.buildInfo).metrics[0];
    expect(build?.labels).toMatchObject({
      methodology: '2.0',
      schema_version: expect.stringMatching(/^\d+\.\d+\.\d+$/),
    });
    expect(build?.labels?.version).toMatch(/^\d+\.\d+\.\d+/);
    // This process: CPU, resident memory, heap and event-loop lag.
    for (const name of [
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_heap_size_used_bytes',
      'nodejs_eventloop_lag_seconds',
    ]) {
      expect(Number(family(name).metrics[0]?.value), name).toBeGreaterThanOrEqual(0);
    }
  });

  it('answer 503 (not 401) for every admin route when ADMIN_TOKEN is not set', async () => {
    const bare = Fastify();
    await bare.register(adminPlugin, { config: h.config({ ADMIN_TOKEN: '' }), store: h.store(), producer });
    const res = await bare.inject({ method: 'POST', url: '/v1/refreshes', headers: bearer });
    expect(res.statusCode).toBe(503);
    expect(res.json().detail).toMatch(/ADMIN_TOKEN/);
    await bare.close();
  });
});

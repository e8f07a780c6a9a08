/**
 * Guessing the admin token: failed authentications are logged (client, route, never the presented
 * value) and, after 10 a minute from one client, answered 429 with Retry-After — even the right
 * token, until the window ends. `Bearer` takes exactly one token.
 */

import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { adminPlugin } from '../../src/api/admin/plugin.js';
import { loadConfig } from '../../src/config.js';
import { openProducer, type Producer } from '../../src/queue/runs/producer.js';
import { captureLog } from '../http/support.js';

const TOKEN = 'admin-token-for-auth-tests-91f2';

const redisUrl = inject('redisUrl');

let app: FastifyInstance | undefined;
let producer: Producer | undefined;
afterEach(async () => {
  await app?.close();
  await producer?.close();
  app = undefined;
});

async function adminApp(now: () => number) {
  const capture = captureLog();
  const config = loadConfig({
    ADMIN_TOKEN: TOKEN,
    SOURCES: 'epoch',
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: `cdtest-auth-${randomBytes(4).toString('hex')}`,
  });
  producer = await openProducer(config, capture.log, { name: 'careerdata-auth-test' });
  app = Fastify({ logger: false });
  await app.register(adminPlugin, {
    config,
    store: { latestManifest: async () => null },
    log: capture.log,
    producer,
    authLimits: { now },
  });
  await app.ready();
  return { app, capture };
}

const get = (a: FastifyInstance, authorization: string, remoteAddress = '198.51.100.7') =>
  a.inject({ method: 'GET', url: '/v1/refreshes?limit=5', headers: { authorization }, remoteAddress });

describe('admin authentication failures', () => {
  it('10 wrong tokens a minute are 401 and logged without the value; then 429 with Retry-After, even for the right token', async () => {
    let clock = 1_000_000;
    const { app: a, capture } = await adminApp(() => clock);
    for (let i = 0; i < 10; i++) expect((await get(a, `Bearer guess-number-${i}-xyz`)).statusCode).toBe(401);
    const locked = await get(a, `Bearer ${TOKEN}`);
    expect(locked.statusCode).toBe(429);
    expect(locked.headers['retry-after']).toBe('60');
    // Another client is not affected.
    expect((await get(a, `Bearer ${TOKEN}`, '203.0.113.9')).statusCode).toBe(200);

    const failures = capture.records().filter((r) => r.msg === 'admin authentication failed');
    expect(failures).toHaveLength(10);
    expect(failures[9]).toMatchObject({
      client: '198.51.100.7',
      route: '/v1/refreshes',
      method: 'GET',
      reason: 'wrong',
      failures: 10,
    });
    expect(capture.lines.join('')).not.toMatch(/guess-number|admin-token-for-auth/);

    clock += 30_000;
    expect((await get(a, `Bearer ${TOKEN}`)).headers['retry-after']).toBe('30');
    clock += 30_000;
    expect((await get(a, `Bearer ${TOKEN}`)).statusCode).toBe(200);
  });

  it('Bearer takes exactly one token: "<token> junk" is refused and counted', async () => {
    const { app: a, capture } = await adminApp(() => 0);
    const res = await get(a, `Bearer ${TOKEN} junk`);
    expect(res.statusCode).toBe(401);
    expect(capture.records().find((r) => r.msg === 'admin authentication failed')).toMatchObject({
      reason: 'malformed',
    });
    expect(capture.lines.join('')).not.toContain('junk');
  });

  it('a request without credentials (a browser before its login prompt) is 401 and not counted', async () => {
    const { app: a, capture } = await adminApp(() => 0);
    for (let i = 0; i < 12; i++) {
      const res = await a.inject({ method: 'GET', url: '/v1/refreshes', remoteAddress: '198.51.100.8' });
      expect(res.statusCode).toBe(401);
    }
    expect(capture.records().filter((r) => r.msg === 'admin authentication failed')).toHaveLength(0);
  });
});

import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { DEFAULT_GATE_CONFIG } from '../../src/gates/report.js';
import { silentLogger } from '../../src/log.js';
import { readDeliveryLog } from '../../src/notify/deliveryLog.js';
import { ChangeEvent, refreshFailedEvent } from '../../src/notify/events.js';
import { Notifier, notifierFromConfig } from '../../src/notify/notifier.js';
import { SIGNATURE_HEADER, verifySignature } from '../../src/notify/signature.js';
import { publishSnapshot } from '../../src/pipeline/publish/publishSnapshot.js';
import { rollbackSnapshot } from '../../src/pipeline/publish/rollbackSnapshot.js';
import { SnapshotStore } from '../../src/store/snapshotStore.js';
import { candidate, occupations, steppingClock, tempDir } from '../store/support.js';

const SECRET = 'whsec-test-0123456789';
const gates = DEFAULT_GATE_CONFIG;

interface Received {
  body: string;
  headers: http.IncomingHttpHeaders;
}

/** A local webhook receiver answering with the given statuses in turn (the last one repeats); 'hang' never answers. */
async function receiver(statuses: (number | 'hang')[]) {
  const received: Received[] = [];
  const hanging: http.ServerResponse[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => {
      received.push({ body, headers: req.headers });
      const status = statuses[Math.min(received.length - 1, statuses.length - 1)]!;
      if (status === 'hang') {
        hanging.push(res);
        return;
      }
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/s3cr3t-path-token`;
  return {
    url,
    received,
    close: () =>
      new Promise<void>((r) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe('change events', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let redis: Redis;
  let stream: string;
  let closers: (() => Promise<void>)[] = [];

  beforeAll(() => {
    redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: 1 });
  });
  afterAll(async () => {
    await redis.quit();
  });
  beforeEach(async () => {
    tmp = await tempDir('careerdata-notify-');
    stream = `test:${randomBytes(6).toString('hex')}:events`;
  });
  afterEach(async () => {
    for (const c of closers) await c();
    closers = [];
    await redis.del(stream);
    await tmp.cleanup();
  });

  const deliveriesFile = () => path.join(tmp.dir, 'runs', 'deliveries.ndjson');
  const storeDir = () => path.join(tmp.dir, 'snapshots');

  function notifier(over: Partial<ConstructorParameters<typeof Notifier>[0]> = {}) {
    return new Notifier({
      log: silentLogger,
      redis,
      stream,
      maxLen: 1000,
      webhook: { secret: SECRET, timeoutMs: 2000, maxAttempts: 4, baseDelayMs: 20, maxDelayMs: 100 },
      deliveries: deliveriesFile(),
      ...over,
    });
  }

  async function streamEvents(): Promise<ChangeEvent[]> {
    const entries = await redis.xrange(stream, '-', '+');
    return entries.map(([, fields]) => {
      const f: Record<string, string> = {};
      for (let i = 0; i < fields.length; i += 2) f[fields[i]!] = fields[i + 1]!;
      expect(f.type).toBeTruthy();
      return ChangeEvent.parse(JSON.parse(f.event!));
    });
  }

  it('appends snapshot.published and snapshot.rolled_back to the Redis stream with ids, counts and diff summary', async () => {
    const n = notifier();
    const store = new SnapshotStore({ dir: storeDir(), now: steppingClock() });
    const a = await publishSnapshot(store, candidate(occupations(10)), { gates, notifier: n });
    const changed = occupations(11);
    const b = await publishSnapshot(store, candidate(changed), { gates, notifier: n });
    if (a.status !== 'published' || b.status !== 'published') throw new Error('expected two publishes');
    await rollbackSnapshot(store, a.snapshotId, { who: 'ops', why: 'bad b', notifier: n });

    const events = await streamEvents();
    expect(events.map((e) => e.type)).toEqual([
      'snapshot.published',
      'snapshot.published',
      'snapshot.rolled_back',
    ]);
    expect(events[1]).toMatchObject({
      snapshotId: b.snapshotId,
      previousId: a.snapshotId,
      counts: { occupations: 11 },
      diffSummary: { added: 1, removed: 0, changed: 0 },
      forced: false,
      run: { id: 'run-test' },
    });
    expect(events[2]).toMatchObject({
      snapshotId: a.snapshotId,
      previousId: b.snapshotId,
      counts: { occupations: 10 },
      diffSummary: { added: 0, removed: 1 },
      rollback: { who: 'ops', why: 'bad b' },
    });
    expect(new Set(events.map((e) => e.id)).size).toBe(3);
  });

  it('caps the stream length (XADD MAXLEN ~)', async () => {
    const n = notifier({ maxLen: 10 });
    for (let i = 0; i < 300; i++) await n.emit(refreshFailedEvent({ message: `boom ${i}` }));
    expect(await redis.xlen(stream)).toBeLessThan(300);
  });

  it('POSTs each event to the webhooks, signed with HMAC-SHA256 of the body', async () => {
    const r = await receiver([200]);
    closers.push(r.close);
    const n = notifier({ webhookUrls: [r.url] });
    const store = new SnapshotStore({ dir: storeDir() });
    const pub = await publishSnapshot(store, candidate(occupations(5)), { gates, notifier: n });
    const results = await n.idle();
    expect(results).toEqual([expect.objectContaining({ delivered: true, attempts: 1, lastStatus: 200 })]);
    expect(r.received).toHaveLength(1);
    const { body, headers } = r.received[0]!;
    expect(verifySignature(body, headers[SIGNATURE_HEADER] as string, SECRET)).toBe(true);
    expect(verifySignature(body, headers[SIGNATURE_HEADER] as string, 'wrong-secret')).toBe(false);
    expect(verifySignature(body + ' ', headers[SIGNATURE_HEADER] as string, SECRET)).toBe(false);
    expect(headers['content-type']).toBe('application/json');
    expect(headers['x-careerdata-event']).toBe('snapshot.published');
    const event = ChangeEvent.parse(JSON.parse(body));
    expect(event.snapshotId).toBe(pub.status === 'published' ? pub.snapshotId : null);
    expect(headers['x-careerdata-delivery']).toBe(event.id);
  });

  it('retries a receiver that answers 500 twice, delivering on the third attempt, and records every attempt', async () => {
    const r = await receiver([500, 500, 200]);
    closers.push(r.close);
    const n = notifier({ webhookUrls: [r.url] });
    await n.emit(refreshFailedEvent({ message: 'EP workbook missing a column', stage: 'read' }));
    const [result] = await n.idle();
    expect(result).toMatchObject({ delivered: true, attempts: 3, lastStatus: 200 });
    expect(r.received).toHaveLength(3);
    expect(r.received.map((x) => x.headers['x-careerdata-attempt'])).toEqual(['1', '2', '3']);
    expect(new Set(r.received.map((x) => x.body)).size).toBe(1); // the same signed body each time
    const log = await readDeliveryLog(deliveriesFile());
    expect(log.map((l) => [l.attempt, l.outcome, l.status])).toEqual([
      [1, 'retrying', 500],
      [2, 'retrying', 500],
      [3, 'delivered', 200],
    ]);
    expect(log[0]!.eventType).toBe('refresh.failed');
  });

  it('does not retry a 4xx other than 408/425/429', async () => {
    const r = await receiver([410]);
    closers.push(r.close);
    const n = notifier({ webhookUrls: [r.url] });
    await n.emit(refreshFailedEvent({ message: 'x' }));
    expect((await n.idle())[0]).toMatchObject({ delivered: false, attempts: 1, lastStatus: 410 });
    expect((await readDeliveryLog(deliveriesFile())).map((l) => l.outcome)).toEqual(['failed']);
  });

  it('never lets a dead webhook hold up the publish; deliveries stop at the overall deadline', async () => {
    const hung = await receiver(['hang']);
    closers.push(hung.close);
    // The deadline's timer is the test's: it fires when the test says, not after wall-clock time.
    const deadlines: { fire: () => void; ms: number }[] = [];
    const n = notifier({
      webhookUrls: [hung.url, 'http://127.0.0.1:9/refused'],
      webhook: { secret: SECRET, timeoutMs: 60_000, maxAttempts: 100_000, baseDelayMs: 20, maxDelayMs: 50 },
      deliveryDeadlineMs: 500,
      startDeadline: (fire, ms) => {
        deadlines.push({ fire, ms });
        return () => undefined;
      },
    });
    const store = new SnapshotStore({ dir: storeDir() });
    const result = await publishSnapshot(store, candidate(occupations(5)), { gates, notifier: n });
    // The publish has returned while the deliveries are still running in the background.
    expect(result.status).toBe('published');
    expect(n.pendingDeliveries).toBe(1);
    expect(await store.latestId()).toBe(result.status === 'published' ? result.snapshotId : null);
    expect(deadlines.map((d) => d.ms)).toEqual([500]);
    deadlines[0]!.fire();
    const results = await n.idle();
    expect(results.map((x) => x.delivered)).toEqual([false, false]);
    const log = await readDeliveryLog(deliveriesFile());
    expect(log.filter((l) => l.outcome === 'abandoned').length).toBeGreaterThanOrEqual(2);
    expect(log.some((l) => l.outcome === 'delivered')).toBe(false);
  });

  it('never writes the secret or a webhook path token to the deliveries log or the stream', async () => {
    const r = await receiver([500, 200]);
    closers.push(r.close);
    const n = notifier({ webhookUrls: [r.url] });
    await n.emit(refreshFailedEvent({ message: 'x' }));
    await n.idle();
    const { readFile } = await import('node:fs/promises');
    const text = await readFile(deliveriesFile(), 'utf8');
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain('s3cr3t-path-token');
    expect(text).toContain('http://127.0.0.1:');
    const raw = JSON.stringify(await redis.xrange(stream, '-', '+'));
    expect(raw).not.toContain(SECRET);
  });

  it('returns promptly when Redis does not answer, and the publish still succeeds', async () => {
    const dead = new Redis('redis://127.0.0.1:9', {
      lazyConnect: true,
      maxRetriesPerRequest: null,
      retryStrategy: () => 200,
    });
    dead.on('error', () => undefined);
    closers.push(async () => {
      dead.disconnect();
    });
    const n = new Notifier({ log: silentLogger, redis: dead, stream, streamTimeoutMs: 200 });
    const store = new SnapshotStore({ dir: storeDir() });
    const result = await publishSnapshot(store, candidate(occupations(5)), { gates, notifier: n });
    expect(result.status).toBe('published');
    expect((await n.emitWithOutcome(refreshFailedEvent({ message: 'x' }))).streamEntryId).toBeNull();
  });

  it('is built from the configuration: stream only with an explicit REDIS_URL, webhooks signed with WEBHOOK_SECRET', async () => {
    const r = await receiver([200]);
    closers.push(r.close);
    const config = loadConfig({
      SOURCES: 'exposure',
      WEBHOOK_URLS: r.url,
      WEBHOOK_SECRET: SECRET,
      EVENTS_STREAM: stream,
    });
    const n = notifierFromConfig(config, { log: silentLogger, redis, deliveriesLog: deliveriesFile() });
    expect((await n.emitWithOutcome(refreshFailedEvent({ message: 'x' }))).streamEntryId).toBeNull();
    await n.idle();
    expect(r.received).toHaveLength(1);
    const withRedis = notifierFromConfig({ ...config, redisConfigured: true }, { log: silentLogger, redis });
    expect((await withRedis.emitWithOutcome(refreshFailedEvent({ message: 'y' }))).streamEntryId).toMatch(
      /^\d+-\d+$/,
    );
    await withRedis.idle();
    expect(() => new Notifier({ log: silentLogger, webhookUrls: [r.url] })).toThrow(/WEBHOOK_SECRET/);
  });
});

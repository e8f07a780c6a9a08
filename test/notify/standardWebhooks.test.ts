/**
 * Deliveries against a receiver written only from the Standard Webhooks specification
 * (standardwebhooks.com, "Verifying webhook authenticity"), not from our code: it recomputes
 * `v1` signatures over `id.timestamp.body` with the base64-decoded `whsec_` key, accepts any of
 * the space-separated signatures, and rejects timestamps outside its tolerance. Its clock is a
 * variable, so a replay "later" needs no waiting.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.js';
import { makeEvent } from '../../src/notify/events.js';
import { Notifier } from '../../src/notify/notifier.js';
import { SIGNATURE_HEADER, verifySignature } from '../../src/notify/signature.js';
import { verifyStandardWebhook } from '../../src/notify/standardWebhooks.js';

const CURRENT = `whsec_${randomBytes(24).toString('base64')}`;
const NEXT = `whsec_${randomBytes(24).toString('base64')}`;
const TOLERANCE = 300;

interface Delivery {
  headers: http.IncomingHttpHeaders;
  body: string;
  verdict: number;
}

/** The spec's receiver: 204 when authentic and fresh, 400 otherwise. */
async function specReceiver(secret: string) {
  const deliveries: Delivery[] = [];
  const seenIds = new Set<string>();
  const clock = { now: () => Math.floor(Date.now() / 1000) };
  const check = (headers: http.IncomingHttpHeaders, body: string): boolean => {
    const id = headers['webhook-id'];
    const ts = headers['webhook-timestamp'];
    const sig = headers['webhook-signature'];
    if (typeof id !== 'string' || typeof ts !== 'string' || typeof sig !== 'string') return false;
    const timestamp = Number.parseInt(ts, 10);
    if (Math.abs(clock.now() - timestamp) > TOLERANCE) return false;
    const key = Buffer.from(secret.split('_')[1]!, 'base64');
    const expected = createHmac('sha256', key).update(`${id}.${ts}.${body}`).digest();
    const ok = sig.split(' ').some((entry) => {
      const [version, value] = entry.split(',');
      if (version !== 'v1' || !value) return false;
      const given = Buffer.from(value, 'base64');
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
    if (!ok) return false;
    if (seenIds.has(id)) return false; // a replay inside the window: the id was seen
    seenIds.add(id);
    return true;
  };
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => {
      const verdict = check(req.headers, body) ? 204 : 400;
      deliveries.push({ headers: req.headers, body, verdict });
      res.writeHead(verdict).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  /** Send a captured delivery again, byte for byte (what an attacker who saw it could do). */
  const replay = async (d: Delivery): Promise<number> => {
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': String(d.headers['webhook-id']),
        'webhook-timestamp': String(d.headers['webhook-timestamp']),
        'webhook-signature': String(d.headers['webhook-signature']),
      },
      body: d.body,
    });
    return res.status;
  };
  return {
    url,
    deliveries,
    clock,
    replay,
    forgetIds: () => seenIds.clear(),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

function event() {
  return makeEvent('snapshot.published', {
    snapshotId: '20261127T030000Z-3f9a2c1b',
    previousId: null,
    counts: null,
    diffSummary: null,
  });
}

async function deliver(urls: string[], secrets: { secret: string; nextSecret?: string }) {
  const notifier = new Notifier({
    log: silentLogger,
    webhookUrls: urls,
    webhook: { ...secrets, baseDelayMs: 5, maxDelayMs: 20, maxAttempts: 2 },
  });
  const e = event();
  await notifier.emit(e);
  return { results: await notifier.idle(), event: e };
}

describe('webhooks per Standard Webhooks', () => {
  it('are verified by a receiver written from the spec, which rejects a replay older than its tolerance', async () => {
    const r = await specReceiver(CURRENT);
    closers.push(r.close);
    const { results, event: e } = await deliver([r.url], { secret: CURRENT });
    expect(results).toEqual([expect.objectContaining({ delivered: true, attempts: 1, lastStatus: 204 })]);
    const [d] = r.deliveries;
    expect(d!.verdict).toBe(204);
    expect(d!.headers['webhook-id']).toBe(e.id);
    expect(d!.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(JSON.parse(d!.body)).toMatchObject({ id: e.id, type: 'snapshot.published' });

    // The same bytes again: refused while fresh (id seen), and refused by the clock once older
    // than the tolerance even by a receiver that no longer remembers the id.
    expect(await r.replay(d!)).toBe(400);
    r.forgetIds();
    const sent = Number(d!.headers['webhook-timestamp']);
    r.clock.now = () => sent + TOLERANCE + 1;
    expect(await r.replay(d!)).toBe(400);
    r.clock.now = () => sent + TOLERANCE - 1;
    expect(await r.replay(d!)).toBe(204); // inside the window with a forgotten id: accepted, as the spec says
  });

  it('sign with both secrets during a rotation, so receivers on either one verify', async () => {
    const onCurrent = await specReceiver(CURRENT);
    const onNext = await specReceiver(NEXT);
    const stranger = await specReceiver(`whsec_${randomBytes(24).toString('base64')}`);
    closers.push(onCurrent.close, onNext.close, stranger.close);
    const { results } = await deliver([onCurrent.url, onNext.url, stranger.url], {
      secret: CURRENT,
      nextSecret: NEXT,
    });
    expect(results.map((x) => x.delivered)).toEqual([true, true, false]);
    expect(String(onNext.deliveries[0]!.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(stranger.deliveries.every((d) => d.verdict === 400)).toBe(true);
  });

  it('keep the deprecated X-Careerdata-Signature for one release, and our documented check agrees with the spec receiver', async () => {
    const r = await specReceiver(CURRENT);
    closers.push(r.close);
    await deliver([r.url], { secret: CURRENT, nextSecret: NEXT });
    const d = r.deliveries[0]!;
    expect(verifySignature(d.body, d.headers[SIGNATURE_HEADER] as string, CURRENT)).toBe(true);
    const sent = new Date(Number(d.headers['webhook-timestamp']) * 1000);
    expect(verifyStandardWebhook(d.headers, d.body, [NEXT], { now: sent })).toBe('ok');
    expect(verifyStandardWebhook(d.headers, `${d.body} `, [CURRENT], { now: sent })).toBe('bad-signature');
    const late = new Date(sent.getTime() + (TOLERANCE + 1) * 1000);
    expect(
      verifyStandardWebhook(d.headers, d.body, [CURRENT], { now: late, toleranceSeconds: TOLERANCE }),
    ).toBe('too-old');
    expect(verifyStandardWebhook({}, d.body, [CURRENT])).toBe('missing-headers');
  });
});

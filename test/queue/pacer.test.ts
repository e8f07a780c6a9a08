import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { careeronestopJobLimiter, RedisPacer } from '../../src/queue/pacer.js';

const redisUrl = inject('redisUrl');
const clients: Redis[] = [];
const key = `cdtest-${randomBytes(4).toString('hex')}:pace`;
afterAll(async () => {
  await clients[0]?.del(key);
  for (const c of clients) c.disconnect();
});

function client(): Redis {
  const c = new Redis(redisUrl);
  clients.push(c);
  return c;
}

describe('the fleet-wide CareerOneStop pacer', () => {
  it('spaces requests from several processes one interval apart (one shared limit)', async () => {
    // Two "processes" (separate connections) taking slots at once, 20 requests per second.
    const pacers = [new RedisPacer(client(), key, 20), new RedisPacer(client(), key, 20)];
    const times: number[] = [];
    await Promise.all(
      pacers.map(async (p) => {
        for (let i = 0; i < 6; i++) {
          await p.take();
          times.push(Date.now());
        }
      }),
    );
    times.sort((a, b) => a - b);
    // 12 slots at 50 ms: the whole burst cannot take less than 11 intervals (minus timer slack).
    expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(11 * 50 - 30);
    // Any 5 consecutive requests span at least 4 intervals: never more than 20 per second.
    for (let i = 0; i + 4 < times.length; i++)
      expect(times[i + 4]! - times[i]!).toBeGreaterThanOrEqual(4 * 50 - 30);
  });

  it('holds every taker back after a 429 for the Retry-After time', async () => {
    const k2 = `${key}:pause`;
    const pacer = new RedisPacer(client(), k2, 100);
    await pacer.pause(400);
    const t0 = Date.now();
    await pacer.take();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(350);
    await clients[0]!.del(k2);
  });

  it('gives up waiting when the job is aborted', async () => {
    const k3 = `${key}:abort`;
    const pacer = new RedisPacer(client(), k3, 100);
    await pacer.pause(5_000);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('shutdown')), 20);
    await expect(pacer.take(controller.signal)).rejects.toThrow('shutdown');
    await clients[0]!.del(k3);
  });

  it('paces job starts at the request rate (BullMQ limiter)', () => {
    expect(careeronestopJobLimiter(2)).toEqual({ max: 2, duration: 1000 });
    expect(careeronestopJobLimiter(0.5)).toEqual({ max: 1, duration: 2000 });
  });
});

import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import {
  careeronestopJobLimiter,
  PACING_MARGIN,
  RedisPacer,
} from '../../../../src/sources/careeronestop/queue/pacer.js';
import { CLOCK_SLACK_MS, watchSlots } from '../../../queue/support/paceSlots.js';

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
    // Two "processes" (separate connections) taking slots at once, 20 requests per second. The
    // slots are checked on Redis's clock (MONITOR), not by when a loaded machine ran the takers.
    const watch = await watchSlots(redisUrl, key);
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
    await watch.close();
    times.sort((a, b) => a - b);
    const slots = [...watch.slots].sort((a, b) => a - b);
    expect(slots).toHaveLength(12);
    // One schedule: consecutive slots at least one interval (50 ms plus the pacer's margin) apart.
    const interval = Math.ceil(50 * PACING_MARGIN);
    for (let i = 1; i < slots.length; i++) expect(slots[i]! - slots[i - 1]!).toBeGreaterThanOrEqual(interval);
    // No taker went before its slot.
    times.forEach((at, k) => {
      expect(at).toBeGreaterThanOrEqual(slots[k]! - CLOCK_SLACK_MS);
    });
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

import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { abortableSleep } from '../../../../src/http/retryPolicy.js';
import {
  careerOneStopJobLimiter,
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

/** Redis's clock in ms, as the pacer's scripts read it. */
async function redisNow(redis: Redis): Promise<number> {
  const [sec, usec] = await redis.time();
  return Number(sec) * 1000 + Math.floor(Number(usec) / 1000);
}

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

  it("holds every taker back after a 429 until the Retry-After time has passed (on Redis's clock)", async () => {
    const k2 = `${key}:pause`;
    const redis = client();
    // A recording sleep: what is checked is how long the pacer tells each taker to wait, not how
    // long a loaded machine took to run it.
    const waits: number[] = [];
    const recordWait = async (ms: number) => {
      waits.push(ms);
    };
    const pacers = [
      new RedisPacer(redis, k2, 100, recordWait),
      new RedisPacer(client(), k2, 100, recordWait),
    ];
    await pacers[0]!.pause(60_000);
    const pauseEnd = Number(await redis.get(k2));
    const before = await redisNow(redis);
    for (const p of pacers) await p.take();
    const after = await redisNow(redis);
    // Each take ran on Redis between `before` and `after`, and was told to wait until its slot: the
    // first the end of the pause, the second one interval later.
    const interval = Math.ceil(10 * PACING_MARGIN);
    expect(waits).toHaveLength(2);
    waits.forEach((ms, k) => {
      const slot = pauseEnd + k * interval;
      expect(ms, `taker ${k}`).toBeGreaterThanOrEqual(slot - after);
      expect(ms, `taker ${k}`).toBeLessThanOrEqual(slot - before);
    });
    expect(pauseEnd - after).toBeGreaterThan(50_000);
    await redis.del(k2);
  });

  it('gives up waiting when the job is aborted', async () => {
    const k3 = `${key}:abort`;
    let waiting!: () => void;
    const inWait = new Promise<void>((r) => {
      waiting = r;
    });
    // The real abortable sleep, signalling when the taker has started to wait.
    const pacer = new RedisPacer(client(), k3, 100, (ms, signal) => {
      waiting();
      return abortableSleep(ms, signal);
    });
    await pacer.pause(5_000);
    const controller = new AbortController();
    const taking = pacer.take(controller.signal);
    await inWait;
    controller.abort(new Error('shutdown'));
    await expect(taking).rejects.toThrow('shutdown');
    await clients[0]!.del(k3);
  });

  it('paces job starts at the request rate (BullMQ limiter)', () => {
    expect(careerOneStopJobLimiter(2)).toEqual({ max: 2, duration: 1000 });
    expect(careerOneStopJobLimiter(0.5)).toEqual({ max: 1, duration: 2000 });
  });
});

import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../../src/sources/careeronestop/rateLimiter.js';

/** A fake clock: sleeping advances time, so the test checks the schedule, not wall time. */
function fakeClock(advance = true) {
  let t = 1_000_000;
  const waits: number[] = [];
  return {
    now: () => t,
    sleep: async (ms: number) => {
      waits.push(ms);
      if (advance) t += ms;
    },
    waits,
  };
}

describe('TokenBucket', () => {
  it('spaces requests evenly at the configured rate, concurrent callers included', async () => {
    const clock = fakeClock(false);
    const bucket = new TokenBucket({ ratePerSecond: 2, now: clock.now, sleep: clock.sleep });
    // Five callers at the same instant reserve slots 0, 500, 1000, 1500 and 2000 ms out.
    await Promise.all(Array.from({ length: 5 }, () => bucket.take()));
    expect(clock.waits).toEqual([500, 1000, 1500, 2000]);
  });

  it('allows a burst after idling, then the steady rate', async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket({ ratePerSecond: 4, burst: 3, now: clock.now, sleep: clock.sleep });
    for (let i = 0; i < 5; i++) await bucket.take();
    expect(clock.waits).toEqual([250, 250]);
  });

  it('holds every caller back after pause (a 429 Retry-After)', async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket({ ratePerSecond: 10, now: clock.now, sleep: clock.sleep });
    await bucket.take();
    bucket.pause(3000);
    await bucket.take();
    await bucket.take();
    expect(clock.waits).toEqual([3000, 100]);
  });

  it('rejects a waiter when the signal aborts', async () => {
    const bucket = new TokenBucket({ ratePerSecond: 0.001 });
    await bucket.take();
    const controller = new AbortController();
    const waiting = bucket.take(controller.signal);
    controller.abort(new Error('stopped'));
    await expect(waiting).rejects.toThrow('stopped');
  });
});

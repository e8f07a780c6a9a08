/**
 * CareerOneStop pacing across worker processes: one limit for the fleet, and a 429 puts the queue
 * in rate-limit mode without spending the jobs' attempts.
 */
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { type QueueHarness, queueHarness } from './support/harness.js';

const redisUrl = inject('redisUrl');
const RPS = 8;
const CAREERONESTOP = /^\/v1\//;

let h: QueueHarness;
beforeEach(async () => {
  h = await queueHarness(redisUrl, { CAREERONESTOP_RPS: String(RPS), CAREERONESTOP_CONCURRENCY: '2' });
});
afterEach(async () => {
  await h.close();
});

/** Most requests seen in any window of one second. */
function maxPerSecond(times: number[]): number {
  let max = 0;
  for (let i = 0, j = 0; j < times.length; j++) {
    while (times[j]! - times[i]! >= 1000) i++;
    max = Math.max(max, j - i + 1);
  }
  return max;
}

describe('CareerOneStop pacing across two workers', () => {
  it('never exceeds the configured rate, and 429s rate-limit the queue without consuming attempts', async () => {
    h.proxy.intercept(CAREERONESTOP, (n) =>
      n <= 3 ? { status: 429, headers: { 'retry-after': '1' }, body: 'Too Many Requests' } : undefined,
    );
    await Promise.all([h.spawnWorker(), h.spawnWorker()]);
    const producer = await h.producer();
    const { runId } = await producer.request({ trigger: 'manual' });
    const run = await h.waitForRun(runId, 80_000);
    expect(run.status).toBe('published');

    const calls = h.proxy.log.filter((e) => CAREERONESTOP.test(e.path));
    expect(calls.filter((c) => c.status === 429)).toHaveLength(3);
    const times = calls.map((c) => c.at).sort((a, b) => a - b);
    // Measured at the upstream (the proxy): no window of one second ever holds more than RPS requests.
    for (let i = 0; i + RPS < times.length; i++) {
      expect(times[i + RPS]! - times[i]!, `requests ${i}..${i + RPS}`).toBeGreaterThanOrEqual(1000);
    }
    expect(maxPerSecond(times)).toBeLessThanOrEqual(RPS);

    // Every occupation job completed on its first counted attempt: the 429s cost none.
    const jobs = await producer.queues.careeronestop.getJobs(['completed', 'failed']);
    expect(jobs.length).toBe(run.careeronestop!.total);
    expect(jobs.every((j) => j.finishedOn && !j.failedReason)).toBe(true);
    expect(jobs.map((j) => j.attemptsMade)).toEqual(jobs.map(() => 1));
    expect(run.careeronestop).toMatchObject({ failed: 0, done: run.careeronestop!.total });
  }, 100_000);
});

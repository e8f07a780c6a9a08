/**
 * CareerOneStop pacing shared by every worker process. BullMQ's global limiter on the careeronestop
 * queue paces job starts; an occupation job makes several requests (details, certifications,
 * training pages), so each request also takes a slot here. The state is one Redis key holding the
 * "theoretical arrival time" of the next free slot (GCRA, as in redis-cell): every take reserves
 * the next slot atomically, measured on Redis's clock so worker clocks need not agree.
 */
import type { Redis } from 'ioredis';
import { abortableSleep, type RateLimiter } from '../../../http/retryPolicy.js';

const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
local slot = math.max(tat, now)
local nextTat = slot + tonumber(ARGV[1])
redis.call('SET', KEYS[1], nextTat, 'PX', nextTat - now + 1000)
return slot - now
`;

const PAUSE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
local untilMs = now + tonumber(ARGV[1])
if untilMs > tat then redis.call('SET', KEYS[1], untilMs, 'PX', tonumber(ARGV[1]) + 1000) end
return 1
`;

export const PACING_MARGIN = 1.05;

export class RedisPacer implements RateLimiter {
  private readonly intervalMs: number;

  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    requestsPerSecond: number,
    private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void> = abortableSleep,
  ) {
    if (!(requestsPerSecond > 0)) throw new RangeError('requestsPerSecond must be > 0');
    // 5 % under the limit: the slots are exact in Redis, but a request can reach the upstream a few
    // ms later than its slot and the next one on time; the upstream must still never see more.
    this.intervalMs = Math.ceil((1000 / requestsPerSecond) * PACING_MARGIN);
  }

  async take(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw signal.reason ?? new Error('aborted');
    const waitMs = Number(await this.redis.eval(TAKE, 1, this.key, this.intervalMs));
    if (waitMs > 0) await this.sleep(waitMs, signal);
  }

  /** Upstream said 429: no worker sends another request for `ms`. */
  async pause(ms: number): Promise<void> {
    await this.redis.eval(PAUSE, 1, this.key, Math.max(1, Math.round(ms)));
  }
}

/** BullMQ worker limiter for the careeronestop queue: job starts at most at the request rate. */
export function careerOneStopJobLimiter(requestsPerSecond: number): { max: number; duration: number } {
  return requestsPerSecond >= 1
    ? { max: Math.floor(requestsPerSecond), duration: 1000 }
    : { max: 1, duration: Math.ceil(1000 / requestsPerSecond) };
}

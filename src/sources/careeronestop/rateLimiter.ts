/**
 * Pacing for CareerOneStop. Every HTTP attempt (retries included) takes one slot, so the configured
 * requests-per-second holds however many units run at once. In embedded mode one TokenBucket is
 * shared by all units of a run; the queue injects its fleet-wide pacer. Both plug into the HTTP
 * client's one attempt loop (http/retryPolicy.ts).
 */
import { abortableSleep, type RateLimiter, type Sleep } from '../../http/retryPolicy.js';

export interface TokenBucketOptions {
  /** Sustained requests per second. */
  ratePerSecond: number;
  /** Requests allowed back to back after an idle period (default 1: evenly spaced). */
  burst?: number;
  now?: () => number;
  sleep?: Sleep;
}

/**
 * A token bucket kept as "the time the next slot is free": each take reserves the earliest free
 * slot, so waiters are served in call order and never more than `burst` run in any interval.
 */
export class TokenBucket implements RateLimiter {
  private readonly intervalMs: number;
  private readonly burst: number;
  private readonly now: () => number;
  private readonly sleep: Sleep;
  private nextFreeAt = Number.NEGATIVE_INFINITY;

  constructor(opts: TokenBucketOptions) {
    if (!(opts.ratePerSecond > 0)) throw new RangeError('ratePerSecond must be > 0');
    this.intervalMs = 1000 / opts.ratePerSecond;
    this.burst = Math.max(1, Math.floor(opts.burst ?? 1));
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? abortableSleep;
  }

  async take(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw signal.reason ?? new Error('aborted');
    const now = this.now();
    // Idle time refills at most `burst` slots.
    const slot = Math.max(this.nextFreeAt, now - (this.burst - 1) * this.intervalMs);
    this.nextFreeAt = slot + this.intervalMs;
    const wait = slot - now;
    if (wait > 0) await this.sleep(wait, signal);
  }

  pause(ms: number): void {
    this.nextFreeAt = Math.max(this.nextFreeAt, this.now() + ms);
  }
}

/** No pacing (tests that count requests rather than time them). */
export const unlimited: RateLimiter = { take: async () => {} };

/**
 * Failed admin authentications per client, in fixed windows: after `max` failures a client is
 * answered 429 (with Retry-After) until its window ends, whatever it presents, so a token cannot be
 * guessed at speed. Only failures count: the dashboard loads dozens of assets per page, so a limit on
 * every request (@fastify/rate-limit's model) would either break it or be too loose to stop guessing.
 * In memory, per API process: each replica limits on its own.
 */
export interface FailedAuthLimits {
  /** Failures allowed per client and window (default 10). */
  max?: number;
  /** Window length in ms (default one minute). */
  windowMs?: number;
  /** Clients tracked at once; the oldest window is dropped beyond this (default 10,000). */
  maxClients?: number;
  now?: () => number;
}

interface Window {
  failures: number;
  resetAt: number;
}

export class FailedAuthLimiter {
  private readonly windows = new Map<string, Window>();
  private readonly max: number;
  private readonly windowMs: number;
  private readonly maxClients: number;
  private readonly now: () => number;

  constructor(limits: FailedAuthLimits = {}) {
    this.max = limits.max ?? 10;
    this.windowMs = limits.windowMs ?? 60_000;
    this.maxClients = limits.maxClients ?? 10_000;
    this.now = limits.now ?? Date.now;
  }

  /** Whole seconds until `client` may try again; 0 when it is not locked out. */
  retryAfterSeconds(client: string): number {
    const w = this.current(client);
    if (!w || w.failures < this.max) return 0;
    return Math.max(1, Math.ceil((w.resetAt - this.now()) / 1000));
  }

  /** Count one failure; returns the client's failures in the current window. */
  recordFailure(client: string): number {
    let w = this.current(client);
    if (!w) {
      if (this.windows.size >= this.maxClients) {
        const oldest = this.windows.keys().next().value;
        if (oldest !== undefined) this.windows.delete(oldest);
      }
      w = { failures: 0, resetAt: this.now() + this.windowMs };
      this.windows.set(client, w);
    }
    w.failures++;
    return w.failures;
  }

  private current(client: string): Window | undefined {
    const w = this.windows.get(client);
    if (w && w.resetAt <= this.now()) {
      this.windows.delete(client);
      return undefined;
    }
    return w;
  }
}

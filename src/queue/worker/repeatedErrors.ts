/**
 * Errors Redis keeps returning (connection refused while it is down, OOM under `noeviction`,
 * READONLY on a replica) arrive once per attempt. They are logged once per interval and kind, with
 * how often they came since the last line, so an outage costs a few lines, not thousands.
 * (The retries themselves back off: ioredis reconnects with a capped exponential delay and BullMQ
 * waits `runRetryDelay` between failed fetches.)
 */
import { errorMessage } from '../../errors.js';
import type { Logger } from '../../log.js';

interface Seen {
  loggedAt: number;
  since: number;
}

export class RepeatedErrorLog {
  private readonly seen = new Map<string, Seen>();

  constructor(
    private readonly log: Logger,
    private readonly intervalMs = 30_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Log `what` now if this kind was not logged within the interval; else count it. */
  report(what: string, err: unknown, fields: Record<string, unknown> = {}): void {
    const message = errorMessage(err);
    const code = (err as { code?: unknown } | undefined)?.code;
    // The kind: an errno code, or the message up to its first full stop (OOM and READONLY
    // replies carry a different script hash each time).
    const key = `${what}\u0000${typeof code === 'string' ? code : message.split(/\.\s/)[0]}`;
    const t = this.now();
    const seen = this.seen.get(key);
    if (seen && t - seen.loggedAt < this.intervalMs) {
      seen.since++;
      return;
    }
    const repeated = seen ? seen.since : 0;
    this.seen.set(key, { loggedAt: t, since: 0 });
    this.log.warn(
      {
        ...fields,
        err: message,
        ...(repeated > 0 ? { repeated, intervalMs: this.intervalMs } : {}),
      },
      repeated > 0 ? `${what} (${repeated} more since the last report)` : what,
    );
  }
}

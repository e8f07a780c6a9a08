/**
 * The one retry policy of every outbound HTTP call (downloads, CareerOneStop, webhook deliveries):
 * which failures are worth another attempt, how long to wait (Retry-After, else backoff with full
 * jitter) and the abortable sleep between attempts. HttpClient's attempt loop applies it, with a
 * rate limiter plugged in where a source has one (CareerOneStop); webhook deliveries apply it in
 * their own loop, which records every attempt.
 */

/** A sleep that rejects with the signal's reason as soon as it aborts. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** 408 Request Timeout, 425 Too Early, 429 Too Many Requests and server errors a later attempt can fix. */
export function isRetryableStatus(status: number): boolean {
  if (status === 408 || status === 425 || status === 429) return true;
  // 501 Not Implemented and 505 HTTP Version Not Supported will answer the same next time.
  return status >= 500 && status <= 599 && status !== 501 && status !== 505;
}

/** Network-level failures (Node and undici error codes) after which a retry can succeed. */
export const RETRYABLE_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  // The server closed the connection before sending Content-Length bytes: a truncated body.
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
]);

/** The error code of a failure, looking through `cause` chains (undici wraps socket errors). */
export function errorCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 5 && e && typeof e === 'object'; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

export function isRetryableError(err: unknown): boolean {
  const code = errorCode(err);
  return code !== undefined && RETRYABLE_ERROR_CODES.has(code);
}

/** Longest Retry-After the client waits in-process; beyond it the caller (the queue) should pause instead. */
export const DEFAULT_RETRY_AFTER_CAP_MS = 10 * 60_000;

/** `Retry-After` as milliseconds from `nowMs`: delta-seconds or an HTTP date. Undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/**
 * Exponential backoff with full jitter (AWS architecture blog): a uniform draw in
 * [0, min(max, base · 2^(attempt-1))]. `attempt` is the 1-based attempt that just failed.
 */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(random() * ceiling);
}

/** Delay before the next attempt: the server's Retry-After when it gave one, else backoff with jitter. */
export function retryDelay(opts: {
  attempt: number;
  baseMs: number;
  maxMs: number;
  retryAfterMs?: number | undefined;
  random?: () => number;
}): number {
  if (opts.retryAfterMs !== undefined) return opts.retryAfterMs;
  return backoffDelay(opts.attempt, opts.baseMs, opts.maxMs, opts.random ?? Math.random);
}

export const abortableSleep: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason ?? new Error('aborted'));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason ?? new Error('aborted'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/**
 * Paces the attempts of one loop: `take` before every attempt (retries included), `pause` when the
 * upstream asked everyone to wait (Retry-After). CareerOneStop's token bucket and the queue's
 * fleet-wide pacer implement it.
 */
export interface RateLimiter {
  /** Resolves when the caller may send one request; rejects if `signal` aborts while waiting. */
  take(signal?: AbortSignal): Promise<void>;
  /** Upstream asked everyone to wait (429 Retry-After): no slot is granted for `ms`. */
  pause?(ms: number): void | Promise<void>;
}

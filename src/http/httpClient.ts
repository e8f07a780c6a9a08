/**
 * The one HTTP client every source uses (BLS, CareerOneStop, research files, webhooks): undici with
 * connect/headers/body timeouts, retries with backoff and Retry-After, a body size limit, truncation
 * detection and secret scrubbing in everything it logs or throws. Which failures are retried lives in
 * retryPolicy.ts.
 */
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { IncomingHttpHeaders } from 'node:http';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Agent, type Dispatcher, interceptors, request as undiciRequest } from 'undici';
import { HttpError, PermanentError } from '../errors.js';
import { type Logger, scrub } from '../log.js';
import { BodyMeter, BodyTooLargeError, declaredLength } from './bodyMeter.js';
import {
  abortableSleep,
  DEFAULT_RETRY_AFTER_CAP_MS,
  errorCode,
  isRetryableError,
  isRetryableStatus,
  parseRetryAfter,
  type RateLimiter,
  retryDelay,
  type Sleep,
} from './retryPolicy.js';

export interface AttemptEvent {
  /** Scrubbed URL. */
  url: string;
  host: string;
  status: number | 'error';
  attempt: number;
  ms: number;
}

export interface HttpClientOptions {
  /** e.g. `careerdata/0.1 (+ops@example.org)`; BLS answers 403 without a contact address in it. */
  userAgent: string;
  connectTimeoutMs: number;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  maxAttempts: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  maxBodyBytes: number;
  /** Scrubbed from every URL and message this client logs or throws. */
  secrets?: string[];
  log: Logger;
  /** Metrics hook, called once per attempt. */
  onAttempt?: (e: AttemptEvent) => void;
  /** Injectable for tests; default is an abortable timer. */
  sleep?: Sleep;
  /** Source-specific advice appended to 401/403/404 errors. */
  hints?: (url: URL, status: number) => string | undefined;
  /** Longest Retry-After waited in-process (default 10 min); longer ones fail at once with `retryAfterMs` set. */
  retryAfterCapMs?: number;
  /** Jitter source (default Math.random); injectable for tests. */
  random?: () => number;
  /** Redirects followed per request (default 5). */
  maxRedirections?: number;
}

export interface RequestInit {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Statuses returned to the caller instead of thrown (e.g. 404 where "no record" is ordinary). */
  acceptStatuses?: number[];
  signal?: AbortSignal;
  maxAttempts?: number;
  /** Paces every attempt and hears Retry-After (CareerOneStop's limiter). */
  limiter?: RateLimiter;
  /** Called before sleeping for a retry; a throw ends the loop with that error (a queue that pauses instead). */
  onRetry?: (failure: HttpError, attempt: number) => void | Promise<void>;
  /** Per-call overrides of the client's sleep and jitter source (tests). */
  sleep?: Sleep;
  random?: () => number;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** The requested URL, scrubbed of secrets (safe to store). */
  url: string;
}

export interface DownloadResult {
  status: number;
  headers: Record<string, string>;
  /** Set when a body was written (not on 304). */
  sha256?: string;
  bytes?: number;
}

interface Exchange {
  target: URL;
  safeUrl: string;
  method: string;
  headers: Record<string, string>;
  body: string | Buffer | undefined;
  accept: ReadonlySet<number>;
  signal: AbortSignal | undefined;
  maxAttempts: number;
  retry: Pick<RequestInit, 'limiter' | 'onRetry' | 'sleep' | 'random'>;
}

type OnSuccess<T> = (
  res: Dispatcher.ResponseData,
  headers: Record<string, string>,
  ex: Exchange,
) => Promise<T>;

export class HttpClient {
  private readonly agent: Agent;
  private readonly dispatcher: Dispatcher;
  private readonly secrets: string[];
  private readonly sleep: Sleep;

  constructor(private readonly opts: HttpClientOptions) {
    this.agent = new Agent({
      connect: { timeout: opts.connectTimeoutMs },
      headersTimeout: opts.headersTimeoutMs,
      bodyTimeout: opts.bodyTimeoutMs,
    });
    this.dispatcher = this.agent.compose(
      interceptors.redirect({ maxRedirections: opts.maxRedirections ?? 5 }),
    );
    this.secrets = (opts.secrets ?? []).filter((s) => s.length > 0);
    this.sleep = opts.sleep ?? abortableSleep;
  }

  /** Buffered request (JSON APIs, small files), retried per retryPolicy.ts. */
  async request(url: string, init: RequestInit = {}): Promise<HttpResponse> {
    const ex = this.exchange(url, init.method ?? 'GET', init);
    return this.run(ex, async (res, headers) => {
      const chunks: Buffer[] = [];
      const sink = new Writable({
        write(chunk: Buffer, _enc, done) {
          chunks.push(chunk);
          done();
        },
      });
      await this.readBody(res, headers, ex, () => sink);
      return { status: res.statusCode, headers, body: Buffer.concat(chunks), url: ex.safeUrl };
    });
  }

  /**
   * Streaming GET to `destPath` (hashing and counting as it goes). A 304 to a conditional request
   * resolves with `{ status: 304 }` and writes nothing. A failed attempt leaves no file behind.
   */
  async download(
    url: string,
    destPath: string,
    init: {
      headers?: Record<string, string>;
      signal?: AbortSignal;
      /** Progress display: bytes received so far and the declared length, when known. */
      onBytes?: (bytes: number, total: number | undefined) => void;
    } = {},
  ): Promise<DownloadResult> {
    const ex = this.exchange(url, 'GET', init);
    return this.run(ex, async (res, headers) => {
      if (res.statusCode === 304) {
        await res.body.dump();
        return { status: 304, headers };
      }
      try {
        const total = declaredLength(headers);
        const onBytes = init.onBytes ? (n: number) => init.onBytes?.(n, total) : undefined;
        const meter = await this.readBody(res, headers, ex, () => createWriteStream(destPath), onBytes);
        return { status: res.statusCode, headers, sha256: meter.digest(), bytes: meter.bytes };
      } catch (err) {
        await rm(destPath, { force: true });
        throw err;
      }
    });
  }

  /** Mask this client's secrets in text (for callers building their own messages about a URL). */
  scrub(text: string): string {
    return scrub(text, this.secrets);
  }

  /** Waits for requests in flight, then closes the connections. */
  async close(): Promise<void> {
    await this.agent.close();
  }

  /** Aborts requests in flight (they fail with the agent's destroy error) and closes at once. */
  async destroy(): Promise<void> {
    await this.agent.destroy();
  }

  private exchange(url: string, method: string, init: Omit<RequestInit, 'method'>): Exchange {
    const safeUrl = scrub(url, this.secrets);
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      throw new PermanentError(`Invalid URL "${safeUrl}": expected an absolute http(s):// URL`);
    }
    if (target.protocol !== 'http:' && target.protocol !== 'https:') {
      throw new PermanentError(`Unsupported URL "${safeUrl}": the HTTP client only fetches http(s):// URLs`);
    }
    const headers: Record<string, string> = { 'user-agent': this.opts.userAgent };
    for (const [k, v] of Object.entries(init.headers ?? {})) headers[k.toLowerCase()] = v;
    const accept = new Set(init.acceptStatuses ?? []);
    // A conditional request asked for 304; it is an answer, not a failure.
    if ('if-none-match' in headers || 'if-modified-since' in headers) accept.add(304);
    return {
      target,
      safeUrl,
      method,
      headers,
      body: init.body,
      accept,
      signal: init.signal,
      maxAttempts: Math.max(1, init.maxAttempts ?? this.opts.maxAttempts),
      retry: { limiter: init.limiter, onRetry: init.onRetry, sleep: init.sleep, random: init.random },
    };
  }

  /** The attempt loop shared by request() and download(). */
  private async run<T>(ex: Exchange, onSuccess: OnSuccess<T>): Promise<T> {
    const cap = this.opts.retryAfterCapMs ?? DEFAULT_RETRY_AFTER_CAP_MS;
    for (let attempt = 1; ; attempt++) {
      ex.signal?.throwIfAborted();
      await ex.retry.limiter?.take(ex.signal);
      const started = performance.now();
      const outcome = await this.attemptOnce(ex, onSuccess);
      this.reportAttempt(ex, outcome.status, attempt, started);
      if (outcome.ok) return outcome.value;
      const failure = outcome.failure;

      if (!failure.retryable) throw failure;
      if (attempt >= ex.maxAttempts) {
        throw new HttpError(
          `${ex.method} ${ex.safeUrl} failed after ${attempt} attempt${attempt === 1 ? '' : 's'}: ${withoutPrefix(failure.message, ex)}`,
          ex.safeUrl,
          failure.status,
          true,
          { cause: failure, retryAfterMs: failure.retryAfterMs },
        );
      }
      if (failure.retryAfterMs !== undefined && failure.retryAfterMs > cap) {
        this.opts.log.warn(
          {
            url: ex.safeUrl,
            status: failure.status,
            attempt,
            retryAfterMs: failure.retryAfterMs,
            capMs: cap,
          },
          'Retry-After exceeds the in-process cap; giving up so the caller can pause',
        );
        throw new HttpError(
          `${ex.method} ${ex.safeUrl} answered ${failure.status} with Retry-After ${Math.round(failure.retryAfterMs / 1000)} s, ` +
            `longer than the ${Math.round(cap / 1000)} s the client waits; try again later`,
          ex.safeUrl,
          failure.status,
          true,
          { cause: failure, retryAfterMs: failure.retryAfterMs },
        );
      }
      const delayMs = retryDelay({
        attempt,
        baseMs: this.opts.retryBaseDelayMs,
        maxMs: this.opts.retryMaxDelayMs,
        retryAfterMs: failure.retryAfterMs,
        random: ex.retry.random ?? this.opts.random,
      });
      // Retry-After is advice to the client, not to this one request: the limiter holds every caller back.
      if (failure.retryAfterMs !== undefined) await ex.retry.limiter?.pause?.(failure.retryAfterMs);
      await ex.retry.onRetry?.(failure, attempt);
      this.opts.log.warn(
        {
          url: ex.safeUrl,
          status: failure.status ?? 'error',
          code: errorCode(failure.cause),
          attempt,
          maxAttempts: ex.maxAttempts,
          delayMs,
          retryAfterMs: failure.retryAfterMs,
          reason: failure.message,
        },
        'HTTP attempt failed; retrying',
      );
      try {
        await (ex.retry.sleep ?? this.sleep)(delayMs, ex.signal);
      } catch (err) {
        throw ex.signal?.aborted ? ex.signal.reason : err;
      }
      ex.signal?.throwIfAborted();
    }
  }

  /** One request: the success value, or the failure to judge (retry or throw). Non-HTTP errors propagate. */
  private async attemptOnce<T>(
    ex: Exchange,
    onSuccess: OnSuccess<T>,
  ): Promise<
    { ok: true; value: T; status: number } | { ok: false; failure: HttpError; status: number | 'error' }
  > {
    let res: Dispatcher.ResponseData;
    try {
      res = await undiciRequest(ex.target, {
        dispatcher: this.dispatcher,
        method: ex.method as Dispatcher.HttpMethod,
        headers: ex.headers,
        body: ex.body ?? null,
        signal: ex.signal ?? null,
      });
    } catch (err) {
      if (ex.signal?.aborted) throw ex.signal.reason ?? err;
      return { ok: false, failure: this.networkError(ex, err), status: 'error' };
    }
    const headers = flattenHeaders(res.headers);
    if (!(res.statusCode >= 200 && res.statusCode < 300) && !ex.accept.has(res.statusCode)) {
      return { ok: false, failure: await this.statusError(ex, res, headers), status: res.statusCode };
    }
    try {
      return { ok: true, value: await onSuccess(res, headers, ex), status: res.statusCode };
    } catch (err) {
      if (ex.signal?.aborted) throw ex.signal.reason ?? err;
      if (err instanceof HttpError) return { ok: false, failure: err, status: 'error' };
      if (isRetryableError(err)) return { ok: false, failure: this.networkError(ex, err), status: 'error' };
      throw err; // e.g. the disk is full: not an HTTP problem, not ours to retry
    }
  }

  /**
   * Pipe a 2xx body through the meter into the sink; turns size and truncation problems into HttpErrors.
   * The sink is made only once the declared length is known to fit, so a refused download creates no file.
   */
  private async readBody(
    res: Dispatcher.ResponseData,
    headers: Record<string, string>,
    ex: Exchange,
    makeSink: () => Writable,
    onBytes?: (bytes: number) => void,
  ): Promise<BodyMeter> {
    const limit = this.opts.maxBodyBytes;
    const declared = declaredLength(headers);
    const meter = new BodyMeter(limit, declared, onBytes);
    let sink: Writable | undefined;
    try {
      if (declared !== undefined && declared > limit) throw new BodyTooLargeError(limit, declared);
      sink = makeSink();
      await pipeline(res.body, meter, sink);
    } catch (err) {
      discard(res.body);
      sink?.destroy();
      if (err instanceof BodyTooLargeError) {
        throw new HttpError(
          `${ex.method} ${ex.safeUrl}: ${err.message} (HTTP_MAX_BODY_BYTES); not read further. ` +
            'Raise HTTP_MAX_BODY_BYTES if this file is expected to be this large.',
          ex.safeUrl,
          res.statusCode,
          false,
        );
      }
      // A connection lost mid-body is a truncation; a local failure (disk full) is not.
      if (declared !== undefined && meter.bytes < declared && isRetryableError(err)) {
        throw this.truncated(ex, res.statusCode, meter, declared, err);
      }
      throw err;
    }
    if (declared !== undefined && meter.bytes < declared) {
      throw this.truncated(ex, res.statusCode, meter, declared, undefined);
    }
    return meter;
  }

  private truncated(
    ex: Exchange,
    status: number,
    meter: BodyMeter,
    declared: number,
    cause: unknown,
  ): HttpError {
    return new HttpError(
      `${ex.method} ${ex.safeUrl}: truncated body, received ${meter.bytes} of ${declared} bytes (Content-Length)`,
      ex.safeUrl,
      status,
      true,
      cause === undefined ? undefined : { cause: this.safeCause(cause) },
    );
  }

  private async statusError(
    ex: Exchange,
    res: Dispatcher.ResponseData,
    headers: Record<string, string>,
  ): Promise<HttpError> {
    const status = res.statusCode;
    const snippet = scrub(await readSnippet(res.body), this.secrets);
    const seen = snippet ? ` Response starts: "${snippet}"` : '';
    if (isRetryableStatus(status)) {
      const retryAfterMs = parseRetryAfter(headers['retry-after'], Date.now());
      return new HttpError(
        `${ex.method} ${ex.safeUrl} answered ${status}.${seen}`,
        ex.safeUrl,
        status,
        true,
        {
          retryAfterMs,
        },
      );
    }
    const hint = this.opts.hints?.(ex.target, status);
    const advice = ADVICE[status] ?? 'the request was not accepted';
    const message =
      `${ex.method} ${ex.safeUrl} answered ${status}: ${advice}; not retried.` +
      (hint ? ` ${scrub(hint, this.secrets)}` : '') +
      seen;
    return new HttpError(message, ex.safeUrl, status, false);
  }

  private networkError(ex: Exchange, err: unknown): HttpError {
    const code = errorCode(err);
    const what = scrub(err instanceof Error ? err.message : String(err), this.secrets);
    return new HttpError(
      `${ex.method} ${ex.safeUrl} failed: ${what}${code ? ` (${code})` : ''}`,
      ex.safeUrl,
      undefined,
      isRetryableError(err),
      { cause: this.safeCause(err) },
    );
  }

  /** A stand-in for a low-level error whose message could carry a secret (undici errors can echo the URL). */
  private safeCause(err: unknown): Error {
    const message = scrub(err instanceof Error ? err.message : String(err), this.secrets);
    const out = new Error(message);
    out.name = err instanceof Error ? err.name : 'Error';
    const code = errorCode(err);
    if (code) Object.assign(out, { code });
    return out;
  }

  private reportAttempt(ex: Exchange, status: number | 'error', attempt: number, started: number): void {
    this.opts.onAttempt?.({
      url: ex.safeUrl,
      host: ex.target.host,
      status,
      attempt,
      ms: Math.round(performance.now() - started),
    });
  }
}

const ADVICE: Record<number, string> = {
  401: 'the credentials were not accepted (check the token / user id for this source)',
  403: 'access was refused (the server blocks this client or the credentials lack the licence; check the User-Agent contact and credentials)',
  404: 'not found (check the URL; the file may have moved or the release may not be published yet)',
  410: 'gone (the file was withdrawn; check the URL)',
};

/** "GET <url> answered 503…" → "answered 503…", so a wrapping message does not repeat the request line. */
function withoutPrefix(message: string, ex: Exchange): string {
  const prefix = `${ex.method} ${ex.safeUrl}`;
  return message.startsWith(prefix) ? message.slice(prefix.length).replace(/^[:\s]+/, '') : message;
}

function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

/** Drop an unread body: undici reports destroying one as an 'error' event, which must not go unhandled. */
function discard(body: Dispatcher.ResponseData['body']): void {
  body.on('error', () => {});
  body.destroy();
}

/** First few hundred bytes of an error body, whitespace collapsed, for the error message; the rest is discarded. */
async function readSnippet(body: Dispatcher.ResponseData['body'], max = 160): Promise<string> {
  const chunks: Buffer[] = [];
  let n = 0;
  try {
    for await (const chunk of body) {
      chunks.push(chunk as Buffer);
      n += (chunk as Buffer).length;
      if (n >= max * 4) break;
    }
  } catch {
    // An unreadable error body does not change the verdict on the status.
  } finally {
    discard(body);
  }
  const text = Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\s+/g, ' ')
    .replace(/[^\x20-\x7e]/g, '.')
    .trim();
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

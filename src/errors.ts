/**
 * Small error classes, in the style of BullMQ's UnrecoverableError / RateLimitError: the class says
 * how the caller (a retry loop, a queue, the CLI) must treat the failure.
 */

/** A failure that retrying cannot fix (bad input, 4xx other than 408/429, bad config). */
export class PermanentError extends Error {
  readonly permanent = true;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PermanentError';
  }
}

/** An HTTP response that was not what we asked for. `status` is undefined for network-level failures. */
export class HttpError extends Error {
  constructor(
    message: string,
    readonly url: string,
    readonly status: number | undefined,
    readonly retryable: boolean,
    options?: ErrorOptions & { retryAfterMs?: number | undefined },
  ) {
    super(message, options);
    this.name = 'HttpError';
    this.retryAfterMs = options?.retryAfterMs;
  }
  readonly retryAfterMs: number | undefined;
}

/** The upstream answered, but the body is not the file we expected (HTML error page, truncated body, …). */
export class UnexpectedContentError extends PermanentError {
  constructor(
    message: string,
    readonly url: string,
  ) {
    super(message);
    this.name = 'UnexpectedContentError';
  }
}

/** A file or response failed validation as a whole (missing column, too many rejected rows, …). */
export class ValidationError extends PermanentError {
  constructor(
    message: string,
    readonly source: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ValidationError';
  }
}

/** An upstream told us to slow down; the queue pauses instead of spending an attempt. */
export class UpstreamRateLimitError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message);
    this.name = 'UpstreamRateLimitError';
  }
}

/** Credentials or licence refused (401/403): stop the whole source for this run, once. */
export class AuthError extends PermanentError {
  constructor(
    message: string,
    readonly source: string,
  ) {
    super(message);
    this.name = 'AuthError';
  }
}

export function isPermanent(err: unknown): boolean {
  return err instanceof PermanentError || (err instanceof HttpError && !err.retryable);
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

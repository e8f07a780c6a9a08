/**
 * The CareerOneStop HTTP call: credentials in the path and the Bearer header, every attempt paced
 * by the shared limiter and counted, and the statuses sorted into what the caller must do.
 * 401/403 throw an AuthError, and a Retry-After longer than the in-process cap an
 * UpstreamRateLimitError, so the caller stops (or a queue pauses) the whole source once instead of
 * failing every occupation. Anything else that goes wrong is an EndpointFailure for that endpoint
 * alone, with a message already scrubbed of the credentials.
 */
import { AuthError, errorMessage, HttpError, UpstreamRateLimitError } from '../../errors.js';
import { DEFAULT_RETRY_AFTER_CAP_MS, type RateLimiter } from '../../http/retryPolicy.js';
import { scrub } from '../../log.js';
import { authHeaders, type CareerOneStopCredentials, type CareerOneStopRequest } from './client.js';
import type { CareerOneStopConfig, CareerOneStopDeps } from './occupationUnit.js';

/** A response we could not use; carries a message already safe to log and store. */
export class EndpointFailure extends Error {
  constructor(
    message: string,
    /** True when the upstream looked unreachable / overloaded, so the unit's other calls are skipped. */
    readonly transient: boolean,
  ) {
    super(message);
    this.name = 'EndpointFailure';
  }
}

/** What one unit's calls share: its deps, the credentials, and the count of attempts made. */
export interface Transport {
  deps: CareerOneStopDeps;
  credentials: CareerOneStopCredentials;
  /** Values scrubbed from every message that is logged or stored. */
  secrets: string[];
  /** HTTP attempts made so far, retries included. */
  requests: number;
}

export function transportFor(deps: CareerOneStopDeps): Transport {
  const credentials = credentialsOf(deps.config);
  return { deps, credentials, secrets: [credentials.userId, credentials.token], requests: 0 };
}

export function credentialsOf(config: CareerOneStopConfig): CareerOneStopCredentials {
  const userId = config.CAREERONESTOP_USER_ID;
  const token = config.CAREERONESTOP_TOKEN;
  if (!userId || !token) {
    throw new AuthError(
      'CareerOneStop credentials are not configured: set CAREERONESTOP_USER_ID and CAREERONESTOP_TOKEN',
      'careeronestop',
    );
  }
  return { userId, token };
}

export function authErrorFor(status: number): AuthError {
  const what =
    status === 401
      ? 'rejected the credentials (HTTP 401)'
      : 'refused access (HTTP 403: the key may lack the licence for this endpoint or have expired)';
  return new AuthError(
    `CareerOneStop ${what}; check CAREERONESTOP_TOKEN and CAREERONESTOP_USER_ID ` +
      '(keys expire after 36 months; newly issued keys may cover only v2 endpoints). ' +
      'The careeronestop source is stopped for this run.',
    'careeronestop',
  );
}

/**
 * One GET through the HTTP client's one attempt loop (http/retryPolicy.ts), with the shared limiter
 * pacing every attempt; 404 returned, 401/403 → AuthError, a Retry-After beyond the in-process cap
 * → UpstreamRateLimitError.
 */
export async function send(
  transport: Transport,
  req: CareerOneStopRequest,
): Promise<{ status: number; json: unknown }> {
  const { deps } = transport;
  const limiter: RateLimiter = {
    take: async (signal) => {
      await deps.limiter.take(signal);
      transport.requests += 1;
    },
    ...(deps.limiter.pause ? { pause: (ms: number) => deps.limiter.pause!(ms) } : {}),
  };
  try {
    const res = await deps.http.request(req.url, {
      headers: authHeaders(transport.credentials),
      acceptStatuses: [404],
      maxAttempts: Math.max(1, deps.config.HTTP_MAX_ATTEMPTS),
      limiter,
      signal: deps.signal,
      ...(deps.sleep ? { sleep: deps.sleep } : {}),
      ...(deps.random ? { random: deps.random } : {}),
    });
    if (res.status === 404) return { status: 404, json: null };
    return { status: res.status, json: parseJson(res.body, req) };
  } catch (err) {
    if (deps.signal?.aborted) throw deps.signal.reason ?? err;
    if (err instanceof EndpointFailure || err instanceof UpstreamRateLimitError) throw err;
    if (err instanceof HttpError && (err.status === 401 || err.status === 403))
      throw authErrorFor(err.status);
    const retryAfterMs = err instanceof HttpError ? err.retryAfterMs : undefined;
    if (retryAfterMs !== undefined && retryAfterMs > DEFAULT_RETRY_AFTER_CAP_MS) {
      // Too long to wait in-process: the run stops the source (a queue pauses instead).
      throw new UpstreamRateLimitError(
        `CareerOneStop asked to wait ${Math.round(retryAfterMs / 1000)} s (Retry-After), longer than the ` +
          `${DEFAULT_RETRY_AFTER_CAP_MS / 1000} s waited in-process; the careeronestop source is paused for this run.`,
        retryAfterMs,
      );
    }
    const transient = err instanceof HttpError && err.retryable;
    throw new EndpointFailure(scrub(errorMessage(err), transport.secrets), transient);
  }
}

function parseJson(body: Buffer, req: CareerOneStopRequest): unknown {
  const text = body.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    const start = text.slice(0, 60).replace(/\s+/g, ' ');
    throw new EndpointFailure(`${req.publicPath}: expected a JSON body, got "${start}"`, false);
  }
}

/** An `ErrorMessage` in a 200 body is an error (the API reports some failures that way). */
function bodyError(json: unknown): string | undefined {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return undefined;
  const m = (json as Record<string, unknown>).ErrorMessage;
  return typeof m === 'string' && m.trim() !== '' ? m.trim().slice(0, 300) : undefined;
}

/** A 200 body that is not a JSON object, or reports an `ErrorMessage`, fails the endpoint. */
export function checkBody(transport: Transport, json: unknown, label: string): void {
  const m = bodyError(json);
  if (m !== undefined)
    throw new EndpointFailure(`${label}: ErrorMessage "${scrub(m, transport.secrets)}"`, false);
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new EndpointFailure(`${label}: expected a JSON object`, false);
  }
}

/**
 * One independent unit of CareerOneStop work: everything for one occupation (details,
 * certifications, training per configured location). The input is plain serialisable data
 * ({ soc, force, runId }) so a queue can run it as a child job; everything with state comes in `deps`.
 *
 * Outcomes per endpoint: fresh (fetched now), reused (stored copy within CAREERONESTOP_MAX_AGE, no
 * request), stale (fetch failed, an older copy is kept), not_found (404 / empty answer: an ordinary,
 * recorded outcome), failed (fetch failed and nothing stored). 401/403 throw an AuthError, and a
 * Retry-After longer than the in-process cap an UpstreamRateLimitError, so the caller stops (or a
 * queue pauses) the whole source once instead of failing every occupation.
 */
import type { Config } from '../../config.js';
import { AuthError, errorMessage, HttpError, UpstreamRateLimitError } from '../../errors.js';
import type { HttpClient } from '../../http/httpClient.js';
import { DEFAULT_RETRY_AFTER_CAP_MS, type RateLimiter, type Sleep } from '../../http/retryPolicy.js';
import { type Logger, scrub } from '../../log.js';
import {
  authHeaders,
  type CareerOneStopCredentials,
  type CareerOneStopEndpoint,
  type CareerOneStopRequest,
  certificationsRequest,
  MAX_CERTIFICATIONS,
  occupationRequest,
  onetCodeFor,
  PAGE_SIZE,
  trainingRequest,
} from './client.js';
import { dropCoordinates } from './parse.js';
import type { ResponseStore, StoredResponse } from './responseStore.js';
import {
  CertificationResponseSchema,
  describeIssues,
  OccupationResponseSchema,
  TrainingResponseSchema,
} from './schemas.js';

export type CareerOneStopConfig = Pick<
  Config,
  | 'CAREERONESTOP_BASE_URL'
  | 'CAREERONESTOP_USER_ID'
  | 'CAREERONESTOP_TOKEN'
  | 'CAREERONESTOP_MAX_AGE'
  | 'TRAINING_LOCATIONS'
  | 'TRAINING_PROGRAMS_PER_LOCATION'
  | 'HTTP_MAX_ATTEMPTS'
  | 'HTTP_RETRY_BASE_DELAY'
  | 'HTTP_RETRY_MAX_DELAY'
>;

export interface CareerOneStopDeps {
  http: Pick<HttpClient, 'request'>;
  store: ResponseStore;
  limiter: RateLimiter;
  config: CareerOneStopConfig;
  log: Logger;
  now?: () => Date;
  /** Backoff sleeps (injectable so tests need not wait). */
  sleep?: Sleep;
  random?: () => number;
  /** Aborted when the run stops the source (e.g. another unit hit 401). */
  signal?: AbortSignal;
}

/** The serialisable unit of work (a BullMQ child job's data). */
export interface CareerOneStopUnit {
  soc: string;
  force?: boolean;
  runId?: string;
}

export type EndpointStatus = 'fresh' | 'reused' | 'stale' | 'not_found' | 'failed';

export interface EndpointOutcome {
  endpoint: CareerOneStopEndpoint;
  /** Training only. */
  location?: string;
  status: EndpointStatus;
  /** When the data now stored for this endpoint was fetched (null when nothing is stored). */
  fetchedAt: string | null;
  /** Why it is not fresh: the failure, the 404, … (never contains credentials). */
  reason?: string;
  /** HTTP attempts made, retries included. */
  requests: number;
}

export interface UnitOutcome {
  soc: string;
  runId?: string;
  endpoints: EndpointOutcome[];
  requests: number;
}

/** A response we could not use; carries a message already safe to log and store. */
class EndpointFailure extends Error {
  constructor(
    message: string,
    /** True when the upstream looked unreachable / overloaded, so the unit's other calls are skipped. */
    readonly transient: boolean,
  ) {
    super(message);
    this.name = 'EndpointFailure';
  }
}

interface Ctx {
  deps: CareerOneStopDeps;
  credentials: CareerOneStopCredentials;
  secrets: string[];
  requests: number;
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
async function send(ctx: Ctx, req: CareerOneStopRequest): Promise<{ status: number; json: unknown }> {
  const { deps } = ctx;
  const limiter: RateLimiter = {
    take: async (signal) => {
      await deps.limiter.take(signal);
      ctx.requests += 1;
    },
    ...(deps.limiter.pause ? { pause: (ms: number) => deps.limiter.pause!(ms) } : {}),
  };
  try {
    const res = await deps.http.request(req.url, {
      headers: authHeaders(ctx.credentials),
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
    throw new EndpointFailure(scrub(errorMessage(err), ctx.secrets), transient);
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

function checkBody(ctx: Ctx, json: unknown, label: string): void {
  const m = bodyError(json);
  if (m !== undefined) throw new EndpointFailure(`${label}: ErrorMessage "${scrub(m, ctx.secrets)}"`, false);
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new EndpointFailure(`${label}: expected a JSON object`, false);
  }
}

function sameParams(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && String(a[k]) === String(b[k]));
}

/** Within max age and fetched with the same request parameters. */
export function isCurrent(
  entry: StoredResponse | undefined,
  params: Record<string, string | number>,
  now: Date,
  maxAgeMs: number,
): entry is StoredResponse {
  if (!entry || !sameParams(entry.params, params)) return false;
  const age = now.getTime() - Date.parse(entry.fetchedAt);
  return Number.isFinite(age) && age >= 0 && age < maxAgeMs;
}

interface Fetched {
  status: 'ok' | 'not_found';
  body: unknown;
  requests: string[];
}

async function fetchOccupationDetails(ctx: Ctx, soc: string): Promise<Fetched> {
  const req = occupationRequest(ctx.deps.config.CAREERONESTOP_BASE_URL, ctx.credentials, soc);
  const label = `occupation ${onetCodeFor(soc)}`;
  const res = await send(ctx, req);
  if (res.status === 404) return { status: 'not_found', body: null, requests: [req.publicPath] };
  checkBody(ctx, res.json, label);
  const detail = (res.json as Record<string, unknown>).OccupationDetail;
  if (Array.isArray(detail) && detail.length === 0) {
    return { status: 'not_found', body: null, requests: [req.publicPath] };
  }
  const parsed = OccupationResponseSchema.safeParse(res.json);
  if (!parsed.success) {
    throw new EndpointFailure(
      `${label}: response does not match the contract: ${describeIssues(parsed.error)}`,
      false,
    );
  }
  return { status: 'ok', body: dropCoordinates(res.json), requests: [req.publicPath] };
}

/**
 * Page through a list endpoint with the path parameters until `want` items or RecordCount, whichever
 * comes first. The stored body is the first page with the list replaced by every item fetched.
 */
async function fetchList(
  ctx: Ctx,
  opts: {
    label: string;
    listField: 'CertList' | 'SchoolPrograms';
    schema: typeof CertificationResponseSchema | typeof TrainingResponseSchema;
    want: number;
    request: (start: number, limit: number) => CareerOneStopRequest;
  },
): Promise<Fetched> {
  const items: unknown[] = [];
  const paths: string[] = [];
  let first: Record<string, unknown> | undefined;
  let total = 0;
  for (let start = 0; ; ) {
    const limit = Math.max(1, Math.min(PAGE_SIZE, opts.want - items.length));
    const req = opts.request(start, limit);
    paths.push(req.publicPath);
    const res = await send(ctx, req);
    if (res.status === 404) {
      if (start === 0) return { status: 'not_found', body: null, requests: paths };
      throw new EndpointFailure(`${opts.label}: page at ${start} answered 404 after earlier pages`, false);
    }
    checkBody(ctx, res.json, opts.label);
    const parsed = opts.schema.safeParse(res.json);
    if (!parsed.success) {
      throw new EndpointFailure(
        `${opts.label}: response does not match the contract: ${describeIssues(parsed.error)}`,
        false,
      );
    }
    const page = res.json as Record<string, unknown>;
    first ??= page;
    total = parsed.data.RecordCount;
    const pageItems = Array.isArray(page[opts.listField]) ? (page[opts.listField] as unknown[]) : [];
    items.push(...pageItems);
    start += pageItems.length;
    if (pageItems.length === 0 || items.length >= total || items.length >= opts.want) break;
  }
  const body = { ...first, [opts.listField]: items.slice(0, opts.want), RecordCount: total };
  return { status: 'ok', body: dropCoordinates(body), requests: paths };
}

interface EndpointJob {
  endpoint: CareerOneStopEndpoint;
  location?: string;
  params: Record<string, string | number>;
  fetch: () => Promise<Fetched>;
}

function jobsFor(ctx: Ctx, soc: string): { details: EndpointJob; lists: EndpointJob[] } {
  const { config } = ctx.deps;
  const base = config.CAREERONESTOP_BASE_URL;
  const onetCode = onetCodeFor(soc);
  const details: EndpointJob = {
    endpoint: 'occupation',
    params: occupationRequest(base, ctx.credentials, soc).params,
    fetch: () => fetchOccupationDetails(ctx, soc),
  };
  const certs: EndpointJob = {
    endpoint: 'certifications',
    params: { keyword: onetCode, directFlag: 'D', pageSize: PAGE_SIZE, max: MAX_CERTIFICATIONS },
    fetch: () =>
      fetchList(ctx, {
        label: `certifications ${onetCode}`,
        listField: 'CertList',
        schema: CertificationResponseSchema,
        want: MAX_CERTIFICATIONS,
        request: (start, limit) => certificationsRequest(base, ctx.credentials, soc, start, limit),
      }),
  };
  const want = config.TRAINING_PROGRAMS_PER_LOCATION;
  const training = config.TRAINING_LOCATIONS.map(
    (location): EndpointJob => ({
      endpoint: 'training',
      location,
      params: { keyword: onetCode, location, pageSize: PAGE_SIZE, programs: want },
      fetch: () =>
        fetchList(ctx, {
          label: `training ${onetCode} ${location}`,
          listField: 'SchoolPrograms',
          schema: TrainingResponseSchema,
          want,
          request: (start, limit) => trainingRequest(base, ctx.credentials, soc, location, start, limit),
        }),
    }),
  );
  return { details, lists: [certs, ...training] };
}

async function runEndpoint(
  ctx: Ctx,
  soc: string,
  job: EndpointJob,
  force: boolean,
  now: () => Date,
): Promise<{ outcome: EndpointOutcome; transient: boolean }> {
  const { store, config, log } = ctx.deps;
  const stored = await store.get(job.endpoint, soc, job.location);
  const where = { endpoint: job.endpoint, ...(job.location ? { location: job.location } : {}) };
  if (!force && isCurrent(stored, job.params, now(), config.CAREERONESTOP_MAX_AGE)) {
    return {
      outcome: {
        ...where,
        status: stored.status === 'not_found' ? 'not_found' : 'reused',
        fetchedAt: stored.fetchedAt,
        requests: 0,
        ...(stored.status === 'not_found' ? { reason: notFoundReason(job, soc) } : {}),
      },
      transient: false,
    };
  }
  const before = ctx.requests;
  try {
    const got = await job.fetch();
    const fetchedAt = now().toISOString();
    await store.put({
      endpoint: job.endpoint,
      soc,
      ...(job.location ? { location: job.location } : {}),
      params: job.params,
      requests: got.requests,
      fetchedAt,
      status: got.status,
      body: got.body,
    });
    return {
      outcome: {
        ...where,
        status: got.status === 'ok' ? 'fresh' : 'not_found',
        fetchedAt,
        requests: ctx.requests - before,
        ...(got.status === 'not_found' ? { reason: notFoundReason(job, soc) } : {}),
      },
      transient: false,
    };
  } catch (err) {
    if (!(err instanceof EndpointFailure)) throw err;
    log.warn(
      { source: 'careeronestop', soc, ...where, kept: stored ? stored.fetchedAt : null },
      `CareerOneStop ${job.endpoint} for ${soc} failed: ${err.message}`,
    );
    return {
      outcome: {
        ...where,
        status: stored ? 'stale' : 'failed',
        fetchedAt: stored?.fetchedAt ?? null,
        reason: err.message,
        requests: ctx.requests - before,
      },
      transient: err.transient,
    };
  }
}

function notFoundReason(job: EndpointJob, soc: string): string {
  const what = job.endpoint === 'training' ? `training programs (${job.location})` : job.endpoint;
  return `CareerOneStop has no ${what} record for ${onetCodeFor(soc)} (404)`;
}

/** Outcome for an endpoint that was not attempted (skipped after an earlier failure or a 404). */
async function skipped(
  ctx: Ctx,
  soc: string,
  job: EndpointJob,
  status: 'not_found' | 'unattempted',
  reason: string,
  now: Date,
): Promise<EndpointOutcome> {
  const stored = await ctx.deps.store.get(job.endpoint, soc, job.location);
  const where = { endpoint: job.endpoint, ...(job.location ? { location: job.location } : {}) };
  if (status === 'not_found') return { ...where, status, fetchedAt: null, reason, requests: 0 };
  const current = isCurrent(stored, job.params, now, ctx.deps.config.CAREERONESTOP_MAX_AGE);
  return {
    ...where,
    status: current ? 'reused' : stored ? 'stale' : 'failed',
    fetchedAt: stored?.fetchedAt ?? null,
    ...(current ? {} : { reason }),
    requests: 0,
  };
}

export async function fetchCareerOneStopOccupation(
  deps: CareerOneStopDeps,
  unit: CareerOneStopUnit,
): Promise<UnitOutcome> {
  const now = deps.now ?? (() => new Date());
  const credentials = credentialsOf(deps.config);
  const ctx: Ctx = { deps, credentials, secrets: [credentials.userId, credentials.token], requests: 0 };
  onetCodeFor(unit.soc); // validates the SOC before any request
  const force = unit.force === true;
  const { details, lists } = jobsFor(ctx, unit.soc);

  const endpoints: EndpointOutcome[] = [];
  const first = await runEndpoint(ctx, unit.soc, details, force, now);
  endpoints.push(first.outcome);

  const occupationMissing = first.outcome.status === 'not_found';
  let transient = first.transient;
  let transientReason = first.outcome.reason;
  for (const job of lists) {
    if (occupationMissing) {
      // No O*NET record: the code-keyed searches would only repeat the 404.
      endpoints.push(
        await skipped(
          ctx,
          unit.soc,
          job,
          'not_found',
          `no CareerOneStop occupation record for ${unit.soc}`,
          now(),
        ),
      );
    } else if (transient) {
      endpoints.push(
        await skipped(ctx, unit.soc, job, 'unattempted', `not attempted after: ${transientReason}`, now()),
      );
    } else {
      const r = await runEndpoint(ctx, unit.soc, job, force, now);
      endpoints.push(r.outcome);
      if (r.transient) {
        transient = true;
        transientReason = r.outcome.reason;
      }
    }
  }
  deps.log.debug(
    {
      source: 'careeronestop',
      soc: unit.soc,
      runId: unit.runId,
      requests: ctx.requests,
      statuses: endpoints.map((e) => `${e.endpoint}${e.location ? `:${e.location}` : ''}=${e.status}`),
    },
    'CareerOneStop occupation done',
  );
  return { soc: unit.soc, ...(unit.runId ? { runId: unit.runId } : {}), endpoints, requests: ctx.requests };
}

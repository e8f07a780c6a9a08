/**
 * When a stored CareerOneStop response is good enough to use without a request: fetched within
 * CAREERONESTOP_MAX_AGE and with the same request parameters (a changed request is re-fetched).
 * Also what an endpoint reports when it is answered from the store, or not attempted at all.
 */
import type { EndpointJob } from './endpoints.js';
import type { EndpointOutcome } from './occupationUnit.js';
import type { StoredResponse } from './responseStore.js';

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

/** The endpoint (and location) an outcome is about. */
export function whereOf(job: EndpointJob): Pick<EndpointOutcome, 'endpoint' | 'location'> {
  return { endpoint: job.endpoint, ...(job.location ? { location: job.location } : {}) };
}

/** A current stored copy answers without a request: reused, or the 404 it recorded. */
export function reusedOutcome(job: EndpointJob, stored: StoredResponse): EndpointOutcome {
  return {
    ...whereOf(job),
    status: stored.status === 'not_found' ? 'not_found' : 'reused',
    fetchedAt: stored.fetchedAt,
    requests: 0,
    ...(stored.status === 'not_found' ? { reason: job.notFoundReason } : {}),
  };
}

/**
 * An endpoint that was not attempted (skipped after an earlier failure): reused when its stored
 * copy is current, stale when only an older one is stored, failed when there is none.
 */
export function unattemptedOutcome(
  job: EndpointJob,
  stored: StoredResponse | undefined,
  current: boolean,
  reason: string,
): EndpointOutcome {
  return {
    ...whereOf(job),
    status: current ? 'reused' : stored ? 'stale' : 'failed',
    fetchedAt: stored?.fetchedAt ?? null,
    ...(current ? {} : { reason }),
    requests: 0,
  };
}

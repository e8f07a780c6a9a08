/**
 * Runs one endpoint job of an occupation: answer from the stored copy when it is current, else
 * fetch and store; when the fetch fails, keep the older copy (stale) or record the failure.
 */
import type { EndpointJob } from './endpoints.js';
import { isCurrent, reusedOutcome, unattemptedOutcome, whereOf } from './freshness.js';
import type { EndpointOutcome } from './occupationUnit.js';
import { EndpointFailure, type Transport } from './transport.js';

export interface EndpointRun {
  outcome: EndpointOutcome;
  /** The upstream looked unreachable or overloaded: the unit's remaining endpoints are not tried. */
  transient: boolean;
}

export async function runEndpoint(
  transport: Transport,
  soc: string,
  job: EndpointJob,
  force: boolean,
  now: () => Date,
): Promise<EndpointRun> {
  const { store, config, log } = transport.deps;
  const stored = await store.get(job.endpoint, soc, job.location);
  const where = whereOf(job);
  if (!force && isCurrent(stored, job.params, now(), config.CAREERONESTOP_MAX_AGE)) {
    return { outcome: reusedOutcome(job, stored), transient: false };
  }
  const before = transport.requests;
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
        requests: transport.requests - before,
        ...(got.status === 'not_found' ? { reason: job.notFoundReason } : {}),
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
        requests: transport.requests - before,
      },
      transient: err.transient,
    };
  }
}

/**
 * Outcome for an endpoint that was not attempted: not_found after the occupation itself was
 * (nothing looked up), otherwise whatever the store still holds for it.
 */
export async function skipEndpoint(
  transport: Transport,
  soc: string,
  job: EndpointJob,
  status: 'not_found' | 'unattempted',
  reason: string,
  now: Date,
): Promise<EndpointOutcome> {
  const stored = await transport.deps.store.get(job.endpoint, soc, job.location);
  if (status === 'not_found') return { ...whereOf(job), status, fetchedAt: null, reason, requests: 0 };
  const current = isCurrent(stored, job.params, now, transport.deps.config.CAREERONESTOP_MAX_AGE);
  return unattemptedOutcome(job, stored, current, reason);
}

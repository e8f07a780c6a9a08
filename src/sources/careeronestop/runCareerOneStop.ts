/**
 * Embedded mode: run every occupation unit with a small concurrency and the shared limiter, stop the
 * whole source once on an AuthError or an over-long Retry-After (one log line, no further
 * requests), then turn what is stored
 * into per-occupation snapshot fields and the quality counts per endpoint.
 */
import type { Config } from '../../config.js';
import { AuthError, errorMessage, UpstreamRateLimitError } from '../../errors.js';
import { scrub } from '../../log.js';
import { CAREERONESTOP_ENDPOINTS, type CareerOneStopEndpoint } from './client.js';
import {
  type CareerOneStopDeps,
  type EndpointOutcome,
  type EndpointStatus,
  fetchCareerOneStopOccupation,
  type UnitOutcome,
} from './fetchOccupation.js';
import { TokenBucket } from './rateLimiter.js';
import { FileResponseStore } from './responseStore.js';
import {
  type CareerOneStopFields,
  careerOneStopFieldsWithReasons,
  loadStoredEntries,
} from './toRecordFields.js';

export interface CareerOneStopRunInput {
  socs: string[];
  force?: boolean;
  runId?: string;
  /** Units run at once (default CAREERONESTOP_CONCURRENCY, else 2). */
  concurrency?: number;
}

export type EndpointCounts = Record<EndpointStatus, number>;

export interface CareerOneStopQuality {
  occupations: number;
  /** fresh (fetched now) / reused (within max age) / stale (fetch failed, older data kept) / not_found / failed. */
  endpoints: Record<CareerOneStopEndpoint, EndpointCounts>;
  /** Record-level statuses (sourceStatus.careeronestop). */
  records: Record<'fresh' | 'stale' | 'not_found' | 'failed', number>;
  /** HTTP attempts made in this run, retries included. */
  requests: number;
  /** Set when the source was stopped for the run (credentials refused). */
  stopped?: string;
}

export interface CareerOneStopRunResult {
  fields: Record<string, CareerOneStopFields>;
  /** Per SOC: why a field or part is null (merge into the record's `missing`). */
  missing: Record<string, Record<string, string>>;
  outcomes: UnitOutcome[];
  quality: CareerOneStopQuality;
}

const emptyCounts = (): EndpointCounts => ({ fresh: 0, reused: 0, stale: 0, not_found: 0, failed: 0 });

export type CareerOneStopRunDeps = Omit<CareerOneStopDeps, 'store' | 'limiter' | 'config'> & {
  config: CareerOneStopDeps['config'] &
    Pick<Config, 'CACHE_DIR' | 'CAREERONESTOP_RPS'> &
    Partial<Pick<Config, 'CAREERONESTOP_CONCURRENCY'>>;
  /** Default: the file store under CACHE_DIR. */
  store?: CareerOneStopDeps['store'];
  /** Default: a token bucket at CAREERONESTOP_RPS shared by this run's units. */
  limiter?: CareerOneStopDeps['limiter'];
};

export async function runCareerOneStop(
  runDeps: CareerOneStopRunDeps,
  input: CareerOneStopRunInput,
): Promise<CareerOneStopRunResult> {
  const { config, log } = runDeps;
  const secretList = [config.CAREERONESTOP_USER_ID, config.CAREERONESTOP_TOKEN].filter((s): s is string => !!s);
  const store = runDeps.store ?? new FileResponseStore(config.CACHE_DIR, { secrets: secretList });
  const limiter = runDeps.limiter ?? new TokenBucket({ ratePerSecond: config.CAREERONESTOP_RPS });
  const deps: CareerOneStopDeps = { ...runDeps, store, limiter };
  const runId = input.runId ?? 'embedded';
  const now = deps.now ?? (() => new Date());
  const secrets = secretList;
  const controller = new AbortController();
  const onOuterAbort = () => controller.abort(deps.signal?.reason);
  deps.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const unitDeps: CareerOneStopDeps = { ...deps, signal: controller.signal };

  const outcomes = new Map<string, UnitOutcome>();
  const unitErrors = new Map<string, string>();
  let stopped: string | undefined;
  let next = 0;
  const concurrency = Math.max(1, input.concurrency ?? config.CAREERONESTOP_CONCURRENCY ?? 2);

  const worker = async () => {
    while (!controller.signal.aborted && next < input.socs.length) {
      const soc = input.socs[next++]!;
      try {
        outcomes.set(
          soc,
          await fetchCareerOneStopOccupation(unitDeps, {
            soc,
            force: input.force === true,
            runId: runId,
          }),
        );
      } catch (err) {
        if (err instanceof AuthError || err instanceof UpstreamRateLimitError) {
          if (stopped === undefined) {
            stopped = scrub(err.message, secrets);
            log.error({ source: 'careeronestop', runId: runId, soc }, stopped);
            controller.abort(err);
          }
        } else if (controller.signal.aborted) {
          // Cut short by the stop; accounted for below.
        } else {
          const message = scrub(errorMessage(err), secrets);
          unitErrors.set(soc, message);
          log.error(
            { source: 'careeronestop', runId: runId, soc },
            `CareerOneStop unit failed: ${message}`,
          );
        }
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, input.socs.length) }, worker));
  } finally {
    deps.signal?.removeEventListener('abort', onOuterAbort);
  }
  if (stopped === undefined && deps.signal?.aborted) stopped = 'the run was cancelled';

  const quality: CareerOneStopQuality = {
    occupations: input.socs.length,
    endpoints: Object.fromEntries(CAREERONESTOP_ENDPOINTS.map((e) => [e, emptyCounts()])) as Record<
      CareerOneStopEndpoint,
      EndpointCounts
    >,
    records: { fresh: 0, stale: 0, not_found: 0, failed: 0 },
    requests: 0,
    ...(stopped !== undefined ? { stopped } : {}),
  };
  const fields: Record<string, CareerOneStopFields> = {};
  const missing: Record<string, Record<string, string>> = {};
  const at = now();
  for (const soc of input.socs) {
    const entries = await loadStoredEntries(store, soc, config.TRAINING_LOCATIONS);
    const reason = unitErrors.get(soc) ?? stopped;
    const outcome = outcomes.get(soc) ?? {
      soc,
      endpoints: unattempted(entries, reason ?? 'not attempted', at, deps),
      requests: 0,
    };
    outcomes.set(soc, outcome);
    quality.requests += outcome.requests;
    for (const e of outcome.endpoints) quality.endpoints[e.endpoint][e.status] += 1;
    const r = careerOneStopFieldsWithReasons(entries, at, config.CAREERONESTOP_MAX_AGE, {
      endpoints: outcome.endpoints,
      ...(reason !== undefined ? { stoppedReason: reason } : {}),
    });
    quality.records[r.fields.sourceStatus.status as keyof CareerOneStopQuality['records']] += 1;
    fields[soc] = r.fields;
    missing[soc] = r.missing;
  }
  log.info(
    { source: 'careeronestop', runId: runId, ...quality },
    `CareerOneStop: ${input.socs.length} occupations, ${quality.requests} requests` +
      (stopped ? ' (source stopped)' : ''),
  );
  return { fields, missing, outcomes: input.socs.map((s) => outcomes.get(s)!), quality };
}

/** Outcomes for a unit that never ran (source stopped, or the unit crashed): judged from the store. */
function unattempted(
  entries: Awaited<ReturnType<typeof loadStoredEntries>>,
  reason: string,
  now: Date,
  deps: CareerOneStopDeps,
): EndpointOutcome[] {
  const maxAge = deps.config.CAREERONESTOP_MAX_AGE;
  const judge = (
    endpoint: CareerOneStopEndpoint,
    entry: (typeof entries)['occupation'],
    location?: string,
  ): EndpointOutcome => {
    const where = { endpoint, ...(location ? { location } : {}) };
    if (endpoint !== 'occupation' && entries.occupation?.status === 'not_found') {
      return { ...where, status: 'not_found', fetchedAt: null, requests: 0 };
    }
    if (!entry) return { ...where, status: 'failed', fetchedAt: null, reason, requests: 0 };
    if (entry.status === 'not_found')
      return { ...where, status: 'not_found', fetchedAt: entry.fetchedAt, requests: 0 };
    // Params are not compared here: any stored copy is better than none, and its age is reported.
    const age = now.getTime() - Date.parse(entry.fetchedAt);
    return age >= 0 && age < maxAge
      ? { ...where, status: 'reused', fetchedAt: entry.fetchedAt, requests: 0 }
      : { ...where, status: 'stale', fetchedAt: entry.fetchedAt, reason, requests: 0 };
  };
  const out = [judge('occupation', entries.occupation), judge('certifications', entries.certifications)];
  for (const [loc, entry] of Object.entries(entries.training)) out.push(judge('training', entry, loc));
  return out;
}

/**
 * After the units ran (in-process or as queue child jobs): the stored responses plus each unit's
 * outcome (or failure, or the run's stop reason) → per-occupation snapshot fields, the reasons for
 * null parts, and the quality counts per endpoint. One implementation for both modes.
 */
import type { Config } from '../../config.js';
import { CAREERONESTOP_ENDPOINTS, type CareerOneStopEndpoint } from './client.js';
import type { EndpointOutcome, EndpointStatus, UnitOutcome } from './occupationUnit.js';
import type { ResponseStore } from './responseStore.js';
import {
  type CareerOneStopFields,
  careerOneStopFieldsWithReasons,
  loadStoredEntries,
  type StoredEntries,
} from './toRecordFields.js';

export type EndpointCounts = Record<EndpointStatus, number>;

export interface CareerOneStopQuality {
  occupations: number;
  /** fresh (fetched now) / reused (within max age) / stale (fetch failed, older data kept) / not_found / failed. */
  endpoints: Record<CareerOneStopEndpoint, EndpointCounts>;
  /** Record-level statuses (sourceStatus.careeronestop). */
  records: Record<'fresh' | 'stale' | 'not_found' | 'failed', number>;
  /** HTTP attempts made in this run, retries included. */
  requests: number;
  /** Set when the source was stopped for the run (credentials refused, Retry-After too long). */
  stopped?: string;
}

export interface CareerOneStopRunResult {
  fields: Record<string, CareerOneStopFields>;
  /** Per SOC: why a field or part is null (merge into the record's `missing`). */
  missing: Record<string, Record<string, string>>;
  /** One per SOC, in input order (units that never completed are judged from the store). */
  outcomes: UnitOutcome[];
  quality: CareerOneStopQuality;
}

export interface CollectDeps {
  store: ResponseStore;
  config: Pick<Config, 'CAREERONESTOP_MAX_AGE' | 'TRAINING_LOCATIONS'>;
  now?: () => Date;
}

export interface CollectInput {
  socs: readonly string[];
  /** Outcomes of the units that completed. */
  outcomes: ReadonlyMap<string, UnitOutcome>;
  /** Units that failed for good (not via the run's stop), with the reason (already scrubbed). */
  failures?: ReadonlyMap<string, string>;
  /** Set when the source was stopped for the run. */
  stopped?: string | undefined;
}

const emptyCounts = (): EndpointCounts => ({ fresh: 0, reused: 0, stale: 0, not_found: 0, failed: 0 });

export async function collectCareerOneStop(
  deps: CollectDeps,
  input: CollectInput,
): Promise<CareerOneStopRunResult> {
  const { config, store } = deps;
  const at = (deps.now ?? (() => new Date()))();
  const quality: CareerOneStopQuality = {
    occupations: input.socs.length,
    endpoints: Object.fromEntries(CAREERONESTOP_ENDPOINTS.map((e) => [e, emptyCounts()])) as Record<
      CareerOneStopEndpoint,
      EndpointCounts
    >,
    records: { fresh: 0, stale: 0, not_found: 0, failed: 0 },
    requests: 0,
    ...(input.stopped !== undefined ? { stopped: input.stopped } : {}),
  };
  const fields: Record<string, CareerOneStopFields> = {};
  const missing: Record<string, Record<string, string>> = {};
  const outcomes: UnitOutcome[] = [];
  for (const soc of input.socs) {
    const entries = await loadStoredEntries(store, soc, config.TRAINING_LOCATIONS);
    const ran = input.outcomes.get(soc);
    const reason = ran
      ? undefined
      : (input.failures?.get(soc) ?? input.stopped ?? 'not attempted in this run');
    const outcome: UnitOutcome = ran ?? {
      soc,
      endpoints: unattempted(entries, reason!, at, config.CAREERONESTOP_MAX_AGE),
      requests: 0,
    };
    outcomes.push(outcome);
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
  return { fields, missing, outcomes, quality };
}

/** Outcomes for a unit that never completed (source stopped, unit crashed): judged from the store. */
function unattempted(entries: StoredEntries, reason: string, now: Date, maxAgeMs: number): EndpointOutcome[] {
  const judge = (
    endpoint: CareerOneStopEndpoint,
    entry: StoredEntries['occupation'],
    location?: string,
  ): EndpointOutcome => {
    const where = { endpoint, ...(location ? { location } : {}) };
    if (endpoint !== 'occupation' && entries.occupation?.status === 'not_found') {
      return { ...where, status: 'not_found', fetchedAt: null, requests: 0 };
    }
    if (!entry) return { ...where, status: 'failed', fetchedAt: null, reason, requests: 0 };
    if (entry.status === 'not_found')
      return { ...where, status: 'not_found', fetchedAt: entry.fetchedAt, requests: 0 };
    // Any stored copy beats none; its age decides reused vs stale.
    const age = now.getTime() - Date.parse(entry.fetchedAt);
    return age >= 0 && age < maxAgeMs
      ? { ...where, status: 'reused', fetchedAt: entry.fetchedAt, requests: 0 }
      : { ...where, status: 'stale', fetchedAt: entry.fetchedAt, reason, requests: 0 };
  };
  const out = [judge('occupation', entries.occupation), judge('certifications', entries.certifications)];
  for (const [loc, entry] of Object.entries(entries.training)) out.push(judge('training', entry, loc));
  return out;
}

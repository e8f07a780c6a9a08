/**
 * Pure: the stored CareerOneStop responses for one occupation (+ the clock and this run's outcome)
 * → the snapshot fields. Data older than CAREERONESTOP_MAX_AGE is still used, marked stale with its
 * age; a part with no usable data is null with the reason in `missing`. Education stays under
 * `educationProfile` (CareerOneStop's vocabulary), never merged with BLS EP's fields.
 */
import type { z } from 'zod';
import type { CareerOneStopFields as RecordCareerOneStopFields } from '../../model/buildRecords.js';
import type { OccupationRecord } from '../../model/occupation.js';
import type { CareerOneStopEndpoint } from './client.js';
import type { EndpointOutcome } from './occupationUnit.js';
import type { ResponseStore, StoredResponse } from './responseStore.js';
import {
  type CertificationItemSchema,
  CertificationResponseSchema,
  describeIssues,
  OccupationResponseSchema,
  type TrainingProgramItemSchema,
  TrainingResponseSchema,
} from './schemas.js';

export interface StoredEntries {
  soc: string;
  occupation: StoredResponse | undefined;
  certifications: StoredResponse | undefined;
  /** One per configured training location (undefined when nothing is stored). */
  training: Record<string, StoredResponse | undefined>;
}

/** What this run did for the occupation, used only to explain missing or stale parts. */
export interface RunOutcomeHint {
  endpoints?: EndpointOutcome[];
  /** Set when the source was stopped for the run (e.g. credentials refused). */
  stoppedReason?: string;
}

type Training = NonNullable<OccupationRecord['training']>;

/** The record's CareerOneStop part (model/buildRecords.ts); the reasons travel apart, in `missing`. */
export type CareerOneStopFields = Omit<RecordCareerOneStopFields, 'missing'>;

export interface CareerOneStopFieldsWithReasons {
  fields: CareerOneStopFields;
  /**
   * Why a field (or a part: `training.programs.US`, `training.certifications`) is null, for the
   * record's `missing` map. Kept apart from `fields` so merging the fields never replaces that map.
   */
  missing: Record<string, string>;
}

export async function loadStoredEntries(
  store: ResponseStore,
  soc: string,
  locations: readonly string[],
): Promise<StoredEntries> {
  const training: Record<string, StoredResponse | undefined> = {};
  for (const loc of locations) training[loc] = await store.get('training', soc, loc);
  return {
    soc,
    occupation: await store.get('occupation', soc),
    certifications: await store.get('certifications', soc),
    training,
  };
}

const OCCUPATION_FIELDS = [
  'alsoKnownAs',
  'relatedOccupations',
  'brightOutlook',
  'educationProfile',
  'video',
] as const;

/** The snapshot fields alone (see careerOneStopFieldsWithReasons for why parts are null). */
export function careerOneStopFields(
  entries: StoredEntries,
  now: Date,
  maxAgeMs: number,
  runOutcome?: RunOutcomeHint,
): CareerOneStopFields {
  return careerOneStopFieldsWithReasons(entries, now, maxAgeMs, runOutcome).fields;
}

export function careerOneStopFieldsWithReasons(
  entries: StoredEntries,
  now: Date,
  maxAgeMs: number,
  runOutcome?: RunOutcomeHint,
): CareerOneStopFieldsWithReasons {
  const { soc } = entries;
  const onet = `${soc}.00`;
  const missing: Record<string, string> = {};
  /** Parts with no usable data: `label: reason`. */
  const problems: string[] = [];
  const used: StoredResponse[] = [];

  const hint = (endpoint: CareerOneStopEndpoint, location?: string): string | undefined => {
    const o = runOutcome?.endpoints?.find((e) => e.endpoint === endpoint && e.location === location);
    return o?.status === 'failed' || o?.status === 'stale' ? o.reason : runOutcome?.stoppedReason;
  };
  const absent = (endpoint: CareerOneStopEndpoint, location?: string) =>
    hint(endpoint, location) ?? `no CareerOneStop ${endpoint} response stored for ${onet}`;

  const out: CareerOneStopFields = {
    alsoKnownAs: null,
    relatedOccupations: null,
    brightOutlook: null,
    educationProfile: null,
    training: null,
    video: null,
    sourceStatus: { status: 'fresh', fetchedAt: null },
  };

  // Occupation details.
  const occ = entries.occupation;
  if (occ?.status === 'not_found') {
    const reason = `CareerOneStop has no record for ${onet} (404)`;
    for (const f of OCCUPATION_FIELDS) missing[f] = reason;
    missing.training = reason;
    return {
      fields: { ...out, sourceStatus: { status: 'not_found', fetchedAt: occ.fetchedAt, reason } },
      missing,
    };
  }
  if (!occ) {
    const reason = absent('occupation');
    for (const f of OCCUPATION_FIELDS) missing[f] = reason;
    problems.push(`occupation: ${reason}`);
  } else {
    const parsed = OccupationResponseSchema.safeParse(occ.body);
    if (!parsed.success) {
      const reason = `stored occupation response for ${onet} no longer matches the contract: ${describeIssues(parsed.error)}`;
      for (const f of OCCUPATION_FIELDS) missing[f] = reason;
      problems.push(`occupation: ${reason}`);
    } else {
      used.push(occ);
      const d = parsed.data.OccupationDetail[0]!;
      out.alsoKnownAs = d.alternateTitles;
      out.relatedOccupations = d.related;
      out.brightOutlook = d.brightOutlook;
      out.video = d.videoUrl ? { url: d.videoUrl, source: 'careeronestop' } : null;
      if (!d.videoUrl) missing.video = `CareerOneStop has no career video for ${onet}`;
      if (d.education) {
        out.educationProfile = { source: 'careeronestop', ...d.education };
      } else {
        missing.educationProfile = `CareerOneStop gave no EducationTraining for ${onet}`;
      }
    }
  }

  // Certifications and training programs.
  const certs = listBlock(entries.certifications, parseCertifications, `certifications ${onet}`);
  const certifications = certs.ok ? certs.value : null;
  if (certs.ok) used.push(entries.certifications!);
  else {
    const reason = certs.reason ?? absent('certifications');
    missing['training.certifications'] = reason;
    if (!certs.notFound) problems.push(`certifications: ${reason}`);
  }

  const programs: Training['programs'] = {};
  for (const [loc, entry] of Object.entries(entries.training)) {
    const block = listBlock(entry, parsePrograms, `training ${onet} ${loc}`);
    programs[loc] = block.ok ? block.value : null;
    if (block.ok) used.push(entry!);
    else {
      const reason = block.reason ?? absent('training', loc);
      missing[`training.programs.${loc}`] = reason;
      if (!block.notFound) problems.push(`training ${loc}: ${reason}`);
    }
  }
  const anyProgram = Object.values(programs).some((p) => p !== null);
  if (certifications !== null || anyProgram) {
    out.training = { programs, certifications } as Training;
  } else {
    missing.training = 'no CareerOneStop certifications or training programs available';
  }

  // Status: failed (a part has no data) > stale (a part is older than max age) > fresh.
  const fetchedAt = oldest(used);
  const ages = used.map((e) => ageSeconds(e, now));
  const staleEntries = used.filter((e) => ageSeconds(e, now) * 1000 >= maxAgeMs);
  if (problems.length > 0) {
    out.sourceStatus = { status: 'failed', fetchedAt, reason: problems.join('; ') };
  } else if (staleEntries.length > 0) {
    const reasons = staleEntries.map(
      (e) =>
        hint(e.endpoint, e.location) ??
        `${e.endpoint}${e.location ? ` ${e.location}` : ''} not refreshed within CAREERONESTOP_MAX_AGE`,
    );
    out.sourceStatus = {
      status: 'stale',
      fetchedAt,
      ageSeconds: Math.max(...ages),
      reason: `reusing data fetched ${fetchedAt}: ${[...new Set(reasons)].join('; ')}`,
    };
  } else {
    out.sourceStatus = { status: 'fresh', fetchedAt };
  }
  return { fields: out, missing };
}

type ListResult<T> =
  | { ok: true; value: { count: number; items: T[] } }
  | { ok: false; notFound: boolean; reason: string | undefined };

type Parsed<T> = { ok: true; value: { count: number; items: T[] } } | { ok: false; error: z.ZodError };

function parseCertifications(body: unknown): Parsed<z.output<typeof CertificationItemSchema>> {
  const r = CertificationResponseSchema.safeParse(body);
  return r.success
    ? { ok: true, value: { count: r.data.RecordCount, items: r.data.CertList } }
    : { ok: false, error: r.error };
}

function parsePrograms(body: unknown): Parsed<z.output<typeof TrainingProgramItemSchema>> {
  const r = TrainingResponseSchema.safeParse(body);
  return r.success
    ? { ok: true, value: { count: r.data.RecordCount, items: r.data.SchoolPrograms } }
    : { ok: false, error: r.error };
}

function listBlock<T>(
  entry: StoredResponse | undefined,
  parse: (body: unknown) => Parsed<T>,
  label: string,
): ListResult<T> {
  if (!entry) return { ok: false, notFound: false, reason: undefined };
  if (entry.status === 'not_found') {
    return { ok: false, notFound: true, reason: `CareerOneStop has no ${label} record (404)` };
  }
  const parsed = parse(entry.body);
  if (!parsed.ok) {
    return {
      ok: false,
      notFound: false,
      reason: `stored ${label} response no longer matches the contract: ${describeIssues(parsed.error)}`,
    };
  }
  return parsed;
}

function ageSeconds(entry: StoredResponse, now: Date): number {
  return Math.max(0, Math.round((now.getTime() - Date.parse(entry.fetchedAt)) / 1000));
}

function oldest(entries: StoredResponse[]): string | null {
  let best: string | null = null;
  for (const e of entries)
    if (best === null || Date.parse(e.fetchedAt) < Date.parse(best)) best = e.fetchedAt;
  return best;
}

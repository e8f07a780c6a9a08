/**
 * The parts a record can carry, declared once. The coverage gate compares, per part, the share of
 * occupations carrying it with latest: a source that adds a part to the record adds one line here
 * and is gated without new gate code.
 */
import type { OccupationRecord } from '../model/occupation.js';

export interface CoveragePart {
  /** Name used in gate reports (`coverage` check, `part`). */
  name: string;
  /** True when the record carries the part. */
  has(record: OccupationRecord): boolean;
}

const present = (v: unknown): boolean =>
  v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0);

export const COVERAGE_PARTS: readonly CoveragePart[] = [
  { name: 'national wages', has: (r) => !!r.wages?.national },
  { name: 'state wages', has: (r) => Object.keys(r.wages?.states ?? {}).length > 0 },
  { name: 'projections', has: (r) => r.projections !== null },
  { name: 'resilience score', has: (r) => r.resilience?.score != null },
  { name: 'careeronestop training', has: (r) => r.training !== null },
  { name: 'category', has: (r) => present(r.category) },
  // O*NET
  { name: 'onet description', has: (r) => present(r.description) },
  { name: 'onet tasks', has: (r) => present(r.tasks) },
  { name: 'onet technology skills', has: (r) => present(r.technologySkills) },
  { name: 'onet job zone', has: (r) => present(r.jobZone) },
  { name: 'onet related occupations', has: (r) => present(r.onetRelatedOccupations) },
  { name: 'alternate titles', has: (r) => present(r.alternateTitles) },
  { name: 'careeronestop video', has: (r) => present(r.video) },
];

/** Which parts a record carries, in COVERAGE_PARTS order (one boolean each: what the gate keeps of latest). */
export function coverageOf(record: OccupationRecord): boolean[] {
  return COVERAGE_PARTS.map((p) => p.has(record));
}

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

/** A record as loose data: a part a later schema adds is read without the type knowing it. */
const field = (r: OccupationRecord, key: string): unknown => (r as unknown as Record<string, unknown>)[key];
const present = (v: unknown): boolean =>
  v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0);

export const COVERAGE_PARTS: readonly CoveragePart[] = [
  { name: 'national wages', has: (r) => !!r.wages?.national },
  { name: 'state wages', has: (r) => Object.keys(r.wages?.states ?? {}).length > 0 },
  { name: 'projections', has: (r) => r.projections !== null },
  { name: 'resilience score', has: (r) => r.resilience?.score != null },
  { name: 'careeronestop training', has: (r) => r.training !== null },
  // O*NET (#14): a part the record schema does not have yet is simply absent on both sides.
  { name: 'onet description', has: (r) => present(field(r, 'description')) },
  { name: 'onet tasks', has: (r) => present(field(r, 'tasks')) },
  { name: 'onet job zone', has: (r) => present(field(r, 'jobZone')) },
];

/** Which parts a record carries, in COVERAGE_PARTS order (one boolean each: what the gate keeps of latest). */
export function coverageOf(record: OccupationRecord): boolean[] {
  return COVERAGE_PARTS.map((p) => p.has(record));
}

/**
 * A record checked against the published occupation schema before it is kept: a bad record is a
 * clear error naming its SOC and field. The record itself is kept, not zod's parsed copy; a key the
 * schema does not know is refused rather than silently stripped, so what is published is what was
 * validated.
 */
import { ValidationError } from '../errors.js';
import { OccupationRecord } from './occupation.js';

export function validateRecord(r: unknown, index: number): OccupationRecord {
  const parsed = OccupationRecord.safeParse(r);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const soc = socOf(r, index);
    throw new ValidationError(
      `snapshot candidate: record ${soc}, field ${issue?.path.join('.') || '(record)'}: ${issue?.message}`,
      'snapshot',
      { soc, index, issues: parsed.error.issues.slice(0, 10) },
    );
  }
  const unknown = unknownKey(r, parsed.data);
  if (unknown !== null) {
    const soc = socOf(r, index);
    throw new ValidationError(
      `snapshot candidate: record ${soc}, field ${unknown}: not in the occupation schema`,
      'snapshot',
      { soc, index, field: unknown },
    );
  }
  return r as OccupationRecord;
}

export function duplicateSocError(soc: string): ValidationError {
  return new ValidationError(`snapshot candidate: SOC ${soc} appears more than once`, 'snapshot', { soc });
}

const socOf = (r: unknown, index: number): string =>
  typeof (r as { soc?: unknown })?.soc === 'string' ? (r as { soc: string }).soc : `#${index}`;

/**
 * The first key of `given` (with a value) that zod's parsed copy dropped, as a dotted path; else
 * null. One path stack, copied only for the answer: records hold ~500-key area maps, and a path
 * array per key was most of a publish's garbage.
 */
function unknownKey(given: unknown, parsed: unknown, path: (string | number)[] = []): string | null {
  if (Array.isArray(given) && Array.isArray(parsed)) {
    for (let i = 0; i < given.length; i++) {
      path.push(i);
      const found = unknownKey(given[i], parsed[i], path);
      path.pop();
      if (found !== null) return found;
    }
    return null;
  }
  if (given === null || typeof given !== 'object' || parsed === null || typeof parsed !== 'object')
    return null;
  const g = given as Record<string, unknown>;
  const p = parsed as Record<string, unknown>;
  for (const key of Object.keys(g)) {
    const value = g[key];
    if (value === undefined) continue;
    path.push(key);
    const found = Object.hasOwn(p, key) ? unknownKey(value, p[key], path) : path.join('.');
    path.pop();
    if (found !== null) return found;
  }
  return null;
}

/**
 * The order rule for the five wage percentiles (p10 … p90) of one side of an estimate, shared by
 * both OEWS readers: they never decrease, and none above a top-coded one is a plain number (a
 * percentile above one at the cap is at the cap too). Each reader words its own reject.
 */

/** What a percentile holds, as far as the rule cares. */
export type PercentileKind = 'value' | 'topCoded' | 'other';

export interface PercentileViolation {
  /** Position (0 = p10 … 4 = p90) of the plain number that breaks the rule. */
  at: number;
  /** `aboveTopCoded`: the first top-coded position below it; `decreasing`: the plain number before it. */
  against: number;
  kind: 'aboveTopCoded' | 'decreasing';
}

const PERCENTILES = 5;
const NONE: readonly PercentileViolation[] = Object.freeze([]);

/** Every plain percentile that breaks the rule, lowest first (each compared with the one before it). */
export function percentileViolations(
  kindAt: (at: number) => PercentileKind,
  valueAt: (at: number) => number,
): readonly PercentileViolation[] {
  let found: PercentileViolation[] | undefined;
  let previous = -1;
  let topCoded = -1;
  for (let at = 0; at < PERCENTILES; at++) {
    const kind = kindAt(at);
    if (kind === 'topCoded' && topCoded < 0) topCoded = at;
    if (kind !== 'value') continue;
    let violation: PercentileViolation | undefined;
    if (topCoded >= 0) violation = { at, against: topCoded, kind: 'aboveTopCoded' };
    else if (previous >= 0 && valueAt(at) < valueAt(previous)) {
      violation = { at, against: previous, kind: 'decreasing' };
    }
    if (violation) {
      found ??= [];
      found.push(violation);
    }
    previous = at;
  }
  return found ?? NONE;
}

/**
 * Applies a human-advantage rule definition to one occupation. Pure: code, title and job zone in;
 * the five ratings and the explanation a reader needs to see why (category, job zone or why it was
 * missing, the keyword rows that applied) out. Every fact about a rule version lives in its
 * definition, none here.
 */
import type { EpochRatings } from '../../model/occupation.js';
import type { EpochDimension, EpochRuleDefinition } from './types.js';

export interface RuleSubject {
  /** An O*NET-SOC code (`29-2072.00`), or a six-digit SOC (`13-1020`), read as `13-1020.00`. */
  code: string;
  /** The title the keywords are matched against; null matches no keyword row. */
  title: string | null;
  /** O*NET job zone 1–5; null when there is none (then `jobZoneMissingReason` says why). */
  jobZone: number | null;
  jobZoneMissingReason?: string;
}

export type CategoryStep = 'override' | 'redistribution' | 'minor-group' | 'major-group' | 'none';

export interface KeywordRowApplied {
  /** 1-based position of the row in the rule's keyword table. */
  row: number;
  matched: string[];
  changes: Partial<Record<EpochDimension, number>>;
}

export interface RuleRating {
  ratings: EpochRatings;
  version: string;
  /** The O*NET-SOC code the category was taken from. */
  code: string;
  category: string | null;
  categoryStep: CategoryStep;
  title: string | null;
  jobZone: number | null;
  jobZoneMissingReason?: string;
  jobZoneAdjustment: number;
  keywordRows: KeywordRowApplied[];
}

const ONET_CODE = /^\d{2}-\d{4}\.\d{2}$/;
const SOC = /^\d{2}-\d{4}$/;

/** `29-2072` → `29-2072.00`; an O*NET-SOC code is kept; anything else is refused. */
export function onetCodeOf(code: string): string {
  if (ONET_CODE.test(code)) return code;
  if (SOC.test(code)) return `${code}.00`;
  throw new RangeError(
    `epoch rule: expected an O*NET-SOC code NN-NNNN.NN or a SOC NN-NNNN, got ${JSON.stringify(code)}`,
  );
}

/** The career category of a code, and which step of the mapping gave it. */
export function careerCategory(
  def: EpochRuleDefinition,
  code: string,
): { category: string | null; step: CategoryStep } {
  const onet = onetCodeOf(code);
  const major = onet.slice(0, 2);
  const override = def.category.overrides.find((o) => o.onetCode === onet);
  if (override) return { category: override.category, step: 'override' };
  const redistribution = def.category.redistributions.find((r) => r.majorGroup === major);
  if (redistribution) {
    for (const [category, codes] of Object.entries(redistribution.table)) {
      if (codes.includes(onet)) return { category, step: 'redistribution' };
    }
    return { category: redistribution.fallback, step: 'redistribution' };
  }
  const split = def.category.minorGroupSplits.find((s) => s.majorGroup === major);
  if (split) return { category: split.byMinorGroup[onet.slice(0, 4)] ?? split.fallback, step: 'minor-group' };
  const byMajor = def.category.byMajorGroup[major];
  return byMajor ? { category: byMajor, step: 'major-group' } : { category: null, step: 'none' };
}

/** The job-zone change to the adjusted dimensions: floor((zone − pivot) × factor). */
export function jobZoneAdjustment(def: EpochRuleDefinition, zone: number): number {
  const { min, max, pivot, factor } = def.jobZone;
  if (!Number.isInteger(zone) || zone < min || zone > max) {
    throw new RangeError(`epoch rule ${def.version}: job zone must be an integer ${min}–${max}, got ${zone}`);
  }
  return Math.floor((zone - pivot) * factor) + 0;
}

export function rateByRule(def: EpochRuleDefinition, subject: RuleSubject): RuleRating {
  const code = onetCodeOf(subject.code);
  const { category, step } = careerCategory(def, code);
  const row = def.defaults[category ?? def.noCategory];
  // Unreachable for a registered definition (every category has defaults).
  if (!row) throw new Error(`epoch rule ${def.version}: no defaults for ${category ?? def.noCategory}`);
  const ratings = Object.fromEntries(def.dimensionOrder.map((d, i) => [d, row[i]])) as EpochRatings;
  const { min, max } = def.ratingScale;
  const change = (dimension: EpochDimension, by: number) => {
    ratings[dimension] = Math.min(max, Math.max(min, ratings[dimension] + by));
  };

  let adjustment = 0;
  if (subject.jobZone !== null) {
    adjustment = jobZoneAdjustment(def, subject.jobZone);
    if (adjustment !== 0) for (const d of def.jobZone.dimensions) change(d, adjustment);
  }

  const keywordRows: KeywordRowApplied[] = [];
  const title = subject.title?.toLowerCase() ?? '';
  def.keywordRows.forEach((kw, i) => {
    const matched = kw.keywords.filter((k) => title.includes(k));
    if (matched.length === 0) return;
    for (const [dimension, by] of Object.entries(kw.changes)) change(dimension as EpochDimension, by);
    keywordRows.push({ row: i + 1, matched, changes: { ...kw.changes } });
  });

  return {
    ratings,
    version: def.version,
    code,
    category,
    categoryStep: step,
    title: subject.title,
    jobZone: subject.jobZone,
    ...(subject.jobZone === null
      ? { jobZoneMissingReason: subject.jobZoneMissingReason ?? 'no job zone given' }
      : {}),
    jobZoneAdjustment: adjustment,
    keywordRows,
  };
}

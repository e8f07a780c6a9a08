/**
 * What the rule is applied to for one six-digit SOC, from the O*NET source's per-SOC summary.
 *
 * A SOC with an O*NET `.00` code is rated as that code: its O*NET title and job zone. A SOC with
 * only detailed O*NET codes (OEWS/EP aggregates such as 13-1020 or 51-2090, whose O*NET codes are
 * 13-1021.00 … 13-1023.00) follows the rule's `socWithoutBaseCode` (epoch-rule-1: category from the
 * SOC itself, job zone as the median of its O*NET codes' zones rounded half up, keywords on the SOC
 * title of the record — O*NET has no title for the aggregate). The record says which was used.
 */
import type { RuleSubject } from './engine.js';

/** The O*NET source's per-SOC facts the rule needs (the contract of the onet source). */
export interface OnetSocSummary {
  soc: string;
  onetCodes: string[];
  combination: 'exact' | 'children-union';
  title: string | null;
  jobZone: number | null;
  jobZoneMissingReason?: string;
}

export type RuleBasis = 'onet-base-code' | 'soc-without-base-code';

export interface RuleSubjectForSoc {
  subject: RuleSubject;
  basis: RuleBasis;
  onetCodes: string[];
  titleSource: 'onet' | 'soc';
}

/** Median of whole-number zones, a tie between two middle zones rounded up (2 and 3 → 3). */
export function roundedMedian(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  const median = Number.isInteger(mid)
    ? ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2
    : (sorted[Math.floor(mid)] ?? 0);
  return Math.floor(median + 0.5);
}

export function ruleSubjectForSoc(soc: string, socTitle: string, summary: OnetSocSummary): RuleSubjectForSoc {
  const zone = summary.jobZone === null ? null : Math.floor(summary.jobZone + 0.5);
  const missing =
    zone === null
      ? { jobZoneMissingReason: summary.jobZoneMissingReason ?? `no O*NET job zone for ${soc}` }
      : {};
  if (summary.combination === 'exact') {
    const code = summary.onetCodes.find((c) => c.endsWith('.00')) ?? `${soc}.00`;
    return {
      subject: { code, title: summary.title ?? socTitle, jobZone: zone, ...missing },
      basis: 'onet-base-code',
      onetCodes: [code],
      titleSource: summary.title === null ? 'soc' : 'onet',
    };
  }
  return {
    subject: { code: soc, title: socTitle, jobZone: zone, ...missing },
    basis: 'soc-without-base-code',
    onetCodes: [...summary.onetCodes],
    titleSource: 'soc',
  };
}

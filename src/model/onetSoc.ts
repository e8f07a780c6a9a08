/**
 * From O*NET's 8-digit codes to our 6-digit SOCs (the rule is documented on `OnetCombination`):
 * the `.00` code when O*NET publishes data for it, else the union of its detailed children that
 * have data. Pure.
 */
import type {
  OnetCombination,
  OnetOccupation,
  OnetReadResult,
  OnetSocSummary,
} from '../readers/onet/onetTypes.js';

export interface OnetSocGroup {
  soc: string;
  combination: OnetCombination;
  /** The `.00` occupation, when O*NET lists one (its title names the SOC even without data). */
  base: OnetOccupation | undefined;
  /** The occupations whose data is used, sorted by code. */
  used: OnetOccupation[];
}

export function socOfOnetCode(code: string): string {
  return code.slice(0, 7);
}

/** Median of the zones, a half rounded up ([3, 4] → 4); null for none. */
export function medianJobZone(zones: number[]): number | null {
  if (zones.length === 0) return null;
  const sorted = [...zones].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  const median = sorted.length % 2 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return Math.round(median);
}

export function onetSocGroups(data: OnetReadResult): Map<string, OnetSocGroup> {
  const bySoc = new Map<string, OnetOccupation[]>();
  for (const occ of data.occupations.values()) {
    const soc = socOfOnetCode(occ.code);
    const list = bySoc.get(soc) ?? [];
    list.push(occ);
    bySoc.set(soc, list);
  }
  const out = new Map<string, OnetSocGroup>();
  for (const soc of [...bySoc.keys()].sort()) {
    const all = bySoc.get(soc)!.sort((a, b) => a.code.localeCompare(b.code));
    const base = all.find((o) => o.code === `${soc}.00`);
    const children = all.filter((o) => o !== base && o.jobZone !== null);
    if ((base && base.jobZone !== null) || children.length === 0) {
      out.set(soc, { soc, combination: 'exact', base, used: base ? [base] : all.slice(0, 1) });
    } else {
      out.set(soc, { soc, combination: 'children-union', base, used: children });
    }
  }
  return out;
}

export function summarizeOnetGroup(group: OnetSocGroup): OnetSocSummary {
  const zones = group.used.map((o) => o.jobZone).filter((z): z is number => z !== null);
  const jobZone = group.combination === 'exact' ? (group.used[0]?.jobZone ?? null) : medianJobZone(zones);
  const summary: OnetSocSummary = {
    soc: group.soc,
    onetCodes: group.used.map((o) => o.code),
    combination: group.combination,
    title: group.base?.title ?? null,
    jobZone,
  };
  if (jobZone === null) {
    summary.jobZoneMissingReason = `O*NET publishes no job zone for ${summary.onetCodes.join(', ')}`;
  }
  return summary;
}

/** One summary per 6-digit SOC that O*NET lists. */
export function onetSocSummaries(data: OnetReadResult): Map<string, OnetSocSummary> {
  return new Map([...onetSocGroups(data)].map(([soc, g]) => [soc, summarizeOnetGroup(g)]));
}

/**
 * The O*NET parts of one record, from the SOC's O*NET group (onetSoc.ts): lists are the union of
 * the codes used, each item keeping its O*NET code; alternate titles are merged with CareerOneStop's.
 * Pure.
 */
import type { OnetReadResult } from '../readers/onet/onetTypes.js';
import type { OccupationRecord } from './occupation.js';
import { type OnetSocGroup, socOfOnetCode, summarizeOnetGroup } from './onetSoc.js';

export type OnetParts = Required<
  Pick<
    OccupationRecord,
    'onet' | 'description' | 'tasks' | 'technologySkills' | 'jobZone' | 'onetRelatedOccupations'
  >
>;
/** The record fields O*NET fills (alternateTitles also takes CareerOneStop's). */
export const ONET_PARTS = [
  'onet',
  'description',
  'tasks',
  'technologySkills',
  'jobZone',
  'onetRelatedOccupations',
] as const satisfies readonly (keyof OnetParts)[];

type TitleSource = 'onet' | 'onet-reported' | 'careeronestop';
const SOURCE_ORDER: TitleSource[] = ['onet', 'onet-reported', 'careeronestop'];

/**
 * Titles from every source, de-duplicated case-insensitively (after trimming and collapsing
 * spaces); the first spelling seen wins (O*NET's before CareerOneStop's); sorted by title.
 */
export function mergeAlternateTitles(
  lists: Array<{ source: TitleSource; titles: readonly string[] }>,
): NonNullable<OccupationRecord['alternateTitles']> {
  const byKey = new Map<string, { title: string; sources: Set<TitleSource> }>();
  for (const { source, titles } of lists) {
    for (const raw of titles) {
      const title = raw.trim().replace(/\s+/g, ' ');
      if (title === '') continue;
      const key = title.toLowerCase();
      const entry = byKey.get(key) ?? { title, sources: new Set<TitleSource>() };
      entry.sources.add(source);
      byKey.set(key, entry);
    }
  }
  return [...byKey.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, e]) => ({
      title: e.title,
      sources: sharedSources(SOURCE_ORDER.filter((s) => e.sources.has(s))),
    }));
}

/** One array per combination of sources (seven at most) instead of one per title of every record. */
const SOURCE_SETS = new Map<string, TitleSource[]>();
function sharedSources(list: TitleSource[]): TitleSource[] {
  const key = list.join(',');
  const known = SOURCE_SETS.get(key);
  if (known) return known;
  SOURCE_SETS.set(key, list);
  return list;
}

export function onetParts(
  group: OnetSocGroup,
  data: OnetReadResult,
): { parts: OnetParts; missing: Record<string, string> } {
  const summary = summarizeOnetGroup(group);
  const missing: Record<string, string> = {};
  const codes = summary.onetCodes.join(', ');
  const description =
    group.combination === 'exact' ? group.used[0]!.description : (group.base?.description ?? null);
  const tasks = group.used.flatMap((o) =>
    o.tasks.map((t) => ({ taskId: t.id, statement: t.statement, type: t.type, onetCode: o.code })),
  );
  const technologySkills = group.used
    .flatMap((o) =>
      o.technologySkills.map((t) => ({
        category: t.commodityTitle,
        commodityCode: t.commodityCode,
        example: t.example,
        hot: t.hot,
        inDemand: t.inDemand,
        onetCode: o.code,
      })),
    )
    .sort((a, b) => cmp(a.category, b.category) || cmp(a.example, b.example) || cmp(a.onetCode, b.onetCode));
  const reference = summary.jobZone === null ? undefined : data.jobZones.get(summary.jobZone);
  let jobZone: OnetParts['jobZone'] = null;
  if (summary.jobZone === null)
    missing.jobZone = summary.jobZoneMissingReason ?? `no O*NET job zone for ${codes}`;
  else if (!reference) missing.jobZone = `O*NET Job Zone Reference has no zone ${summary.jobZone}`;
  else {
    jobZone = {
      zone: reference.zone,
      name: reference.name,
      education: reference.education,
      experience: reference.experience,
      training: reference.training,
      combination: summary.combination,
      onetCodes: summary.onetCodes,
    };
  }
  const related = group.used.flatMap((o) =>
    o.related.map((r) => ({
      soc: socOfOnetCode(r.code),
      onetCode: r.code,
      title: data.occupations.get(r.code)?.title ?? r.code,
      tier: r.tier,
      index: r.index,
      fromOnetCode: o.code,
    })),
  );
  if (description === null) missing.description = `O*NET gives no description for ${group.soc}`;
  if (tasks.length === 0) missing.tasks = `O*NET lists no task statements for ${codes}`;
  if (technologySkills.length === 0)
    missing.technologySkills = `O*NET lists no technology skills for ${codes}`;
  if (related.length === 0)
    missing.onetRelatedOccupations = `O*NET lists no related occupations for ${codes}`;
  return {
    parts: {
      onet: {
        release: data.release,
        onetCodes: summary.onetCodes,
        combination: summary.combination,
        title: summary.title,
      },
      description,
      tasks: tasks.length ? tasks : null,
      technologySkills: technologySkills.length ? technologySkills : null,
      jobZone,
      onetRelatedOccupations: related.length ? { source: 'onet', items: related } : null,
    },
    missing,
  };
}

/** Every O*NET part null, each with `reason` in `missing`. */
export function noOnetParts(reason: string): { parts: OnetParts; missing: Record<string, string> } {
  const parts: OnetParts = {
    onet: null,
    description: null,
    tasks: null,
    technologySkills: null,
    jobZone: null,
    onetRelatedOccupations: null,
  };
  return { parts, missing: Object.fromEntries(ONET_PARTS.map((p) => [p, reason])) };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * What the rule is applied to for one six-digit SOC, from the O*NET source's per-SOC summaries
 * (src/model/onetSoc.ts).
 *
 * - `base-code`: the SOC's `.00` O*NET code has data: its O*NET title and job zone.
 * - `children`: the `.00` code has no data (O*NET's "All Other" titles, e.g. 15-1299.00): the rule's
 *   `socWithoutBaseCode` applies (epoch-rule-1: category from the SOC, job zone the median of the
 *   children's zones rounded half up, as the O*NET source combines them; title of the `.00` code when
 *   O*NET lists it, else the SOC title).
 * - `broad-group`: the SOC is an OEWS/EP broad-group aggregate that O*NET does not list (13-1020,
 *   29-2010, 51-2090: codes ending in 0), so its detailed SOCs' summaries (13-1021 … 13-1023) are
 *   combined the same way, with the SOC title. Other aggregates (21-1018, 25-2052, …) are not
 *   guessed: they have no O*NET data, and the reason says so.
 */
import { medianJobZone } from '../../model/onetSoc.js';
import type { OnetSocSummary } from '../../readers/onet/onetTypes.js';
import type { RuleSubject } from './engine.js';

export type RuleBasis = 'base-code' | 'children' | 'broad-group';

export interface RuleSubjectForSoc {
  subject: RuleSubject;
  basis: RuleBasis;
  /** The O*NET codes whose job zone (and, for `base-code`, title) were used. */
  onetCodes: string[];
  titleSource: 'onet' | 'soc';
}

const BROAD_GROUP = /^\d{2}-\d{3}0$/;

export function ruleSubjectForSoc(
  soc: string,
  socTitle: string,
  summaries: ReadonlyMap<string, OnetSocSummary>,
): RuleSubjectForSoc | null {
  const summary = summaries.get(soc);
  if (summary) {
    const zone = summary.jobZone;
    const missing =
      zone === null
        ? { jobZoneMissingReason: summary.jobZoneMissingReason ?? `O*NET publishes no job zone for ${soc}` }
        : {};
    const title = summary.title ?? socTitle;
    const titleSource = summary.title === null ? 'soc' : 'onet';
    if (summary.combination === 'exact') {
      const code = summary.onetCodes[0] ?? `${soc}.00`;
      return {
        subject: { code, title, jobZone: zone, ...missing },
        basis: 'base-code',
        onetCodes: [...summary.onetCodes],
        titleSource,
      };
    }
    return {
      subject: { code: soc, title, jobZone: zone, ...missing },
      basis: 'children',
      onetCodes: [...summary.onetCodes],
      titleSource,
    };
  }
  if (!BROAD_GROUP.test(soc)) return null;
  const prefix = soc.slice(0, 6);
  const children = [...summaries.values()].filter((s) => s.soc.startsWith(prefix) && s.soc !== soc);
  if (children.length === 0) return null;
  const onetCodes = children.flatMap((c) => c.onetCodes).sort();
  const zone = medianJobZone(children.flatMap((c) => (c.jobZone === null ? [] : [c.jobZone])));
  return {
    subject: {
      code: soc,
      title: socTitle,
      jobZone: zone,
      ...(zone === null
        ? { jobZoneMissingReason: `O*NET publishes no job zone for ${onetCodes.join(', ')}` }
        : {}),
    },
    basis: 'broad-group',
    onetCodes,
    titleSource: 'soc',
  };
}

/**
 * The O*NET source's data: what the reader hands over (parsed, validated rows of the nine files
 * the snapshot uses, keyed by 8-digit O*NET-SOC code) and the per-SOC summary other parts of the
 * build use (the human-advantage rule needs the job zone). Plain objects and Maps only, so the
 * read stage's hand-over file (src/queue/handOver/readHandOver.ts) carries it between workers unchanged.
 *
 * Where it sits: `SourceBundle.onet` (src/pipeline/stages.ts) and `BuildInput.onet`
 * (src/model/buildRecords.ts) — null/absent when the `onet` source is not part of the run.
 * `onetSocSummaries(bundle.onet)` (src/model/onetSoc.ts) is the pure function from it to
 * one `OnetSocSummary` per 6-digit SOC.
 */

/** `29-2072.00`: six-digit SOC, a dot, two digits (`.00` = the SOC itself). */
export const ONET_CODE_PATTERN = /^\d{2}-\d{4}\.\d{2}$/;

export interface OnetAlternateTitle {
  title: string;
  shortTitle: string | null;
  /** O*NET's source codes of the title (`08`, `10`, …), as published. */
  sources: string[];
}

export interface OnetReportedTitle {
  title: string;
  shownInMyNextMove: boolean;
}

export interface OnetTechnologySkill {
  example: string;
  commodityCode: string;
  /** UNSPSC commodity title: the category shown on the careers page ("Medical software"). */
  commodityTitle: string;
  hot: boolean;
  /** null when the release has no "In Demand" column (older releases). */
  inDemand: boolean | null;
}

export interface OnetTask {
  id: string;
  statement: string;
  /** null when O*NET gives no type (tasks not rated by incumbents). */
  type: 'Core' | 'Supplemental' | null;
}

export interface OnetRelated {
  code: string;
  tier: string;
  index: number;
}

/** One O*NET-SOC occupation (8-digit code) with everything read for it. */
export interface OnetOccupation {
  code: string;
  title: string;
  description: string;
  /** null when O*NET publishes no job zone for the code (not a data-level occupation). */
  jobZone: number | null;
  alternateTitles: OnetAlternateTitle[];
  reportedTitles: OnetReportedTitle[];
  technologySkills: OnetTechnologySkill[];
  tasks: OnetTask[];
  related: OnetRelated[];
}

/** `Job Zone Reference.txt`: what each zone means. */
export interface OnetJobZoneReference {
  zone: number;
  name: string;
  experience: string;
  education: string;
  training: string;
  examples: string;
  svpRange: string;
}

export interface OnetReadResult {
  /** "29.2", from `Read Me.txt`. */
  release: string;
  /** "February 2025", from `Read Me.txt`. */
  releaseDate: string;
  /** By 8-digit code, sorted; only codes listed in `Occupation Data.txt`. */
  occupations: Map<string, OnetOccupation>;
  /** By zone number (1–5). */
  jobZones: Map<number, OnetJobZoneReference>;
}

/**
 * How the O*NET codes of one 6-digit SOC became its data:
 * - `exact`: the `.00` code, which O*NET publishes data for (it has a job zone), or which is the
 *   only code of the SOC;
 * - `children-union`: the `.00` code has no data (O*NET's "All Other" and similar titles, e.g.
 *   15-1299.00), so the detailed codes that have data (`.01`…) are combined: lists are their union,
 *   each item keeping its O*NET code; the job zone is the median of the children's zones, a half
 *   rounded up (e.g. [3, 4] → 4).
 */
export type OnetCombination = 'exact' | 'children-union';

export interface OnetSocSummary {
  soc: string;
  /** The codes whose data was used, sorted (one for `exact`). */
  onetCodes: string[];
  combination: OnetCombination;
  /** Title of the `.00` code; null when O*NET lists no `.00` code for the SOC. */
  title: string | null;
  jobZone: number | null;
  /** Why `jobZone` is null. */
  jobZoneMissingReason?: string;
}

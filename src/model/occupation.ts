/**
 * The published occupation record: the contract with downstream services. JSON Schemas for
 * consumers are generated from these zod schemas, so a change here is a schema change
 * (bump SNAPSHOT_SCHEMA_VERSION: major when a consumer could break).
 */
import { z } from 'zod';

export const SNAPSHOT_SCHEMA_VERSION = '1.2.0';

export const SOC_PATTERN = /^\d{2}-\d{4}$/;
export const Soc = z.string().regex(SOC_PATTERN, 'expected a SOC code NN-NNNN');

/** Dollars: never negative (a negative figure is a parse error upstream, not a wage). */
const money = z.number().nonnegative().nullable();
const count = z.number().int().nonnegative();
const percent = z.number().min(0).max(100);
/** Labels a record may carry; methodology definitions must use these (test/model/recordSchema.test.ts). */
export const PROGRESSION_LEVEL_NAMES = [
  'Entry',
  'Early Career',
  'Mid-Career',
  'Experienced',
  'Expert',
] as const;
export const EXPOSURE_LABELS = ['Low', 'Medium', 'High'] as const;
export const GROWTH_LABELS = ['Declining', 'Stable', 'Growing'] as const;
export const HUMAN_ADVANTAGE_LABELS = ['Weak', 'Moderate', 'Strong'] as const;
export const CLASSIFICATIONS = [
  'AI-Resilient',
  'AI-Augmented',
  'In Transition',
  'High Disruption Risk',
] as const;
export const WageFigures = z.object({
  p10: money,
  p25: money,
  median: money,
  p75: money,
  p90: money,
  mean: money,
});
export type WageFigures = z.infer<typeof WageFigures>;
export const PERCENTILE_KEYS = ['p10', 'p25', 'median', 'p75', 'p90'] as const;
export const WAGE_KEYS = [...PERCENTILE_KEYS, 'mean'] as const;
export type WageKey = (typeof WAGE_KEYS)[number];

/** `employment`, `annual.median`, `hourly.p90`, …: how suppressed figures are named. */
export type FigureField = 'employment' | `annual.${WageKey}` | `hourly.${WageKey}`;

export const WageBlock = z.object({
  employment: count.nullable(),
  annual: WageFigures,
  hourly: WageFigures,
  /** Figures BLS gave as `#` (at or above the top code): null here, never the cap as a number. */
  topCoded: z.array(z.string()),
  /** Figures BLS gave as `*`, `**` or `-` with footnote 8 (estimate not available / not released). */
  notAvailable: z.array(z.string()),
  /**
   * Figures whose upstream row failed validation (the run's rejects say which row and why): null
   * here. Present only when there are some (added in schema 1.1.0).
   */
  rejected: z.array(z.string()).optional(),
});
export type WageBlock = z.infer<typeof WageBlock>;

export const AreaWageBlock = WageBlock.extend({
  name: z.string(),
  type: z.enum(['metro', 'nonmetro']),
});
export type AreaWageBlock = z.infer<typeof AreaWageBlock>;

export const Wages = z.object({
  /** e.g. "May 2024". */
  release: z.string(),
  /** The top code of this release, for reading `topCoded`: `{ annual: 239200, hourly: 115 }`. */
  topCode: z.object({ annual: z.number().positive(), hourly: z.number().positive() }),
  national: WageBlock.nullable(),
  states: z.record(z.string(), WageBlock).optional(),
  areas: z.record(z.string(), AreaWageBlock).optional(),
});
export type Wages = z.infer<typeof Wages>;

export const Projections = z.object({
  /** e.g. "2024-34". */
  release: z.string(),
  baseYear: z.number().int(),
  targetYear: z.number().int(),
  /** Persons (EP publishes thousands). Includes the self-employed, unlike OEWS employment. */
  employmentBase: count.nullable(),
  employmentTarget: count.nullable(),
  employmentChange: z.number().int().nullable(),
  /** The published one-decimal percentage, e.g. 7.1. */
  changePercent: z.number().nullable(),
  openingsAnnual: count.nullable(),
  /** Integer dollars; null when top-coded (`>=$239,200`) or not available (`—`). */
  medianWage: money,
  /** `>=$239,200` → 239200: a lower bound, not the wage. */
  medianWageAtLeast: money,
  typicalEducation: z.string().nullable(),
  workExperience: z.string().nullable(),
  onTheJobTraining: z.string().nullable(),
});
export type Projections = z.infer<typeof Projections>;

export const ResilienceComponentExposure = z.object({
  beta: z.number().min(0).max(1),
  percent: percent.int(),
  label: z.enum(EXPOSURE_LABELS),
  points: count,
  onetCodes: z.array(z.string()),
  /** How the O*NET rows became one SOC value: the `.00` row, or the mean of the children. */
  rule: z.enum(['base', 'mean-of-children']),
});
export const ResilienceComponentGrowth = z.object({
  percent: z.number(),
  rounded: z.number().int(),
  label: z.enum(GROWTH_LABELS),
  points: count,
  release: z.string(),
});
export const EpochRatings = z.object({
  empathy: z.number().int().min(1).max(5),
  presence: z.number().int().min(1).max(5),
  opinion: z.number().int().min(1).max(5),
  creativity: z.number().int().min(1).max(5),
  hope: z.number().int().min(1).max(5),
});
export type EpochRatings = z.infer<typeof EpochRatings>;
/** Why the human-advantage rule gave its ratings (schema 1.2.0): present when `source` is `rule`. */
export const HumanAdvantageRuleInputs = z.object({
  /** The rule version, e.g. "epoch-rule-1". */
  version: z.string(),
  /** The O*NET-SOC code the category was taken from (`29-2072.00`; `13-1020.00` for an aggregate). */
  code: z.string(),
  /** What was rated: the SOC's `.00` code, the children of a data-less `.00` code, or a broad group's SOCs. */
  basis: z.enum(['base-code', 'children', 'broad-group']),
  /** The O*NET codes whose title or job zone were used. */
  onetCodes: z.array(z.string()),
  /** Career category; null when the code's major group has none (the "(no category)" defaults apply). */
  category: z.string().nullable(),
  categoryStep: z.enum(['override', 'redistribution', 'minor-group', 'major-group', 'none']),
  /** The title the keywords were matched against, and where it came from. */
  title: z.string().nullable(),
  titleSource: z.enum(['onet', 'soc']),
  jobZone: z.number().int().nullable(),
  /** Why `jobZone` is null (then no job-zone adjustment was made). */
  jobZoneMissingReason: z.string().optional(),
  /** What the job zone added to each adjusted dimension (−1, 0 or +1 in epoch-rule-1). */
  jobZoneAdjustment: z.number().int(),
  /** The keyword rows that applied, in the rule's order: row number, keywords found, changes. */
  keywordRows: z.array(
    z.object({
      row: z.number().int(),
      matched: z.array(z.string()),
      changes: z.record(z.string(), z.number().int()),
    }),
  ),
});
export type HumanAdvantageRuleInputs = z.infer<typeof HumanAdvantageRuleInputs>;

export const ResilienceComponentHuman = z.object({
  ratings: EpochRatings,
  sum: count,
  label: z.enum(HUMAN_ADVANTAGE_LABELS),
  points: count,
  /**
   * `rule`: computed by the human-advantage rule (see `rule`); `manual`: from the manual ratings file
   * (EPOCH_URL). `generated` (judgment-written rows) was retired in schema 1.2.0 and appears only in
   * older snapshots.
   */
  source: z.enum(['manual', 'rule', 'generated']),
  rubricVersion: z.string().optional(),
  /** A manual rating's note (why it differs from the rule), when the file gives one. */
  note: z.string().optional(),
  rule: HumanAdvantageRuleInputs.optional(),
});

export const Resilience = z.object({
  methodology: z.string(),
  score: count.nullable(),
  maxScore: z.number().int().positive(),
  classification: z.enum(CLASSIFICATIONS).nullable(),
  tier: z.number().int().positive().nullable(),
  rationale: z.string().nullable(),
  /** Set when score is null: which input was missing. */
  unscoredReason: z.string().optional(),
  exposure: ResilienceComponentExposure.nullable(),
  growth: ResilienceComponentGrowth.nullable(),
  humanAdvantage: ResilienceComponentHuman.nullable(),
});
export type Resilience = z.infer<typeof Resilience>;

export const ProgressionLevel = z.object({
  level: z.enum(PROGRESSION_LEVEL_NAMES),
  percentile: percent.int(),
  /** Null when the percentile is top-coded: then `low` is the top code and `high` is null. */
  annual: money,
  low: money,
  high: money,
  topCoded: z.boolean().optional(),
  years: z.object({
    min: z.number().nonnegative(),
    typical: z.number().nonnegative(),
    max: z.number().nonnegative(),
  }),
});
export type ProgressionLevel = z.infer<typeof ProgressionLevel>;

export const SourceStatus = z.object({
  status: z.enum(['fresh', 'stale', 'not_found', 'failed', 'skipped']),
  fetchedAt: z.string().nullable(),
  /** Age of reused data in seconds, when stale. */
  ageSeconds: z.number().nonnegative().optional(),
  reason: z.string().optional(),
});

export const TrainingProgram = z.object({
  school: z.string().nullable(),
  program: z.string().nullable(),
  city: z.string().nullable(),
  state: z.string().nullable(),
  url: z.string().nullable(),
  length: z.string().nullable(),
});
export const Certification = z.object({
  id: z.string(),
  name: z.string(),
  acronym: z.string().nullable(),
  organization: z.string().nullable(),
  type: z.string().nullable(),
  url: z.string().nullable(),
});
export const Training = z.object({
  programs: z.record(z.string(), z.object({ count, items: z.array(TrainingProgram) }).nullable()),
  certifications: z.object({ count, items: z.array(Certification) }).nullable(),
});
export const EducationProfile = z.object({
  source: z.literal('careeronestop'),
  typicalEducation: z.string().nullable(),
  experience: z.string().nullable(),
  training: z.string().nullable(),
  attainment: z.array(z.object({ level: z.string(), percent: percent.nullable() })),
});
export const RelatedOccupation = z.object({ soc: Soc, onetCode: z.string(), title: z.string() });

// O*NET parts (schema 1.2.0). Optional in the schema so snapshots written before 1.2.0 still verify;
// every record written from 1.2.0 on has them (null with the reason in `missing` when absent).
const onetCode = z.string().regex(/^\d{2}-\d{4}\.\d{2}$/, 'expected an O*NET-SOC code NN-NNNN.NN');
/** Which O*NET data a record used: the `.00` code, or the union of its detailed children. */
export const OnetUsed = z.object({
  release: z.string(),
  onetCodes: z.array(onetCode),
  combination: z.enum(['exact', 'children-union']),
  /** O*NET's title of the `.00` code (null when O*NET lists none). */
  title: z.string().nullable(),
});
export const OnetTask = z.object({
  taskId: z.string(),
  statement: z.string(),
  /** null when O*NET gives no type ("n/a"). */
  type: z.enum(['Core', 'Supplemental']).nullable(),
  onetCode,
});
export const TechnologySkill = z.object({
  /** O*NET's commodity title, e.g. "Medical software"; the list is sorted by category, then example. */
  category: z.string(),
  commodityCode: z.string(),
  example: z.string(),
  /** O*NET "Hot Technology". */
  hot: z.boolean(),
  /** O*NET "In Demand"; null when the release does not publish it. */
  inDemand: z.boolean().nullable(),
  onetCode,
});
export const AlternateTitle = z.object({
  title: z.string(),
  /** `onet` (Alternate Titles), `onet-reported` (Sample of Reported Titles), `careeronestop`. */
  sources: z.array(z.enum(['onet', 'onet-reported', 'careeronestop'])).min(1),
});
export const JobZone = z.object({
  zone: z.number().int().min(1).max(5),
  name: z.string(),
  education: z.string(),
  experience: z.string(),
  training: z.string(),
  /** `children-union`: the median of the children's zones, a half rounded up. */
  combination: z.enum(['exact', 'children-union']),
  onetCodes: z.array(onetCode),
});
export const OnetRelatedOccupations = z.object({
  source: z.literal('onet'),
  items: z.array(
    z.object({
      soc: z.string(),
      onetCode,
      title: z.string(),
      /** "Primary-Short", "Primary-Long", "Supplemental". */
      tier: z.string(),
      index: z.number().int(),
      /** The record's O*NET code this relation is listed under. */
      fromOnetCode: onetCode,
    }),
  ),
});
export const CareerVideo = z.object({ url: z.string(), source: z.literal('careeronestop') });

export const OccupationRecord = z.object({
  soc: Soc,
  title: z.string(),
  /** Where the title came from: OEWS (Title Case) when it has the occupation, else EP. */
  titleSource: z.enum(['oews', 'ep']),
  /**
   * Career category (schema 1.2.0), e.g. `healthcare-technical`: how the product browses careers;
   * from the human-advantage rule's category mapping. Null (reason in `missing`) when the SOC's
   * major group has no category.
   */
  category: z.string().nullable(),
  wages: Wages.nullable(),
  projections: Projections.nullable(),
  careerProgression: z.array(ProgressionLevel).nullable(),
  resilience: Resilience.nullable(),
  /** CareerOneStop's `AlternateTitles` as published (kept for current consumers; see `alternateTitles`). */
  alsoKnownAs: z.array(z.string()).nullable(),
  /** CareerOneStop's related occupations (O*NET's are in `onetRelatedOccupations`). */
  relatedOccupations: z.array(RelatedOccupation).nullable(),
  brightOutlook: z.array(z.string()).nullable(),
  educationProfile: EducationProfile.nullable(),
  training: Training.nullable(),
  /** Schema 1.2.0: the O*NET codes and release the O*NET parts come from. */
  onet: OnetUsed.nullable().optional(),
  /** O*NET Occupation Data description. */
  description: z.string().nullable().optional(),
  tasks: z.array(OnetTask).nullable().optional(),
  technologySkills: z.array(TechnologySkill).nullable().optional(),
  /** O*NET alternate and reported titles merged with CareerOneStop's, de-duplicated case-insensitively, sorted. */
  alternateTitles: z.array(AlternateTitle).nullable().optional(),
  jobZone: JobZone.nullable().optional(),
  onetRelatedOccupations: OnetRelatedOccupations.nullable().optional(),
  /** CareerOneStop's career video. */
  video: CareerVideo.nullable().optional(),
  sourceStatus: z.record(z.string(), SourceStatus),
  /** Why a top-level part is null, e.g. `{ wages: "no OEWS detailed row for 45-3031 in May 2024" }`. */
  missing: z.record(z.string(), z.string()),
});
export type OccupationRecord = z.infer<typeof OccupationRecord>;

/**
 * The published occupation record: the contract with downstream services. JSON Schemas for
 * consumers are generated from these zod schemas, so a change here is a schema change
 * (bump SNAPSHOT_SCHEMA_VERSION: major when a consumer could break).
 */
import { z } from 'zod';

export const SNAPSHOT_SCHEMA_VERSION = '1.1.0';

export const SOC_PATTERN = /^\d{2}-\d{4}$/;
export const Soc = z.string().regex(SOC_PATTERN, 'expected a SOC code NN-NNNN');

const money = z.number().nullable();
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
  employment: z.number().int().nullable(),
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
  topCode: z.object({ annual: z.number(), hourly: z.number() }),
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
  employmentBase: z.number().int().nullable(),
  employmentTarget: z.number().int().nullable(),
  employmentChange: z.number().int().nullable(),
  /** The published one-decimal percentage, e.g. 7.1. */
  changePercent: z.number().nullable(),
  openingsAnnual: z.number().int().nullable(),
  /** Integer dollars; null when top-coded (`>=$239,200`) or not available (`—`). */
  medianWage: z.number().nullable(),
  /** `>=$239,200` → 239200: a lower bound, not the wage. */
  medianWageAtLeast: z.number().nullable(),
  /** The year of the median wage as EP publishes it: the base year, or the next one (2019–29's Table 1.7). */
  medianWageYear: z.number().int().optional(),
  typicalEducation: z.string().nullable(),
  workExperience: z.string().nullable(),
  onTheJobTraining: z.string().nullable(),
});
export type Projections = z.infer<typeof Projections>;

export const ResilienceComponentExposure = z.object({
  beta: z.number(),
  percent: z.number().int(),
  label: z.string(),
  points: z.number().int(),
  onetCodes: z.array(z.string()),
  /** How the O*NET rows became one SOC value: the `.00` row, or the mean of the children. */
  rule: z.enum(['base', 'mean-of-children']),
});
export const ResilienceComponentGrowth = z.object({
  percent: z.number(),
  rounded: z.number().int(),
  label: z.string(),
  points: z.number().int(),
  release: z.string(),
});
export const EpochRatings = z.object({
  empathy: z.number().int(),
  presence: z.number().int(),
  opinion: z.number().int(),
  creativity: z.number().int(),
  hope: z.number().int(),
});
export type EpochRatings = z.infer<typeof EpochRatings>;
export const ResilienceComponentHuman = z.object({
  ratings: EpochRatings,
  sum: z.number().int(),
  label: z.string(),
  points: z.number().int(),
  source: z.enum(['manual', 'generated']),
  rubricVersion: z.string().optional(),
});

export const Resilience = z.object({
  methodology: z.string(),
  score: z.number().int().nullable(),
  maxScore: z.number().int(),
  classification: z.string().nullable(),
  tier: z.number().int().nullable(),
  rationale: z.string().nullable(),
  /** Set when score is null: which input was missing. */
  unscoredReason: z.string().optional(),
  exposure: ResilienceComponentExposure.nullable(),
  growth: ResilienceComponentGrowth.nullable(),
  humanAdvantage: ResilienceComponentHuman.nullable(),
});
export type Resilience = z.infer<typeof Resilience>;

export const ProgressionLevel = z.object({
  level: z.string(),
  percentile: z.number().int(),
  /** Null when the percentile is top-coded: then `low` is the top code and `high` is null. */
  annual: z.number().nullable(),
  low: z.number().nullable(),
  high: z.number().nullable(),
  topCoded: z.boolean().optional(),
  years: z.object({ min: z.number(), typical: z.number(), max: z.number() }),
});
export type ProgressionLevel = z.infer<typeof ProgressionLevel>;

export const SourceStatus = z.object({
  status: z.enum(['fresh', 'stale', 'not_found', 'failed', 'skipped']),
  fetchedAt: z.string().nullable(),
  /** Age of reused data in seconds, when stale. */
  ageSeconds: z.number().optional(),
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
  programs: z.record(
    z.string(),
    z.object({ count: z.number().int(), items: z.array(TrainingProgram) }).nullable(),
  ),
  certifications: z.object({ count: z.number().int(), items: z.array(Certification) }).nullable(),
});
export const EducationProfile = z.object({
  source: z.literal('careeronestop'),
  typicalEducation: z.string().nullable(),
  experience: z.string().nullable(),
  training: z.string().nullable(),
  attainment: z.array(z.object({ level: z.string(), percent: z.number().nullable() })),
});
export const RelatedOccupation = z.object({ soc: z.string(), onetCode: z.string(), title: z.string() });

export const OccupationRecord = z.object({
  soc: Soc,
  title: z.string(),
  /** Where the title came from: OEWS (Title Case) when it has the occupation, else EP. */
  titleSource: z.enum(['oews', 'ep']),
  wages: Wages.nullable(),
  projections: Projections.nullable(),
  careerProgression: z.array(ProgressionLevel).nullable(),
  resilience: Resilience.nullable(),
  alsoKnownAs: z.array(z.string()).nullable(),
  relatedOccupations: z.array(RelatedOccupation).nullable(),
  brightOutlook: z.array(z.string()).nullable(),
  educationProfile: EducationProfile.nullable(),
  training: Training.nullable(),
  sourceStatus: z.record(z.string(), SourceStatus),
  /** Why a top-level part is null, e.g. `{ wages: "no OEWS detailed row for 45-3031 in May 2024" }`. */
  missing: z.record(z.string(), z.string()),
});
export type OccupationRecord = z.infer<typeof OccupationRecord>;

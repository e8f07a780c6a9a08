/**
 * The quality report a candidate snapshot carries: per-source row counts, a sample of rejects,
 * warnings, codes that did not match across sources and scoring counts. It is stored in the
 * manifest and read by the rejected-share gate. Loose objects: the pipeline may add fields.
 */
import { z } from 'zod';

export const SourceQuality = z.object({
  read: z.number().int().min(0),
  kept: z.number().int().min(0),
  rejected: z.number().int().min(0),
  byReason: z.record(z.string(), z.number().int().min(0)),
});
export type SourceQuality = z.infer<typeof SourceQuality>;

export const RejectSample = z.looseObject({
  source: z.string(),
  file: z.string().optional(),
  row: z.union([z.number(), z.string()]),
  field: z.string(),
  expected: z.string(),
  got: z.string(),
  reason: z.string(),
});

export const QualityWarning = z.looseObject({
  source: z.string(),
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});

const HumanAdvantageCounts = z.looseObject({
  rule: z.number().int().min(0),
  manual: z.number().int().min(0),
  missing: z.number().int().min(0),
  ruleVersion: z.string(),
});

export const ScoringCounts = z.looseObject({
  scored: z.number().int().min(0),
  unscored: z.number().int().min(0),
  byReason: z.record(z.string(), z.number().int().min(0)).default({}),
  /** Why occupations are unscored, one count per missing input (no exposure row, no projections, no O*NET data). */
  byCause: z.record(z.string(), z.number().int().min(0)).optional(),
  byClassification: z.record(z.string(), z.number().int().min(0)).optional(),
  /** Where the human-advantage ratings came from: the rule, the manual file, or nowhere. */
  humanAdvantage: HumanAdvantageCounts.optional(),
});

/** What the join and the scoring reported (model/buildRecords.ts `BuildReport`); the summary reads these. */
export const BuildQuality = z.looseObject({
  missing: z.record(z.string(), z.looseObject({ count: z.number().int().min(0) })),
  scoring: z.looseObject({
    methodology: z.string(),
    scored: z.number().int().min(0),
    unscored: z.number().int().min(0),
    unscoredByReason: z.record(z.string(), z.number().int().min(0)),
    unscoredByCause: z.record(z.string(), z.number().int().min(0)).optional(),
    humanAdvantage: HumanAdvantageCounts.optional(),
  }),
});

/** The one quality report of a run: in the manifest, the run history and the CLI's summary. */
export const QualityReport = z.looseObject({
  sources: z.record(z.string(), SourceQuality),
  /** All rows rejected (`rejects` keeps only a sample). */
  rejectedRows: z.number().int().min(0).optional(),
  rejects: z.array(RejectSample).default([]),
  warnings: z.array(QualityWarning).default([]),
  /** Codes present in one source but not matched in another, keyed by a short name of the join. */
  unmatched: z.record(z.string(), z.array(z.string())).default({}),
  scoring: ScoringCounts.optional(),
  build: BuildQuality.optional(),
  /** CareerOneStop's counts per endpoint and record status (sources/careeronestop/collect.ts). */
  careeronestop: z.looseObject({}).optional(),
});
export type QualityReport = z.infer<typeof QualityReport>;

/** What a caller may hand to the store (defaults not yet applied). */
export type QualityReportInput = z.input<typeof QualityReport>;

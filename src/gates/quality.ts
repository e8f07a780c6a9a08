/**
 * The quality report a candidate snapshot carries: per-source row counts, a sample of rejects,
 * warnings, codes that did not match across sources and scoring counts. It is stored in the
 * manifest and read by the rejected-share gate. Loose objects: the pipeline may add fields.
 */
import { z } from 'zod';
import type { RejectCollector } from '../validate/rejects.js';

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

export const ScoringCounts = z.looseObject({
  scored: z.number().int().min(0),
  unscored: z.number().int().min(0),
  byReason: z.record(z.string(), z.number().int().min(0)).default({}),
});

export const QualityReport = z.looseObject({
  sources: z.record(z.string(), SourceQuality),
  rejects: z.array(RejectSample).default([]),
  warnings: z.array(QualityWarning).default([]),
  /** Codes present in one source but not matched in another, keyed by a short name of the join. */
  unmatched: z.record(z.string(), z.array(z.string())).default({}),
  scoring: ScoringCounts.optional(),
});
export type QualityReport = z.infer<typeof QualityReport>;

/**
 * What the pipeline may hand in: plain interfaces (no index signatures), so its own report types
 * and the RejectCollector's `Reject` / `Warning` are accepted as they are. Extra fields are kept.
 */
export interface QualityReportInput {
  sources: Record<string, SourceQuality>;
  rejects?: readonly {
    source: string;
    file?: string | undefined;
    row: number | string;
    field: string;
    expected: string;
    got: string;
    reason: string;
  }[];
  warnings?: readonly { source: string; message: string; details?: Record<string, unknown> | undefined }[];
  unmatched?: Record<string, readonly string[]>;
  scoring?: { scored: number; unscored: number; byReason?: Record<string, number> };
}

/** Build the report from the validation collector plus what the join and the scoring found. */
export function qualityReportFrom(
  collector: RejectCollector,
  extra: Omit<QualityReportInput, 'sources' | 'rejects' | 'warnings'> = {},
): QualityReport {
  return QualityReport.parse({
    ...extra,
    sources: Object.fromEntries(
      [...collector.counts.entries()].map(([source, c]) => [source, { ...c, byReason: { ...c.byReason } }]),
    ),
    rejects: collector.rejects,
    warnings: collector.warnings,
  });
}

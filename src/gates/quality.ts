/** Assembles a run's quality report (model/qualityReport.ts) from the readers' rejects and the build. */
import type { BuildReport } from '../model/buildRecords.js';
import { QualityReport } from '../model/qualityReport.js';
import type { RejectCollector } from '../validate/rejects.js';

/** The report of a run: what the readers rejected, what the build reported, CareerOneStop's counts. */
export function qualityReportFrom(
  collector: RejectCollector,
  build?: BuildReport,
  careeronestop?: object,
): QualityReport {
  return QualityReport.parse({
    sources: Object.fromEntries(
      [...collector.counts.entries()].map(([source, c]) => [source, { ...c, byReason: { ...c.byReason } }]),
    ),
    rejectedRows: collector.total(),
    rejects: collector.rejects,
    warnings: [...collector.warnings, ...(build?.warnings ?? [])],
    ...(build
      ? {
          build,
          scoring: {
            scored: build.scoring.scored,
            unscored: build.scoring.unscored,
            byReason: build.scoring.unscoredByReason,
            byCause: build.scoring.unscoredByCause,
            byClassification: build.scoring.byClassification,
            humanAdvantage: build.scoring.humanAdvantage,
          },
          unmatched: build.unmatched,
        }
      : {}),
    ...(careeronestop ? { careeronestop } : {}),
  });
}

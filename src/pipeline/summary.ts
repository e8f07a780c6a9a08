import { describeFailures, type GateReport } from '../gates/report.js';
import type { BuildReport } from '../model/buildRecords.js';
import type { PublishResult } from '../store/snapshotStore.js';
import type { Reject, RejectCollector, Warning } from '../validate/rejects.js';
import { truncateForReport } from '../validate/truncate.js';

export type StageName = 'fetch' | 'noChange' | 'read' | 'checks' | 'careeronestop' | 'build' | 'publish';
export type RunStatus = 'published' | 'unchanged' | 'blocked' | 'failed';

export interface QualityReport {
  sources: Record<string, { read: number; kept: number; rejected: number; byReason: Record<string, number> }>;
  rejectedRows: number;
  rejects: Reject[];
  warnings: Warning[];
  build?: BuildReport;
  /** Scored / unscored counts (the scored-share gate reads these). */
  scoring?: {
    scored: number;
    unscored: number;
    byReason: Record<string, number>;
    /** Why occupations are unscored, one count per missing input (no exposure row, no projections, no O*NET data). */
    byCause?: Record<string, number>;
    byClassification?: Record<string, number>;
    /** Where the human-advantage ratings came from: the rule, the manual file, or nowhere. */
    humanAdvantage?: BuildReport['scoring']['humanAdvantage'];
  };
  unmatched?: Record<string, string[]>;
  careeronestop?: unknown;
}

/** The quality report of a run, from what the readers rejected and what the build reported. */
export function composeQuality(
  rejects: RejectCollector,
  build?: BuildReport,
  careeronestop?: unknown,
): QualityReport {
  return {
    sources: Object.fromEntries(rejects.counts),
    rejectedRows: rejects.total(),
    rejects: rejects.rejects,
    warnings: [...rejects.warnings, ...(build?.warnings ?? [])],
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
  };
}

export interface RefreshSummary {
  runId: string;
  trigger: string;
  sources: string[];
  status: RunStatus;
  /** The published snapshot, or for unchanged/blocked/failed the one that stays `latest`. */
  snapshotId: string | null;
  previousId: string | null;
  occupations: number;
  rejectedRows: number;
  downloadedBytes: number;
  startedAt: string;
  finishedAt: string;
  stages: Partial<Record<StageName, number>>;
  quality: QualityReport;
  error?: string;
  gateReport?: GateReport;
  diffSummary?: unknown;
  /** Latest was damaged (its files no longer matched its manifest); this run's snapshot replaced it. */
  replacedDamaged?: { id: string; problems: string[] };
}

/** The `--json` line: small and stable. */
export function jsonSummary(s: RefreshSummary) {
  return {
    status: s.status,
    runId: s.runId,
    snapshotId: s.snapshotId,
    previousId: s.previousId,
    occupations: s.occupations,
    rejectedRows: s.rejectedRows,
    downloadedBytes: s.downloadedBytes,
    stages: s.stages,
    ...(s.error ? { error: s.error } : {}),
  };
}

/** A few lines for a human after a run. */
export function formatSummary(s: RefreshSummary, snapshotDir: string): string {
  const lines: string[] = [];
  const head =
    s.status === 'published'
      ? `Published snapshot ${s.snapshotId} (${s.occupations} occupations) at ${snapshotDir}/${s.snapshotId}`
      : s.status === 'unchanged'
        ? `Unchanged: content identical to ${s.snapshotId}; no snapshot created`
        : s.status === 'blocked'
          ? `Blocked by quality gates; latest stays ${s.snapshotId ?? '(none)'}`
          : `Failed; latest stays ${s.snapshotId ?? '(none)'}`;
  lines.push(head);
  for (const [source, c] of Object.entries(s.quality.sources)) {
    const reasons = Object.entries(c.byReason)
      .map(([r, n]) => `${r} ×${n}`)
      .join(', ');
    lines.push(
      `  ${source}: ${c.read} rows read, ${c.kept} kept, ${c.rejected} rejected${reasons ? ` (${reasons})` : ''}`,
    );
  }
  const b = s.quality.build;
  if (b) {
    for (const [part, m] of Object.entries(b.missing))
      lines.push(`  ${part} missing for ${m.count} occupation(s)`);
    lines.push(
      `  resilience (methodology ${b.scoring.methodology}): ${b.scoring.scored} scored, ${b.scoring.unscored} unscored` +
        (b.scoring.unscored
          ? ` (${Object.entries(b.scoring.unscoredByReason)
              .map(([r, n]) => `${r} ×${n}`)
              .join('; ')})`
          : ''),
    );
    const causes = Object.entries(b.scoring.unscoredByCause ?? {});
    if (causes.length > 0)
      lines.push(`  unscored because: ${causes.map(([c, n]) => `${c} ×${n}`).join(', ')}`);
    const h = b.scoring.humanAdvantage;
    if (h) {
      lines.push(
        `  human advantage: ${h.rule} by rule ${h.ruleVersion}, ${h.manual} manual, ${h.missing} without a rating`,
      );
    }
  }
  for (const w of s.quality.warnings) lines.push(`  warning [${w.source}]: ${w.message}`);
  for (const r of s.quality.rejects.slice(0, 5)) {
    lines.push(
      `  rejected ${r.source} ${r.file ?? ''} row ${r.row} ${r.field}: expected ${r.expected}, got ${r.got}`,
    );
  }
  if (s.error) lines.push(`  reason: ${s.error}`);
  if (s.gateReport) {
    for (const f of describeFailures(s.gateReport)) lines.push(`  gate failed: ${f}`);
    if (s.status === 'blocked')
      lines.push(
        '  (publish anyway with --force; the report is kept in the run record and SNAPSHOT_DIR/blocked/)',
      );
  }
  lines.push(
    `  stages (ms): ${Object.entries(s.stages)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  return lines.join('\n');
}

type RunBase = Pick<RefreshSummary, 'runId' | 'trigger' | 'sources' | 'startedAt' | 'stages'> & {
  rejectedRows: number;
  finishedAt: string;
};

/** The summary of a run that reached the publish step (published, unchanged or blocked). */
export function publishedSummary(
  base: RunBase,
  outcome: PublishResult,
  figures: { occupations: number; downloadedBytes: number; quality: QualityReport },
): RefreshSummary {
  return {
    ...base,
    ...figures,
    status: outcome.status,
    // Blocked: the snapshot that stays latest.
    snapshotId: outcome.status === 'blocked' ? outcome.previousId : outcome.snapshotId,
    previousId: outcome.status === 'published' ? outcome.previousId : null,
    ...(outcome.status === 'blocked' ? { gateReport: outcome.gateReport } : {}),
    ...(outcome.status === 'published' ? { diffSummary: outcome.diffSummary } : {}),
    ...(outcome.status === 'published' && outcome.replacedDamaged
      ? { replacedDamaged: outcome.replacedDamaged }
      : {}),
  };
}

/** The summary of a run that failed before publishing: `latest` is untouched. */
export function failedSummary(
  base: RunBase,
  error: string,
  latestId: string | null,
  quality: QualityReport,
): RefreshSummary {
  return {
    ...base,
    status: 'failed',
    snapshotId: latestId,
    previousId: null,
    occupations: 0,
    downloadedBytes: 0,
    // Messages may quote input; the run record, events and logs get a bounded copy.
    error: truncateForReport(error, 2_000),
    quality,
  };
}

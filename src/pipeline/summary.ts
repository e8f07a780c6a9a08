import { describeFailures } from '../gates/report.js';
import type { GateReport } from '../model/gateReport.js';
import type { QualityReport } from '../model/qualityReport.js';
import type { DiffSummary } from '../store/diff.js';
import { truncateForReport } from '../validate/truncate.js';

export type { QualityReport } from '../model/qualityReport.js';

export type StageName = 'fetch' | 'noChange' | 'read' | 'checks' | 'careeronestop' | 'build' | 'publish';
export type RunStatus = 'published' | 'unchanged' | 'blocked' | 'failed';

/** What starts a run: the queue's three, and the embedded driver's two. */
export const QUEUED_TRIGGERS = ['schedule', 'manual', 'catch-up'] as const;
export const RUN_TRIGGERS = [...QUEUED_TRIGGERS, 'cli', 'rescore'] as const;
export type QueuedTrigger = (typeof QUEUED_TRIGGERS)[number];
export type RunTrigger = (typeof RUN_TRIGGERS)[number];

/** How a run ended, whichever driver ran it. */
export interface RunOutcome {
  status: RunStatus;
  /** The published snapshot, or for unchanged/blocked/failed the one that stays `latest`. */
  snapshotId: string | null;
  previousId: string | null;
  occupations: number;
  rejectedRows: number;
  downloadedBytes: number;
  quality?: QualityReport | undefined;
  gateReport?: GateReport;
  gateFailures?: string[];
  diffSummary?: DiffSummary;
  error?: string;
  /** The stage that failed (`fetch:ep`, `read`, …) or, for a blocked run, `publish`. */
  failedStage?: string;
  /** Latest was damaged (its files no longer matched its manifest); this run's snapshot replaced it. */
  replacedDamaged?: { id: string; problems: string[] };
}

/** An embedded run's summary: what was asked, when, per-stage durations, and how it ended. */
export interface RefreshSummary extends RunOutcome {
  runId: string;
  trigger: RunTrigger;
  sources: string[];
  startedAt: string;
  finishedAt: string;
  stages: Partial<Record<StageName, number>>;
  quality: QualityReport;
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

export type RunBase = Pick<
  RefreshSummary,
  'runId' | 'trigger' | 'sources' | 'startedAt' | 'finishedAt' | 'stages'
>;

/** The summary of an embedded run: when and how it ran, and how it ended. */
export function refreshSummary(base: RunBase, outcome: RunOutcome, quality: QualityReport): RefreshSummary {
  return { ...base, ...outcome, quality: outcome.quality ?? quality };
}

/** The outcome of a run that failed before publishing: `latest` is untouched. */
export function failedOutcome(
  stage: string,
  error: string,
  snapshotId: string | null = null,
  figures: Partial<Pick<RunOutcome, 'rejectedRows' | 'quality'>> = {},
): RunOutcome {
  return {
    status: 'failed',
    snapshotId,
    previousId: null,
    occupations: 0,
    rejectedRows: figures.rejectedRows ?? 0,
    downloadedBytes: 0,
    // Messages may quote input; the run record, events and logs get a bounded copy.
    error: truncateForReport(error, 2_000),
    failedStage: stage,
    ...(figures.quality ? { quality: figures.quality } : {}),
  };
}

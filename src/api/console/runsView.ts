/**
 * One view of a run for the console, whichever driver ran it (both record a RunRecord: in Redis, or
 * embedded runs without Redis in RUNS_DIR). Pure: records in, views out.
 */
import type { GateReport } from '../../model/gateReport.js';
import type { QualityReport } from '../../pipeline/summary.js';
import { type RunRecord, STAGE_ORDER, stageDurations } from '../../queue/runs/runStore.js';

export interface StageView {
  name: string;
  state: string;
  startedAt: string | null;
  finishedAt: string | null;
  ms: number | null;
  attempt: number | null;
  worker: string | null;
  error: string | null;
}

export interface RunView {
  runId: string;
  driver: 'worker' | 'embedded';
  trigger: string;
  /** Who asked for it (console actions record it), else what started it. */
  startedBy: string;
  status: string;
  force: boolean;
  sources: string[];
  queuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  snapshotId: string | null;
  previousId: string | null;
  stages: StageView[];
  durations: Partial<Record<string, number>>;
  careeronestop: { total: number; done: number; failed: number } | null;
  quality: QualityReport | null;
  gateReport: GateReport | null;
  /** The one root cause of a failed run (the failing job's reason, not BullMQ's parent chain). */
  error: string | null;
  failedStage: string | null;
}

const order = (name: string) => {
  const i = STAGE_ORDER.indexOf(name.split(':')[0] as never);
  return i < 0 ? STAGE_ORDER.length : i;
};

function startedByDefault(trigger: string): string {
  if (trigger === 'schedule') return 'nightly schedule';
  if (trigger === 'catch-up') return 'freshness watchdog';
  if (trigger === 'cli') return 'careerdata refresh';
  if (trigger === 'rescore') return 'careerdata rescore';
  return 'operator (API or CLI)';
}

export function fromWorkerRun(r: RunRecord, who?: string): RunView {
  const stages = Object.entries(r.stages)
    .sort(
      ([a, sa], [b, sb]) =>
        order(a) - order(b) || sa.startedAt.localeCompare(sb.startedAt) || a.localeCompare(b),
    )
    .map(([name, s]) => ({
      name,
      state: s.state,
      startedAt: s.startedAt,
      finishedAt: s.finishedAt ?? null,
      ms: s.ms ?? null,
      attempt: s.attempt,
      worker: s.worker ?? null,
      error: s.error ?? null,
    }));
  const o = r.outcome;
  return {
    runId: r.runId,
    // Embedded runs (`careerdata refresh`/`rescore`) are recorded in the same history.
    driver: r.trigger === 'cli' || r.trigger === 'rescore' ? 'embedded' : 'worker',
    trigger: r.trigger,
    startedBy: who ?? startedByDefault(r.trigger),
    status: r.status,
    force: r.force,
    sources: r.sources,
    queuedAt: r.queuedAt,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    snapshotId: o?.snapshotId ?? null,
    previousId: o?.previousId ?? null,
    stages,
    durations: stageDurations(r),
    careeronestop: r.careeronestop ?? null,
    quality: o?.quality ?? null,
    gateReport: (o?.gateReport as GateReport | undefined) ?? null,
    error: o?.error ?? null,
    failedStage: o?.failedStage ?? null,
  };
}

/** Newest first. */
export function mergeRuns(runs: RunView[], limit: number): RunView[] {
  return [...runs].sort((a, b) => b.queuedAt.localeCompare(a.queuedAt)).slice(0, limit);
}

export function durationMs(run: Pick<RunView, 'startedAt' | 'finishedAt'>, now: number): number | null {
  if (!run.startedAt) return null;
  const end = run.finishedAt ? Date.parse(run.finishedAt) : now;
  return Math.max(0, end - Date.parse(run.startedAt));
}

/** ETA of the CareerOneStop stage from its pace so far; null when it cannot be told. */
export function careerOneStopEta(run: RunView, now: number): number | null {
  const c = run.careeronestop;
  const stage = run.stages.find((s) => s.name === 'careeronestop');
  if (!c || !stage?.startedAt || c.total === 0) return null;
  const done = c.done + c.failed;
  if (done === 0 || done >= c.total) return null;
  const elapsed = now - Date.parse(stage.startedAt);
  return Math.round((elapsed / done) * (c.total - done));
}

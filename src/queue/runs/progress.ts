/**
 * Following a run to its end (`careerdata trigger --wait`) and describing runs for people (`runs`,
 * `runs show`). Formatting is pure; `followRun` polls the run history, which survives worker
 * crashes and Redis reconnects (a dropped poll is retried, not fatal).
 */
import { errorMessage } from '../../errors.js';
import type { RunRecord, RunStore, StageRecord } from './runStore.js';
import { STAGE_ORDER, stageDurations } from './runStore.js';

export const FINISHED: ReadonlySet<string> = new Set(['published', 'unchanged', 'blocked', 'failed']);

const secs = (ms: number) => (ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`);

/** Aggregate state of a stage over its per-source parts (`fetch:*`). */
function stageState(run: RunRecord, stage: string): StageRecord['state'] | 'pending' {
  const parts = Object.entries(run.stages)
    .filter(([name]) => name === stage || name.startsWith(`${stage}:`))
    .map(([, s]) => s.state);
  if (parts.length === 0) return 'pending';
  if (parts.includes('failed')) return 'failed';
  if (parts.includes('cancelled')) return 'cancelled';
  if (parts.includes('active') || parts.includes('retrying'))
    return parts.includes('active') ? 'active' : 'retrying';
  return 'done';
}

const MARK: Record<string, string> = {
  done: '✓',
  active: '…',
  retrying: '↻',
  failed: '✗',
  cancelled: '–',
  pending: '·',
};

/** One line for a terminal: `run-… running  fetch ✓  read ✓  careeronestop … 120/830  build ·`. */
export function progressLine(run: RunRecord, now = Date.now()): string {
  const parts = STAGE_ORDER.filter((s) => s !== 'careeronestop' || run.sources.includes('careeronestop')).map(
    (stage) => {
      const st = stageState(run, stage);
      const extra =
        stage === 'careeronestop' && run.careeronestop && st !== 'pending'
          ? ` ${run.careeronestop.done + run.careeronestop.failed}/${run.careeronestop.total}`
          : '';
      return `${stage} ${MARK[st]}${extra}`;
    },
  );
  const since = Date.parse(run.startedAt ?? run.queuedAt);
  const elapsed = Number.isFinite(since) ? `  ${secs(Math.max(0, now - since))}` : '';
  return `${run.runId} ${run.status.padEnd(9)} ${parts.join('  ')}${elapsed}`;
}

/** Plain lines for a log or a pipe: one per stage state change since `seen`. */
export function progressEvents(run: RunRecord, seen: Map<string, string>): string[] {
  const lines: string[] = [];
  const stamp = new Date().toISOString().slice(11, 19);
  if (seen.get('#status') !== run.status) {
    seen.set('#status', run.status);
    lines.push(`${stamp} ${run.runId} ${run.status}`);
  }
  for (const [name, s] of Object.entries(run.stages).sort(([, a], [, b]) =>
    a.startedAt.localeCompare(b.startedAt),
  )) {
    const key = `${s.state}#${s.attempt}`;
    if (seen.get(name) === key) continue;
    seen.set(name, key);
    const detail =
      s.state === 'done'
        ? ` (${secs(s.ms ?? 0)})`
        : s.state === 'failed' || s.state === 'retrying' || s.state === 'cancelled'
          ? `: ${s.error ?? ''}`
          : s.attempt > 1
            ? ` (attempt ${s.attempt})`
            : '';
    lines.push(`${stamp}   ${name} ${s.state}${detail}`);
  }
  if (run.careeronestop && run.careeronestop.total > 0) {
    const c = run.careeronestop;
    // CareerOneStop progress in tenths, not one line per occupation.
    const tenth = String(Math.floor(((c.done + c.failed) * 10) / c.total));
    if (seen.get('#careerOneStop') !== tenth) {
      seen.set('#careerOneStop', tenth);
      lines.push(`${stamp}   careeronestop ${c.done} done, ${c.failed} failed of ${c.total}`);
    }
  }
  return lines;
}

export function describeOutcome(run: RunRecord): string {
  const o = run.outcome;
  if (!o) return `${run.runId}: ${run.status}`;
  const head =
    o.status === 'published'
      ? `Published snapshot ${o.snapshotId} (${o.occupations} occupations)`
      : o.status === 'unchanged'
        ? `Unchanged: content identical to ${o.snapshotId}; no snapshot created`
        : o.status === 'blocked'
          ? `Blocked by quality gates; latest stays ${o.snapshotId ?? '(none)'}`
          : `Failed${o.failedStage ? ` in ${o.failedStage}` : ''}; latest stays ${o.snapshotId ?? '(none)'}`;
  const lines = [`${run.runId}: ${head}`];
  if (o.error) lines.push(`  reason: ${o.error}`);
  for (const f of o.gateFailures ?? []) lines.push(`  gate: ${f}`);
  const d = stageDurations(run);
  const stages = STAGE_ORDER.filter((s) => d[s] !== undefined).map((s) => `${s} ${d[s]}`);
  if (stages.length) lines.push(`  stages (ms): ${stages.join(', ')}`);
  return lines.join('\n');
}

export interface FollowOptions {
  intervalMs?: number;
  /** Called with each fresh record (render progress). */
  onUpdate?: (run: RunRecord) => void;
  /** Called when a poll fails (Redis away); polling continues. */
  onPollError?: (message: string) => void;
  signal?: AbortSignal;
}

export async function followRun(runs: RunStore, runId: string, opts: FollowOptions = {}): Promise<RunRecord> {
  const interval = opts.intervalMs ?? 1_000;
  for (;;) {
    if (opts.signal?.aborted) throw opts.signal.reason ?? new Error('aborted');
    try {
      const run = await runs.get(runId);
      if (!run) throw new Error(`run ${runId} is not in the history (expired, or another QUEUE_PREFIX?)`);
      opts.onUpdate?.(run);
      if (FINISHED.has(run.status)) return run;
    } catch (err) {
      if (/not in the history/.test(errorMessage(err))) throw err;
      opts.onPollError?.(errorMessage(err));
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}

/**
 * The end of a run, whichever way it ends: record the outcome once, count it, tell consumers when
 * it failed or was blocked (`refresh.failed` on the stream and webhooks), drop the hand-over files.
 * Several processes may try to finish the same run (the failing job's worker, the parent's, the
 * watchdog); only the first does the telling.
 */
import { Job, type Queue } from 'bullmq';
import type { Logger } from '../../log.js';
import type { ClusterMetrics, RunFigures } from '../../metrics/clusterMetrics.js';
import type { GateReport } from '../../model/gateReport.js';
import { type EventSink, refreshFailedEvent } from '../../notify/events.js';
import type { StageFiles } from '../handOver/stageFiles.js';
import { stageOfJob } from '../wiring/names.js';
import type { RunMeta, RunOutcome, RunStore } from './runStore.js';

export interface FinishDeps {
  runs: RunStore;
  log: Logger;
  metrics?: ClusterMetrics | undefined;
  events?: EventSink | undefined;
  stageFiles?: StageFiles | undefined;
  latestId?: () => Promise<string | null>;
  now?: () => Date;
}

export async function finishRun(
  deps: FinishDeps,
  run: Pick<RunMeta, 'runId' | 'trigger'>,
  outcome: RunOutcome,
): Promise<boolean> {
  const first = await deps.runs.finish(run.runId, outcome);
  if (!first) return false;
  const at = (deps.now ?? (() => new Date()))();
  await deps.metrics?.runFinished(outcome.status, run.trigger, at, runFigures(outcome));
  const logFields = { runId: run.runId, status: outcome.status, snapshotId: outcome.snapshotId };
  if (outcome.status === 'failed' || outcome.status === 'blocked') {
    deps.log.error(
      { ...logFields, stage: outcome.failedStage, error: outcome.error },
      `refresh ${outcome.status}`,
    );
    const message =
      outcome.status === 'blocked'
        ? `blocked by quality gates: ${(outcome.gateFailures ?? []).join('; ') || 'see the gate report'}`
        : (outcome.error ?? 'unknown error');
    const latestId = outcome.snapshotId ?? (await deps.latestId?.().catch(() => null)) ?? null;
    await deps.events
      ?.emit(
        refreshFailedEvent(
          {
            message,
            ...(outcome.failedStage ? { stage: outcome.failedStage } : {}),
            run: { id: run.runId, trigger: run.trigger },
            latestId,
          },
          at,
        ),
      )
      .catch((err: unknown) =>
        deps.log.warn({ err: (err as Error).message }, 'could not emit refresh.failed'),
      );
  } else {
    deps.log.info(logFields, `refresh ${outcome.status}`);
  }
  await deps.stageFiles?.removeRun(run.runId).catch(() => undefined);
  return true;
}

/** Rows rejected per source and the gates that failed, for the fleet's counters. */
export function runFigures(outcome: RunOutcome): RunFigures {
  const rejectedBySource = Object.fromEntries(
    Object.entries(outcome.quality?.sources ?? {}).map(([source, c]) => [source, c.rejected]),
  );
  const report = outcome.gateReport as GateReport | undefined;
  const failedGates = (report?.checks ?? []).filter((c) => c.status === 'fail').map((c) => c.name);
  return { rejectedBySource, failedGates };
}

/** `child careerdata:refresh:run-….fetch.oews failed` → the failing job's queue and id. */
const CHILD_FAILED = /^child (.+):([^:]+):([^:]+) failed$/;

/**
 * BullMQ fails a parent with "child … failed"; follow that chain down to the job that really failed
 * and return its name and reason.
 */
export async function rootCause(
  queues: Record<string, Queue>,
  job: Pick<Job, 'name' | 'data' | 'failedReason'>,
): Promise<{ stage: string; reason: string }> {
  let current: Pick<Job, 'name' | 'data' | 'failedReason'> = job;
  for (let depth = 0; depth < 10; depth++) {
    const m = CHILD_FAILED.exec(current.failedReason ?? '');
    const queue = m ? queues[m[2]!] : undefined;
    if (!m || !queue) break;
    const child = await Job.fromId(queue, m[3]!);
    if (!child) break;
    current = child;
  }
  return {
    stage: stageOfJob(current) ?? current.name,
    reason: current.failedReason || 'failed without a reason',
  };
}

/**
 * Asking for a refresh (CLI trigger, POST /v1/refreshes, the nightly schedule, the watchdog): at most
 * one run is queued or running; asking again returns that run's id. A run whose flow died without
 * finishing it (a crash in the wrong millisecond, Redis data loss) is reconciled first, so it cannot
 * block every later refresh.
 */
import { type FlowProducer, Job, type Queue } from 'bullmq';
import type { Config, SourceId } from '../../config.js';
import { errorMessage } from '../../errors.js';
import { newRunId } from '../../pipeline/runContext.js';
import { failedOutcome, type QueuedTrigger, type RunOutcome } from '../../pipeline/summary.js';
import { buildRefreshFlow } from '../wiring/flow.js';
import { QUEUES, rootJobId } from '../wiring/names.js';
import { type FinishDeps, finishRun, rootCause } from './finishRun.js';
import type { RunState } from './runStore.js';

export interface RequestDeps extends FinishDeps {
  config: Pick<Config, 'sources' | 'QUEUE_BACKOFF_DELAY'>;
  flows: FlowProducer;
  queues: { refresh: Queue; careeronestop: Queue };
}

export interface RefreshRequest {
  trigger: QueuedTrigger;
  sources?: SourceId[] | undefined;
  force?: boolean | undefined;
  /** A deterministic id (scheduler jobs); default a new time-sortable one. */
  runId?: string | undefined;
}

export interface RefreshTicket {
  runId: string;
  /** False when an active run (or this very id) already existed: nothing new was queued. */
  created: boolean;
  status: RunState;
}

/** A run that was just claimed may not have its flow yet; only older ones can be orphans. */
const ORPHAN_GRACE_MS = 60_000;

export async function requestRefresh(deps: RequestDeps, req: RefreshRequest): Promise<RefreshTicket> {
  await reconcileActiveRun(deps);
  const now = (deps.now ?? (() => new Date()))();
  const meta = {
    runId: req.runId ?? newRunId(now),
    trigger: req.trigger,
    sources: req.sources && req.sources.length > 0 ? req.sources : deps.config.sources,
    force: req.force ?? false,
    queuedAt: now.toISOString(),
  };
  const claim = await deps.runs.claim(meta);
  if (!claim.created) {
    const existing = await deps.runs.get(claim.runId);
    return { runId: claim.runId, created: false, status: existing?.status ?? 'queued' };
  }
  try {
    await deps.flows.add(buildRefreshFlow(meta, deps.config));
  } catch (err) {
    await finishRun(
      deps,
      meta,
      failedOutcome('enqueue', `could not enqueue the refresh: ${errorMessage(err)}`),
    );
    throw err;
  }
  deps.log.info(
    { runId: meta.runId, trigger: meta.trigger, sources: meta.sources, force: meta.force },
    'refresh queued',
  );
  return { runId: meta.runId, created: true, status: 'queued' };
}

/**
 * Finish the active run if its flow is gone or failed without it being recorded. Returns the id of
 * a run that is still genuinely active, else null.
 */
export async function reconcileActiveRun(deps: RequestDeps): Promise<string | null> {
  const runId = await deps.runs.activeRunId();
  if (!runId) return null;
  const run = await deps.runs.get(runId);
  if (!run) {
    await deps.runs.release(runId);
    return null;
  }
  if (run.finishedAt) {
    await deps.runs.release(runId);
    return null;
  }
  const root = await Job.fromId(deps.queues.refresh, rootJobId(runId));
  const now = (deps.now ?? (() => new Date()))().getTime();
  if (!root) {
    if (now - Date.parse(run.queuedAt) < ORPHAN_GRACE_MS) return runId;
    await finishRun(
      deps,
      run,
      failedOutcome('enqueue', 'the run has no jobs in the queue (lost before it ran?)'),
    );
    return null;
  }
  const state = await root.getState();
  if (state === 'failed') {
    const cause = await rootCause(
      { [QUEUES.refresh]: deps.queues.refresh, [QUEUES.careeronestop]: deps.queues.careeronestop },
      root,
    );
    await finishRun(deps, run, failedOutcome(cause.stage, cause.reason));
    return null;
  }
  if (state === 'completed' && root.returnvalue) {
    await finishRun(deps, run, root.returnvalue as RunOutcome);
    return null;
  }
  return runId;
}

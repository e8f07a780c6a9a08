/**
 * freshness-watchdog (control queue, every WATCHDOG_INTERVAL): reconciles a run whose flow died
 * unrecorded, enqueues a catch-up refresh when latest is older than MAX_SNAPSHOT_AGE and no run is
 * active, and sweeps hand-over files of runs that never cleaned up.
 */

import { type FreshnessDecision, freshnessDecision } from '../src/queue/runs/freshness.js';
import { reconcileActiveRun, requestRefresh } from '../src/queue/runs/requestRefresh.js';
import { derivedRunId } from '../src/queue/wiring/names.js';
import { requestDepsOf } from '../src/queue/worker/depsAdapters.js';
import type { JobHandler } from '../src/queue/worker/jobDeps.js';

const STAGE_FILE_MAX_AGE_MS = 7 * 86_400_000;

export interface WatchdogResult {
  decision: FreshnessDecision;
  runId?: string;
  created?: boolean;
}

export const freshnessWatchdogJob: JobHandler<WatchdogResult> = async (deps, job) => {
  const request = requestDepsOf(deps);
  const activeRunId = await reconcileActiveRun(request);
  const latest = await deps.base.store.latestManifest();
  const now = deps.now();
  const decision = freshnessDecision({
    latestCreatedAt: latest?.createdAt ?? null,
    activeRunId,
    schedulePaused: (await deps.redis.exists(deps.keys.schedulePaused)) === 1,
    maxAgeMs: deps.config.MAX_SNAPSHOT_AGE,
    now,
  });
  const swept = await deps.stageFiles.sweep(STAGE_FILE_MAX_AGE_MS, now.getTime());
  if (swept.length > 0) deps.log.info({ runs: swept }, 'removed hand-over files of old runs');
  if (decision.action === 'none') return { decision };
  const ticket = await requestRefresh(request, {
    trigger: 'catch-up',
    runId: derivedRunId(new Date(job.timestamp), `${job.id}`),
  });
  deps.log.warn(
    { runId: ticket.runId, created: ticket.created, reason: decision.reason },
    'freshness watchdog: catch-up refresh',
  );
  return { decision, runId: ticket.runId, created: ticket.created };
};

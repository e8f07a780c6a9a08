/**
 * publish: gates and the atomic pointer switch (SnapshotStore.publish, under the publish lock), then
 * the run's outcome is recorded. A publish interrupted after its switch and run again finds its own
 * snapshot as latest ("unchanged", same run id) and reports it as published: one snapshot per run.
 */
import { gateConfigFrom } from '../src/gates/report.js';
import { compactWageMaps } from '../src/model/wages.js';
import type { QualityReport } from '../src/pipeline/summary.js';
import { finishDepsOf } from '../src/queue/depsAdapters.js';
import { finishRun } from '../src/queue/finishRun.js';
import type { JobHandler } from '../src/queue/jobDeps.js';
import { jobIds } from '../src/queue/names.js';
import { parsePayload, RunPayload } from '../src/queue/payloads.js';
import type { RunOutcome } from '../src/queue/runStore.js';
import { stageResult } from '../src/queue/stageResults.js';
import type { CandidateSnapshot } from '../src/store/snapshotStore.js';
import type { BuildScoreResult } from './buildScore.js';

export const publishJob: JobHandler<RunOutcome> = async (deps, job, io) => {
  const p = parsePayload(RunPayload, job.data, job.name);
  const ctx = deps.ctxFor(p);
  const built = await stageResult<BuildScoreResult>(deps.queues.refresh, jobIds.build(p.runId));
  const { head, items } = await deps.stageFiles.readLines<
    Omit<CandidateSnapshot, 'records'>,
    CandidateSnapshot['records'][number]
  >(p.runId, built.candidate, compactWageMaps);
  const candidate: CandidateSnapshot = { ...head, records: items };
  const result = await ctx.store.publish(candidate, {
    gates: gateConfigFrom(ctx.config),
    force: p.force,
    notifier: deps.events,
  });
  const base = {
    occupations: built.occupations,
    rejectedRows: built.rejectedRows,
    downloadedBytes: built.downloadedBytes,
  };
  let outcome: RunOutcome;
  if (result.status === 'published') {
    outcome = {
      ...base,
      status: 'published',
      snapshotId: result.snapshotId,
      previousId: result.previousId,
      diffSummary: result.diffSummary,
      ...(result.replacedDamaged ? { replacedDamaged: result.replacedDamaged } : {}),
    };
  } else if (result.status === 'unchanged') {
    const latest = await ctx.store.latestManifest();
    const ours = latest?.id === result.snapshotId && latest.run?.id === p.runId;
    outcome = ours
      ? {
          ...base,
          status: 'published',
          snapshotId: latest.id,
          previousId: latest.parent,
          diffSummary: latest.diffSummary,
        }
      : { ...base, status: 'unchanged', snapshotId: result.snapshotId, previousId: null };
  } else {
    outcome = {
      ...base,
      status: 'blocked',
      snapshotId: result.previousId,
      previousId: null,
      gateReport: result.gateReport,
      gateFailures: result.failures,
      failedStage: 'publish',
    };
  }
  await io.stageDone();
  await finishRun(finishDepsOf(deps), p, {
    ...outcome,
    quality: candidate.quality as unknown as QualityReport,
  });
  return outcome;
};

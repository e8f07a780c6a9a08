/**
 * publish: gates and the atomic pointer switch (SnapshotStore.publish, under the publish lock), then
 * the run's outcome is recorded. A publish interrupted after its switch and run again finds its own
 * snapshot as latest ("unchanged", same run id) and reports it as published: one snapshot per run.
 */
import { compactWageMaps } from '../src/model/wages.js';
import { publishCandidate } from '../src/pipeline/stages.js';
import type { RunOutcome } from '../src/pipeline/summary.js';
import { parsePayload, RunPayload } from '../src/queue/handOver/payloads.js';
import { stageResult } from '../src/queue/handOver/stageResults.js';
import { finishRun } from '../src/queue/runs/finishRun.js';
import { jobIds } from '../src/queue/wiring/names.js';
import { finishDepsOf } from '../src/queue/worker/depsAdapters.js';
import type { JobHandler } from '../src/queue/worker/jobDeps.js';
import type { CandidateSnapshot } from '../src/store/publishTransaction.js';
import type { BuildScoreResult } from './buildScore.js';

export const publishJob: JobHandler<RunOutcome> = async (deps, job, io) => {
  const p = parsePayload(RunPayload, job.data, job.name);
  const ctx = deps.ctxFor(p);
  const built = await stageResult<BuildScoreResult>(deps.queues.refresh, jobIds.build(p.runId));
  const { head, items } = await deps.stageFiles.readLines<
    Omit<CandidateSnapshot, 'records'>,
    CandidateSnapshot['records'][number]
  >(p.runId, built.candidate, compactWageMaps);
  const outcome = await publishCandidate(
    ctx,
    {
      candidate: { ...head, records: items },
      occupations: built.occupations,
      rejectedRows: built.rejectedRows,
      downloadedBytes: built.downloadedBytes,
    },
    { force: p.force, notifier: deps.events },
  );
  await io.stageDone();
  await finishRun(finishDepsOf(deps), p, outcome);
  return outcome;
};

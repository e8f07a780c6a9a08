/**
 * build-score: join the sources per occupation, derive and score (the same buildRecords the embedded
 * refresh calls), check every record against the published schema, and hand the candidate snapshot
 * to the publish stage as a stage file.
 */
import { buildCandidate, type CareerOneStopInput } from '../src/pipeline/stages.js';
import { parsePayload, RunPayload, type StageRef } from '../src/queue/handOver/payloads.js';
import { decodeReadOutput } from '../src/queue/handOver/readHandOver.js';
import { loadArtifacts, stageResult } from '../src/queue/handOver/stageResults.js';
import { jobIds } from '../src/queue/wiring/names.js';
import type { JobHandler } from '../src/queue/worker/jobDeps.js';
import type { CareerOneStopHandOver, CareerOneStopStageResult } from './careerOneStop.js';
import type { ReadValidateResult } from './readValidate.js';

export interface BuildScoreResult {
  candidate: StageRef;
  occupations: number;
  rejectedRows: number;
  downloadedBytes: number;
}

export const CANDIDATE_FILE = 'candidate.ndjson';

export const buildScoreJob: JobHandler<BuildScoreResult> = async (deps, job) => {
  const p = parsePayload(RunPayload, job.data, job.name);
  const ctx = deps.ctxFor(p);
  const artifacts = await loadArtifacts(deps.queues.refresh, ctx.cache, p);
  const read = await deps.reader.read(ctx, artifacts, async () => {
    const stage = await stageResult<ReadValidateResult>(deps.queues.refresh, jobIds.read(p.runId));
    if (!stage.bundle) throw new Error('the read stage stored no hand-over');
    return decodeReadOutput(await deps.stageFiles.readText(p.runId, stage.bundle));
  });

  let careeronestop: CareerOneStopInput | null = null;
  if (p.sources.includes('careeronestop')) {
    const stage = await stageResult<CareerOneStopStageResult>(
      deps.queues.refresh,
      jobIds.careeronestop(p.runId),
    );
    careeronestop = await deps.stageFiles.read<CareerOneStopHandOver>(p.runId, stage.fields);
  }

  const built = buildCandidate(ctx, {
    read,
    careeronestop,
    artifacts,
    run: { id: p.runId, trigger: p.trigger },
  });
  // The build is the bundle's last reader in this run: do not hold it in memory until the next.
  deps.reader.forget();
  const { records, ...head } = built.candidate;
  return {
    // One record per line: the candidate is never one ~70 MB string.
    candidate: await deps.stageFiles.writeLines(p.runId, CANDIDATE_FILE, head, records),
    occupations: built.occupations,
    rejectedRows: built.rejectedRows,
    downloadedBytes: built.downloadedBytes,
  };
};

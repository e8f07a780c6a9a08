/**
 * build-score: join the sources per occupation, derive and score (the same buildRecords the embedded
 * refresh calls), check every record against the published schema, and hand the candidate snapshot
 * to the publish stage as a stage file.
 */
import { artifactRecord } from '../src/http/fetchArtifact.js';
import type { CareerOneStopFields } from '../src/model/buildRecords.js';
import { buildRecords, stampReleases } from '../src/pipeline/stages.js';
import { composeQuality } from '../src/pipeline/summary.js';
import type { JobHandler } from '../src/queue/jobDeps.js';
import { jobIds } from '../src/queue/names.js';
import { parsePayload, RunPayload, type StageRef } from '../src/queue/payloads.js';
import { decodeReadOutput } from '../src/queue/readHandOver.js';
import { loadArtifacts, stageResult } from '../src/queue/stageResults.js';
import type { CandidateSnapshot } from '../src/store/snapshotStore.js';
import type { CareerOneStopHandOver, CareerOneStopStageResult } from './careeronestop.js';
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
  const { bundle, rejects } = await deps.reader.read(ctx, artifacts, async () => {
    const read = await stageResult<ReadValidateResult>(deps.queues.refresh, jobIds.read(p.runId));
    if (!read.bundle) throw new Error('the read stage stored no hand-over');
    return decodeReadOutput(await deps.stageFiles.readText(p.runId, read.bundle));
  });

  let careeronestop: Map<string, CareerOneStopFields> | null = null;
  let careeronestopQuality: unknown;
  if (p.sources.includes('careeronestop')) {
    const stage = await stageResult<CareerOneStopStageResult>(
      deps.queues.refresh,
      jobIds.careeronestop(p.runId),
    );
    const handOver = await deps.stageFiles.read<CareerOneStopHandOver>(p.runId, stage.fields);
    careeronestop = new Map(
      Object.entries(handOver.fields).map(([soc, f]) => [
        soc,
        { ...(f as CareerOneStopFields), missing: handOver.missing[soc] ?? {} },
      ]),
    );
    careeronestopQuality = handOver.quality;
  }

  stampReleases(artifacts, bundle);
  const built = buildRecords(ctx, bundle, careeronestop);
  // The build is the bundle's last reader in this run: do not hold it in memory until the next.
  deps.reader.forget();
  const quality = composeQuality(rejects, built.report, careeronestopQuality);
  const all = Object.values(artifacts).flat();
  const { records, ...head }: CandidateSnapshot = {
    records: built.records,
    sources: Object.fromEntries(
      Object.entries(artifacts).map(([id, list]) => [
        id,
        (list ?? []).map((a) => artifactRecord(a, a.notModified ? 0 : a.bytes)),
      ]),
    ),
    quality: quality as CandidateSnapshot['quality'],
    methodology: ctx.config.METHODOLOGY_VERSION,
    run: { id: p.runId, trigger: p.trigger },
  };
  return {
    // One record per line: the candidate is never one ~70 MB string.
    candidate: await deps.stageFiles.writeLines(p.runId, CANDIDATE_FILE, head, records),
    occupations: built.records.length,
    rejectedRows: rejects.total(),
    downloadedBytes: all.reduce((n, a) => n + (a.notModified ? 0 : a.bytes), 0),
  };
};

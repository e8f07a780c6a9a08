/**
 * Looking up what an earlier stage of the same run returned. Stage job ids are derived from the run
 * id, so a later stage finds an earlier one's result by id, without passing data along the chain.
 */
import { Job, type Queue } from 'bullmq';
import type { RawCache } from '../../http/rawCache.js';
import type { ArtifactsBySource } from '../../pipeline/stages.js';
import type { RawArtifact } from '../../sources/artifact.js';
import { type FileSourceId, isFileSource } from '../../sources/registry.js';
import { jobIds } from '../wiring/names.js';
import type { RunPayload } from './payloads.js';

export class StageResultMissingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StageResultMissingError';
  }
}

export async function stageResult<T>(queue: Queue, jobId: string): Promise<T> {
  const job = await Job.fromId(queue, jobId);
  if (!job) throw new StageResultMissingError(`stage job ${jobId} no longer exists (removed by retention?)`);
  if (job.returnvalue === null || job.returnvalue === undefined || !job.finishedOn) {
    throw new StageResultMissingError(`stage job ${jobId} has no result (state: ${await job.getState()})`);
  }
  return job.returnvalue as T;
}

/** An artifact as passed between stages: everything but the local path (re-derived from sha256). */
export type ArtifactRef = Omit<RawArtifact, 'path'>;

export interface FetchSourceResult {
  source: FileSourceId;
  artifacts: ArtifactRef[];
}

/** The run's fetched files, with paths resolved in this worker's raw cache. */
export async function loadArtifacts(
  queue: Queue,
  cache: Pick<RawCache, 'blobPath'>,
  run: Pick<RunPayload, 'runId' | 'sources'>,
): Promise<ArtifactsBySource> {
  const out: ArtifactsBySource = {};
  for (const source of run.sources.filter(isFileSource)) {
    const result = await stageResult<FetchSourceResult>(queue, jobIds.fetch(run.runId, source));
    out[source] = result.artifacts.map((a) => ({ ...a, path: cache.blobPath(a.sha256) }));
  }
  return out;
}

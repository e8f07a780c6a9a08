/**
 * fetch-source: download (or confirm unchanged) every file of one file source into the shared raw
 * cache. Returns the files' URLs, sizes and sha256 — the bytes stay in the cache.
 */

import { fetchSource } from '../src/pipeline/stages.js';
import { FetchPayload, parsePayload } from '../src/queue/handOver/payloads.js';
import type { FetchSourceResult } from '../src/queue/handOver/stageResults.js';
import type { JobHandler } from '../src/queue/worker/jobDeps.js';

export const fetchSourceJob: JobHandler<FetchSourceResult> = async (deps, job) => {
  const p = parsePayload(FetchPayload, job.data, job.name);
  const ctx = deps.ctxFor(p);
  const artifacts = await fetchSource(ctx, p.source, { force: p.force });
  return { source: p.source, artifacts: artifacts.map(({ path: _local, ...ref }) => ref) };
};

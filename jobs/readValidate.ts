/**
 * read-validate: parse and validate every fetched file, then the run-level checks (rejected share,
 * expected occupation counts). A failure here is a ValidationError: permanent, not retried, and it
 * fails the run with the reason. Hands on the SOC list for CareerOneStop as a stage file.
 */

import { careerOneStopSocs, checkSources } from '../src/pipeline/stages.js';
import { parsePayload, RunPayload, type StageRef } from '../src/queue/handOver/payloads.js';
import { encodeReadOutput } from '../src/queue/handOver/readHandOver.js';
import { loadArtifacts } from '../src/queue/handOver/stageResults.js';
import type { JobHandler } from '../src/queue/worker/jobDeps.js';

export interface ReadValidateResult {
  socs: StageRef;
  /** Parsed sources and rejects, for a build stage that runs on another worker. */
  bundle?: StageRef;
  occupations: number;
  rejectedRows: number;
  sources: Record<string, { read: number; kept: number; rejected: number }>;
}

export const SOCS_FILE = 'socs.json';
export const BUNDLE_FILE = 'read-output.json';

export const readValidateJob: JobHandler<ReadValidateResult> = async (deps, job, io) => {
  const p = parsePayload(RunPayload, job.data, job.name);
  const ctx = deps.ctxFor(p);
  const artifacts = await loadArtifacts(deps.queues.refresh, ctx.cache, p);
  const read = await deps.reader.read(ctx, artifacts);
  const { bundle, rejects } = read;
  await io.timed('checks', () => checkSources(ctx, read));
  const socs = careerOneStopSocs(bundle);
  return {
    socs: await deps.stageFiles.write(p.runId, SOCS_FILE, socs),
    bundle: await deps.stageFiles.writeText(p.runId, BUNDLE_FILE, encodeReadOutput(read)),
    occupations: socs.length,
    rejectedRows: rejects.total(),
    sources: Object.fromEntries(
      [...rejects.counts].map(([id, c]) => [id, { read: c.read, kept: c.kept, rejected: c.rejected }]),
    ),
  };
};

/**
 * careeronestop (stage): plan, wait, collect — one job entered twice.
 * Plan: find the occupations whose stored responses are missing or too old (a dry run of each unit,
 * no requests) and add one child job per such occupation; the job then waits for its children.
 * Collect: once every child has finished (a failed child is ignored: its occupation keeps its older
 * data, marked stale), build every occupation's CareerOneStop fields from the stored responses and
 * hand them on as a stage file.
 */
import { WaitingChildrenError } from 'bullmq';
import type { CareerOneStopInput } from '../src/pipeline/stages.js';
import { CareerOneStopStagePayload, parsePayload, type StageRef } from '../src/queue/handOver/payloads.js';
import { stageResult } from '../src/queue/handOver/stageResults.js';
import { occupationJobOptions } from '../src/queue/wiring/flow.js';
import { JOB, jobIds, QUEUES } from '../src/queue/wiring/names.js';
import type { JobDeps, JobHandler } from '../src/queue/worker/jobDeps.js';
import { type CareerOneStopQuality, collectCareerOneStop } from '../src/sources/careeronestop/collect.js';
import type { UnitOutcome } from '../src/sources/careeronestop/occupationUnit.js';
import { type ProbeDeps, storedOutcome } from '../src/sources/careeronestop/queue/careerOneStopProbe.js';
import type { ReadValidateResult } from './readValidate.js';

export interface CareerOneStopStageResult {
  fields: StageRef;
  children: number;
  quality: Omit<CareerOneStopQuality, 'endpoints'>;
}

export const CAREERONESTOP_FILE = 'careeronestop.json';

/** The stage file's content: what the build stage takes from CareerOneStop. */
export type CareerOneStopHandOver = CareerOneStopInput;

function probeDeps(deps: JobDeps): ProbeDeps {
  return { store: deps.careerOneStopStore, config: deps.config, log: deps.log, now: deps.now };
}

/** `careerdata:careeronestop:run-….c1s.29-2072` → `29-2072`. */
function socOfChildKey(key: string): string | null {
  const m = /\.c1s\.(\d{2}-\d{4})$/.exec(key);
  return m ? m[1]! : null;
}

export const careerOneStopStageJob: JobHandler<CareerOneStopStageResult> = async (deps, job, io) => {
  const p = parsePayload(CareerOneStopStagePayload, job.data, job.name);
  const read = await stageResult<ReadValidateResult>(deps.queues.refresh, jobIds.read(p.runId));
  const socs = await deps.stageFiles.read<string[]>(p.runId, read.socs);

  if (p.step !== 'collect') {
    const need: string[] = [];
    if (p.force) need.push(...socs);
    else for (const soc of socs) if ((await storedOutcome(probeDeps(deps), soc)) === null) need.push(soc);
    await deps.runs.careerOneStopPlanned(p.runId, need.length);
    if (need.length > 0) {
      await deps.queues.careeronestop.addBulk(
        need.map((soc) => ({
          name: JOB.careerOneStopOccupation,
          data: { runId: p.runId, soc, force: p.force },
          opts: {
            ...occupationJobOptions(deps.config, p.runId, soc),
            parent: { id: job.id!, queue: job.queueQualifiedName },
          },
        })),
      );
    }
    deps.log.info(
      { runId: p.runId, occupations: socs.length, toFetch: need.length },
      `careeronestop: ${need.length} of ${socs.length} occupations need the API`,
    );
    await job.updateData({ ...job.data, step: 'collect', plannedAt: p.plannedAt ?? Date.now() });
  }
  // Also on a retry that finds step=collect: children still pending means wait, never collect early.
  if (await job.moveToWaitingChildren(io.token)) throw new WaitingChildrenError();

  const outcomes = new Map<string, UnitOutcome>();
  const failures = new Map<string, string>();
  const childPrefix = `${job.prefix}:${QUEUES.careeronestop}:`;
  for (const [key, value] of Object.entries(await job.getChildrenValues())) {
    const soc = key.startsWith(childPrefix) ? socOfChildKey(key) : null;
    if (soc) outcomes.set(soc, value as UnitOutcome);
  }
  for (const [key, reason] of Object.entries(await job.getIgnoredChildrenFailures())) {
    const soc = socOfChildKey(key);
    if (soc) failures.set(soc, reason);
  }
  const children = outcomes.size + failures.size;
  for (const soc of socs) {
    if (outcomes.has(soc) || failures.has(soc)) continue;
    const stored = await storedOutcome(probeDeps(deps), soc);
    if (stored) outcomes.set(soc, stored);
  }
  const stopped = (await deps.redis.get(deps.keys.careerOneStopStopped(p.runId))) ?? undefined;
  const collected = await collectCareerOneStop(probeDeps(deps), { socs, outcomes, failures, stopped });
  const handOver: CareerOneStopHandOver = {
    fields: collected.fields,
    missing: collected.missing,
    quality: collected.quality,
  };
  const { endpoints: _perEndpoint, ...summary } = collected.quality;
  return {
    fields: await deps.stageFiles.write(p.runId, CAREERONESTOP_FILE, handOver),
    children,
    quality: summary,
  };
};

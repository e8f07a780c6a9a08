import { type FlowJob, UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import {
  FetchPayload,
  OccupationPayload,
  parsePayload,
  RunPayload,
} from '../../../src/queue/handOver/payloads.js';
import {
  buildRefreshFlow,
  FAILURE_POLICY,
  RETENTION,
  STAGE_ATTEMPTS,
} from '../../../src/queue/wiring/flow.js';
import { derivedRunId, JOB, jobIds, RUN_ID_PATTERN, stageOfJob } from '../../../src/queue/wiring/names.js';

const run = {
  runId: 'run-20261127T030000Z-9f2c1a',
  trigger: 'manual' as const,
  sources: ['oews', 'ep', 'exposure', 'epoch', 'careeronestop'] as RunPayload['sources'],
  force: false,
};
const config = { QUEUE_BACKOFF_DELAY: 1000 };

function flatten(node: FlowJob | NonNullable<FlowJob['children']>[number]): (typeof node)[] {
  return [node, ...(node.children ?? []).flatMap((c) => flatten(c))];
}

describe('the refresh flow', () => {
  it('is the pipeline upside down: publish ← build ← careeronestop ← read ← one fetch per file source', () => {
    const flow = buildRefreshFlow(run, config);
    expect(flow.name).toBe(JOB.publish);
    const build = flow.children![0]!;
    expect(build.name).toBe(JOB.build);
    const careerOneStopJob = build.children![0]!;
    expect(careerOneStopJob.name).toBe(JOB.careeronestop);
    const read = careerOneStopJob.children![0]!;
    expect(read.name).toBe(JOB.read);
    expect(read.children!.map((c) => c.data.source).sort()).toEqual(['ep', 'epoch', 'exposure', 'oews']);
  });

  it('derives every job id from the run id, so enqueueing the same run twice cannot duplicate a stage', () => {
    const a = flatten(buildRefreshFlow(run, config)).map((j) => j.opts?.jobId);
    const b = flatten(buildRefreshFlow(run, config)).map((j) => j.opts?.jobId);
    expect(a).toEqual(b);
    expect(new Set(a).size).toBe(a.length);
    expect(a).toContain(jobIds.fetch(run.runId, 'oews'));
    for (const id of a) expect(id).not.toContain(':');
  });

  it('states each failure policy: a BLS fetch fails the run, a CareerOneStop occupation degrades', () => {
    const jobs = flatten(buildRefreshFlow(run, config));
    const fetchOews = jobs.find((j) => j.opts?.jobId === jobIds.fetch(run.runId, 'oews'))!;
    expect(FAILURE_POLICY.fetch.oews).toBe('fail-run');
    expect(fetchOews.opts).toMatchObject({ failParentOnFailure: true, attempts: STAGE_ATTEMPTS.fetch });
    expect(fetchOews.opts?.backoff).toEqual({ type: 'exponential', delay: 1000 });
    expect(fetchOews.opts?.removeOnComplete).toEqual(RETENTION.completed);
    expect(FAILURE_POLICY.careerOneStopOccupation).toBe('degrade-to-stale');
  });

  it('carries ids and flags only: no data, no secrets', () => {
    for (const j of flatten(buildRefreshFlow(run, config))) {
      expect(Object.keys(j.data).sort()).toEqual(
        expect.arrayContaining(['force', 'runId', 'sources', 'trigger']),
      );
      expect(JSON.stringify(j.data).length).toBeLessThan(300);
    }
  });

  it('leaves the careeronestop stage out when the source is not selected', () => {
    const flow = buildRefreshFlow({ ...run, sources: ['oews', 'ep'] }, config);
    const jobs = flatten(flow).map((j) => j.name);
    expect(jobs).not.toContain(JOB.careeronestop);
    expect(flow.children![0]!.children![0]!.name).toBe(JOB.read);
  });
});

describe('job payloads', () => {
  it('accept what the flow produces', () => {
    expect(parsePayload(RunPayload, run, 'x')).toEqual(run);
    expect(parsePayload(FetchPayload, { ...run, source: 'ep' }, 'x').source).toBe('ep');
    expect(parsePayload(OccupationPayload, { runId: run.runId, soc: '29-2072', force: false }, 'x').soc).toBe(
      '29-2072',
    );
  });

  it('reject a malformed payload permanently, naming the job and the field', () => {
    expect(() => parsePayload(FetchPayload, { ...run, source: 'nope' }, JOB.fetch)).toThrow(
      /job fetch-source: invalid payload at source/,
    );
    expect(() =>
      parsePayload(OccupationPayload, { runId: run.runId, soc: '29-2072.00', force: false }, 'x'),
    ).toThrow(/soc: expected a SOC code/);
    expect(() => parsePayload(RunPayload, { ...run, runId: 'latest' }, 'x')).toThrow(UnrecoverableError);
  });
});

describe('names', () => {
  it('derives the same run id from the same scheduler job, in the run-id format', () => {
    const at = new Date('2026-11-27T08:00:00Z');
    const id = derivedRunId(at, 'repeat:nightly-refresh:1795766400000');
    expect(id).toBe(derivedRunId(at, 'repeat:nightly-refresh:1795766400000'));
    expect(id).not.toBe(derivedRunId(at, 'repeat:nightly-refresh:1795852800000'));
    expect(id).toMatch(RUN_ID_PATTERN);
    expect(id.startsWith('run-20261127T080000Z-')).toBe(true);
  });

  it('maps jobs to run stages', () => {
    expect(stageOfJob({ name: JOB.fetch, data: { source: 'oews' } })).toBe('fetch:oews');
    expect(stageOfJob({ name: JOB.careerOneStopOccupation })).toBe('careeronestop');
    expect(stageOfJob({ name: JOB.watchdog })).toBeNull();
  });
});

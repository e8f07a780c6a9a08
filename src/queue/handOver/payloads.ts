/**
 * What a job carries: ids, flags and references (sha256 + file name) — never data, never secrets.
 * Every handler validates its payload first, so a malformed job fails at once and is not retried.
 */
import { UnrecoverableError } from 'bullmq';
import { z } from 'zod';
import { SOURCE_IDS } from '../../config.js';
import { SOC_PATTERN } from '../../model/occupation.js';
import { QUEUED_TRIGGERS } from '../../pipeline/summary.js';
import { FILE_SOURCES, type FileSourceId } from '../../sources/registry.js';
import { RUN_ID_PATTERN } from '../wiring/names.js';

const FILE_SOURCE_IDS = Object.keys(FILE_SOURCES) as [FileSourceId, ...FileSourceId[]];

export const RunPayload = z.object({
  runId: z.string().regex(RUN_ID_PATTERN, 'expected a run id such as run-20261127T030000Z-9f2c1a'),
  trigger: z.enum(QUEUED_TRIGGERS),
  sources: z.array(z.enum(SOURCE_IDS)).min(1),
  force: z.boolean(),
});
export type RunPayload = z.infer<typeof RunPayload>;

export const FetchPayload = RunPayload.extend({ source: z.enum(FILE_SOURCE_IDS) });
export type FetchPayload = z.infer<typeof FetchPayload>;

/** The careeronestop stage re-enters after its children finish; `step` says where it is. */
export const CareerOneStopStagePayload = RunPayload.extend({
  step: z.enum(['plan', 'collect']).optional(),
  /** ms epoch of the first entry, so the stage's duration spans the children. */
  plannedAt: z.number().optional(),
});
export type CareerOneStopStagePayload = z.infer<typeof CareerOneStopStagePayload>;

export const OccupationPayload = z.object({
  runId: RunPayload.shape.runId,
  soc: z.string().regex(SOC_PATTERN, 'expected a SOC code NN-NNNN'),
  force: z.boolean(),
});
export type OccupationPayload = z.infer<typeof OccupationPayload>;

export const ControlPayload = z.object({
  trigger: z.enum(QUEUED_TRIGGERS).exclude(['manual']).default('schedule'),
});

/** A file written by one stage for a later one: name inside the run's stage directory + its digest. */
export interface StageRef {
  name: string;
  sha256: string;
  bytes: number;
}

export function parsePayload<T extends z.ZodType>(schema: T, data: unknown, jobName: string): z.infer<T> {
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UnrecoverableError(
      `job ${jobName}: invalid payload at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return parsed.data;
}

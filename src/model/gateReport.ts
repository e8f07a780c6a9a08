/** The gate report stored in manifests and blocked reports: what each blocking check compared, the threshold, what it saw, pass or fail. */
import { z } from 'zod';

export const GATE_NAMES = [
  'occupation_count',
  'wage_shift',
  'scored_share',
  'coverage',
  'rejected_share',
] as const;

export const GateCheck = z.object({
  name: z.enum(GATE_NAMES),
  /** For per-source checks (rejected_share): the source id. */
  source: z.string().optional(),
  /** For the coverage check: the part of a record (gates/coverage.ts). */
  part: z.string().optional(),
  /** `skip` when there is nothing to compare with (first snapshot, a source that read no rows). */
  status: z.enum(['pass', 'fail', 'skip']),
  threshold: z.number(),
  observed: z.number().nullable(),
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type GateCheck = z.infer<typeof GateCheck>;

export const GateReport = z.object({
  passed: z.boolean(),
  /** True when the candidate failed a gate and was published anyway (--force). */
  forced: z.boolean(),
  /** The snapshot the candidate was compared with (latest), or null for the first one. */
  baseline: z.string().nullable(),
  checks: z.array(GateCheck),
});
export type GateReport = z.infer<typeof GateReport>;

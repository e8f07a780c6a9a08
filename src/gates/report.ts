/** The gate report: what each blocking check compared, the threshold, what it saw, pass or fail. */
import { z } from 'zod';
import type { Config } from '../config.js';

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

export interface GateConfig {
  /** Largest allowed fall in occupation count, as a share of the baseline's count (0.05 = 5 %). */
  maxOccupationDrop: number;
  /** Largest allowed share of compared occupations whose median wage moved by more than `wageShift`. */
  maxWageShiftShare: number;
  /** A median wage move larger than this share of the old value counts as a shift (0.25 = 25 %). */
  wageShift: number;
  /** Largest allowed fall of the scored share, in share units (0.1 = 10 points). */
  maxScoredShareDrop: number;
  /** Largest allowed share of a source's rows that were rejected. */
  maxRejectedShare: number;
  /** Largest allowed fall, per part of a record, of the share of occupations carrying it (0.02 = 2 points). */
  maxCoverageDrop: number;
}

export function gateConfigFrom(
  config: Pick<
    Config,
    | 'GATE_MAX_OCCUPATION_DROP'
    | 'GATE_MAX_WAGE_SHIFT_SHARE'
    | 'GATE_WAGE_SHIFT'
    | 'GATE_MAX_SCORED_SHARE_DROP'
    | 'MAX_REJECTED_SHARE'
    | 'GATE_MAX_COVERAGE_DROP'
  >,
): GateConfig {
  return {
    maxOccupationDrop: config.GATE_MAX_OCCUPATION_DROP,
    maxWageShiftShare: config.GATE_MAX_WAGE_SHIFT_SHARE,
    wageShift: config.GATE_WAGE_SHIFT,
    maxScoredShareDrop: config.GATE_MAX_SCORED_SHARE_DROP,
    maxRejectedShare: config.MAX_REJECTED_SHARE,
    maxCoverageDrop: config.GATE_MAX_COVERAGE_DROP,
  };
}

export const DEFAULT_GATE_CONFIG: GateConfig = {
  maxOccupationDrop: 0.05,
  maxWageShiftShare: 0.2,
  wageShift: 0.25,
  maxScoredShareDrop: 0.1,
  maxRejectedShare: 0.02,
  maxCoverageDrop: 0.02,
};

/** One line per failed check, for logs and CLI output. */
export function describeFailures(report: GateReport): string[] {
  return report.checks.filter((c) => c.status === 'fail').map((c) => c.message);
}

/** Gate thresholds (from the configuration) and the one-line description of failed checks. */

import type { Config } from '../config.js';
import type { GateReport } from '../model/gateReport.js';

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

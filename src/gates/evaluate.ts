/**
 * Blocking quality gates (in the manner of dbt tests / Dagster asset checks): the candidate is
 * compared with the latest snapshot and its own quality report. Pure: data in, report out.
 */

import type { GateCheck, GateReport } from '../model/gateReport.js';
import type { OccupationRecord } from '../model/occupation.js';
import type { QualityReport } from '../model/qualityReport.js';
import { COVERAGE_PARTS, coverageOf } from './coverage.js';
import type { GateConfig } from './report.js';

/**
 * What the gates read of a record: the latest snapshot's records are reduced to this while they are
 * streamed (`gateFacts`), so a publish never holds two full snapshots.
 */
export interface GateFacts {
  soc: string;
  wages: {
    national: { annual: { median: number | null }; hourly: { median: number | null } } | null;
  } | null;
  resilience: { score: number | null } | null;
  /** Which COVERAGE_PARTS the record carries, in that order. */
  coverage: boolean[];
}

export interface GateInput {
  candidate: readonly GateFacts[];
  quality: QualityReport;
  /** Latest snapshot, or null when there is none yet (comparison gates are skipped). */
  baseline: { id: string; records: readonly GateFacts[] } | null;
  config: GateConfig;
}

/** The part of a record the gates read, as a small object of its own. */
export function gateFacts(r: OccupationRecord): GateFacts {
  const n = r.wages?.national;
  return {
    soc: r.soc,
    wages: r.wages
      ? {
          national: n ? { annual: { median: n.annual.median }, hourly: { median: n.hourly.median } } : null,
        }
      : null,
    resilience: r.resilience ? { score: r.resilience.score } : null,
    coverage: coverageOf(r),
  };
}

const pct = (share: number) => `${(share * 100).toFixed(1)} %`;

export function evaluateGates(input: GateInput): GateReport {
  const checks: GateCheck[] = [
    occupationCountCheck(input),
    wageShiftCheck(input),
    scoredShareCheck(input),
    ...coverageChecks(input),
    ...rejectedShareChecks(input),
  ];
  return {
    passed: checks.every((c) => c.status !== 'fail'),
    forced: false,
    baseline: input.baseline?.id ?? null,
    checks,
  };
}

function occupationCountCheck({ candidate, baseline, config }: GateInput): GateCheck {
  const threshold = config.maxOccupationDrop;
  if (!baseline || baseline.records.length === 0) {
    return {
      name: 'occupation_count',
      status: 'skip',
      threshold,
      observed: null,
      message: 'occupation count: no previous snapshot to compare with',
      details: { candidate: candidate.length },
    };
  }
  const before = baseline.records.length;
  const after = candidate.length;
  const drop = (before - after) / before;
  const candidateSocs = new Set(candidate.map((r) => r.soc));
  const missing = baseline.records.filter((r) => !candidateSocs.has(r.soc)).map((r) => r.soc);
  const fail = drop > threshold;
  return {
    name: 'occupation_count',
    status: fail ? 'fail' : 'pass',
    threshold,
    observed: drop,
    message: fail
      ? `occupation count fell from ${before} to ${after} (${pct(drop)}), more than the allowed ${pct(threshold)} (GATE_MAX_OCCUPATION_DROP)`
      : `occupation count ${before} → ${after}`,
    details: { before, after, missingCount: missing.length, missingSample: missing.slice(0, 50) },
  };
}

/** Annual median when both sides have one, else hourly median, else nothing to compare. */
function medianPair(a: GateFacts, b: GateFacts): [number, number] | null {
  const na = a.wages?.national;
  const nb = b.wages?.national;
  if (!na || !nb) return null;
  if (na.annual.median !== null && nb.annual.median !== null) return [na.annual.median, nb.annual.median];
  if (na.hourly.median !== null && nb.hourly.median !== null) return [na.hourly.median, nb.hourly.median];
  return null;
}

function wageShiftCheck({ candidate, baseline, config }: GateInput): GateCheck {
  const threshold = config.maxWageShiftShare;
  if (!baseline) {
    return {
      name: 'wage_shift',
      status: 'skip',
      threshold,
      observed: null,
      message: 'median wage shift: no previous snapshot to compare with',
    };
  }
  const old = new Map(baseline.records.map((r) => [r.soc, r]));
  let compared = 0;
  const shifted: { soc: string; old: number; new: number; change: number }[] = [];
  for (const rec of candidate) {
    const prev = old.get(rec.soc);
    if (!prev) continue;
    const pair = medianPair(prev, rec);
    if (!pair || pair[0] === 0) continue;
    compared += 1;
    const change = (pair[1] - pair[0]) / pair[0];
    if (Math.abs(change) > config.wageShift)
      shifted.push({ soc: rec.soc, old: pair[0], new: pair[1], change });
  }
  if (compared === 0) {
    return {
      name: 'wage_shift',
      status: 'skip',
      threshold,
      observed: null,
      message: 'median wage shift: no occupation has a median wage in both snapshots',
    };
  }
  const share = shifted.length / compared;
  const fail = share > threshold;
  shifted.sort((a, b) => Math.abs(b.change) - Math.abs(a.change));
  return {
    name: 'wage_shift',
    status: fail ? 'fail' : 'pass',
    threshold,
    observed: share,
    message: fail
      ? `${shifted.length} of ${compared} occupations (${pct(share)}) had their median wage move by more than ${pct(config.wageShift)}; at most ${pct(threshold)} may (GATE_MAX_WAGE_SHIFT_SHARE)`
      : `${shifted.length} of ${compared} occupations moved their median wage by more than ${pct(config.wageShift)}`,
    details: {
      compared,
      shifted: shifted.length,
      wageShift: config.wageShift,
      largest: shifted.slice(0, 20),
    },
  };
}

function scoredShare(records: readonly GateFacts[]): number {
  if (records.length === 0) return 0;
  return records.filter((r) => r.resilience?.score != null).length / records.length;
}

function scoredShareCheck({ candidate, baseline, config }: GateInput): GateCheck {
  const threshold = config.maxScoredShareDrop;
  if (!baseline || baseline.records.length === 0) {
    return {
      name: 'scored_share',
      status: 'skip',
      threshold,
      observed: null,
      message: 'scored share: no previous snapshot to compare with',
      details: { candidate: scoredShare(candidate) },
    };
  }
  const before = scoredShare(baseline.records);
  const after = scoredShare(candidate);
  const drop = before - after;
  const fail = drop > threshold + 1e-12;
  return {
    name: 'scored_share',
    status: fail ? 'fail' : 'pass',
    threshold,
    observed: drop,
    message: fail
      ? `share of scored occupations fell from ${pct(before)} to ${pct(after)}, more than the allowed ${(threshold * 100).toFixed(1)} points (GATE_MAX_SCORED_SHARE_DROP)`
      : `share of scored occupations ${pct(before)} → ${pct(after)}`,
    details: { before, after },
  };
}

function rejectedShareChecks({ quality, config }: GateInput): GateCheck[] {
  const threshold = config.maxRejectedShare;
  return Object.entries(quality.sources)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([source, q]): GateCheck => {
      if (q.read === 0) {
        return {
          name: 'rejected_share',
          source,
          status: 'skip',
          threshold,
          observed: null,
          message: `${source}: no rows read`,
        };
      }
      const share = q.rejected / q.read;
      const fail = share > threshold;
      return {
        name: 'rejected_share',
        source,
        status: fail ? 'fail' : 'pass',
        threshold,
        observed: share,
        message: fail
          ? `${source}: ${q.rejected} of ${q.read} rows rejected (${pct(share)}), more than the allowed ${pct(threshold)} (MAX_REJECTED_SHARE)`
          : `${source}: ${q.rejected} of ${q.read} rows rejected`,
        details: { read: q.read, kept: q.kept, rejected: q.rejected, byReason: q.byReason },
      };
    });
}

/**
 * Per part of a record (COVERAGE_PARTS): the share of occupations carrying it may fall at most
 * `maxCoverageDrop` (in share units) against latest. Records are the union of sources, so the
 * occupation count can stay put while a part silently goes missing; this is what catches it.
 */
function coverageChecks({ candidate, baseline, config }: GateInput): GateCheck[] {
  const threshold = config.maxCoverageDrop;
  return COVERAGE_PARTS.map((part, i): GateCheck => {
    const after = coverageShare(candidate, i);
    if (!baseline || baseline.records.length === 0) {
      return {
        name: 'coverage',
        part: part.name,
        status: 'skip',
        threshold,
        observed: null,
        message: `coverage of ${part.name}: no previous snapshot to compare with`,
        details: { after },
      };
    }
    const before = coverageShare(baseline.records, i);
    const drop = before - after;
    const fail = drop > threshold + 1e-12;
    const details: Record<string, unknown> = { before, after };
    if (drop > 0) {
      const now = new Map(candidate.map((r) => [r.soc, r.coverage[i] === true]));
      const lost = baseline.records.filter((r) => r.coverage[i] === true && now.get(r.soc) !== true);
      details.lostCount = lost.length;
      details.lostSample = lost.slice(0, 20).map((r) => r.soc);
    }
    return {
      name: 'coverage',
      part: part.name,
      status: fail ? 'fail' : 'pass',
      threshold,
      observed: drop,
      message: fail
        ? `coverage of ${part.name} fell from ${pct(before)} to ${pct(after)} of occupations, more than the allowed ${(threshold * 100).toFixed(1)} points (GATE_MAX_COVERAGE_DROP); e.g. ${((details.lostSample as string[]) ?? []).slice(0, 5).join(', ')}`
        : `coverage of ${part.name} ${pct(before)} → ${pct(after)}`,
      details,
    };
  });
}

function coverageShare(records: readonly GateFacts[], part: number): number {
  if (records.length === 0) return 0;
  let n = 0;
  for (const r of records) if (r.coverage[part] === true) n += 1;
  return n / records.length;
}

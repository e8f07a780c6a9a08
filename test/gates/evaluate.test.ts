import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { evaluateGates, gateFacts } from '../../src/gates/evaluate.js';
import { qualityReportFrom } from '../../src/gates/quality.js';
import { DEFAULT_GATE_CONFIG, describeFailures, gateConfigFrom } from '../../src/gates/report.js';
import type { OccupationRecord } from '../../src/model/occupation.js';
import { RejectCollector } from '../../src/validate/rejects.js';
import { occupations } from '../store/support.js';

const quality = (sources: Record<string, { read: number; rejected: number }> = {}) => ({
  sources: Object.fromEntries(
    Object.entries(sources).map(([k, v]) => [
      k,
      { read: v.read, kept: v.read - v.rejected, rejected: v.rejected, byReason: {} },
    ]),
  ),
  rejects: [],
  warnings: [],
  unmatched: {},
});

function run(candidate: OccupationRecord[], baseline: OccupationRecord[] | null, q = quality()) {
  return evaluateGates({
    candidate: candidate.map(gateFacts),
    quality: q,
    baseline: baseline ? { id: '20261127T030000Z-00000000', records: baseline.map(gateFacts) } : null,
    config: DEFAULT_GATE_CONFIG,
  });
}
const check = (r: ReturnType<typeof run>, name: string) => r.checks.find((c) => c.name === name)!;

function withMedian(records: OccupationRecord[], i: number, factor: number) {
  const n = records[i]!.wages!.national!;
  n.annual.median = Math.round(n.annual.median! * factor);
}

describe('quality gates', () => {
  it('skips comparison gates for the first snapshot and passes', () => {
    const r = run(occupations(10), null);
    expect(r.passed).toBe(true);
    expect(r.baseline).toBeNull();
    expect(['occupation_count', 'wage_shift', 'scored_share'].map((n) => check(r, n).status)).toEqual([
      'skip',
      'skip',
      'skip',
    ]);
  });

  it('fails when the occupation count drops by more than 5 % and passes at exactly 5 %', () => {
    const base = occupations(100);
    expect(check(run(base.slice(0, 95), base), 'occupation_count').status).toBe('pass');
    const r = run(base.slice(0, 94), base);
    expect(r.passed).toBe(false);
    expect(check(r, 'occupation_count')).toMatchObject({ status: 'fail', observed: 0.06 });
    expect(check(r, 'occupation_count').details).toMatchObject({ before: 100, after: 94, missingCount: 6 });
    expect(describeFailures(r)[0]).toMatch(/fell from 100 to 94 \(6\.0 %\).*GATE_MAX_OCCUPATION_DROP/);
  });

  it('fails when more than 20 % of occupations move their median wage by more than 25 %', () => {
    const base = occupations(10);
    const ok = occupations(10);
    withMedian(ok, 0, 1.3);
    withMedian(ok, 1, 0.7);
    withMedian(ok, 2, 1.2); // 20 %: within the shift
    expect(check(run(ok, base), 'wage_shift')).toMatchObject({ status: 'pass', observed: 0.2 });
    const bad = occupations(10);
    for (const i of [0, 1, 2]) withMedian(bad, i, 1.5);
    const r = check(run(bad, base), 'wage_shift');
    expect(r).toMatchObject({ status: 'fail', observed: 0.3 });
    expect(r.details!.largest as { soc: string }[]).toHaveLength(3);
  });

  it('compares hourly medians when annual ones are missing, and skips when nothing is comparable', () => {
    const base = occupations(2);
    const cand = occupations(2);
    for (const r of [...base, ...cand]) r.wages!.national!.annual.median = null;
    cand[0]!.wages!.national!.hourly.median = cand[0]!.wages!.national!.hourly.median! * 2;
    expect(check(run(cand, base), 'wage_shift')).toMatchObject({ status: 'fail', observed: 0.5 });
    for (const r of [...base, ...cand]) r.wages = null;
    expect(check(run(cand, base), 'wage_shift').status).toBe('skip');
  });

  it('fails when the scored share falls by more than 10 points', () => {
    const base = occupations(10);
    const one = occupations(10);
    one[0]!.resilience = null;
    expect(check(run(one, base), 'scored_share').status).toBe('pass'); // exactly 10 points
    const two = occupations(10);
    two[0]!.resilience = null;
    two[1]!.resilience!.score = null;
    const r = check(run(two, base), 'scored_share');
    expect(r.status).toBe('fail');
    expect(r.observed).toBeCloseTo(0.2, 10);
  });

  it('fails when the share of occupations carrying a part falls by more than 2 points, naming the part, both shares and SOCs', () => {
    const base = occupations(100);
    const cand = occupations(100);
    for (const i of [10, 20, 30]) cand[i]!.wages = null; // 100 % → 97 %: the count is unchanged
    const r = run(cand, base);
    expect(check(r, 'occupation_count').status).toBe('pass');
    const national = r.checks.find((c) => c.name === 'coverage' && c.part === 'national wages')!;
    expect(national.status).toBe('fail');
    expect(national.observed).toBeCloseTo(0.03, 10);
    expect(national.details).toMatchObject({
      before: 1,
      after: 0.97,
      lostCount: 3,
      lostSample: [cand[10]!.soc, cand[20]!.soc, cand[30]!.soc],
    });
    expect(describeFailures(r)).toEqual([
      expect.stringMatching(
        /^coverage of national wages fell from 100\.0 % to 97\.0 %.*GATE_MAX_COVERAGE_DROP.*e\.g\. /,
      ),
    ]);
    const two = occupations(100);
    for (const i of [10, 20]) two[i]!.wages = null; // exactly 2 points: allowed
    expect(run(two, base).passed).toBe(true);
  });

  it('gates every declared part, including parts a later source adds to the record', () => {
    const withPart = (records: OccupationRecord[], n: number) =>
      records.map((r, i) => (i < n ? { ...r, tasks: ['a task'] } : r) as OccupationRecord);
    const r = run(withPart(occupations(50), 40), withPart(occupations(50), 50));
    const tasks = r.checks.find((c) => c.name === 'coverage' && c.part === 'onet tasks')!;
    expect(tasks).toMatchObject({ status: 'fail', details: { before: 1, after: 0.8 } });
  });

  it('fails a source whose rejected share exceeds MAX_REJECTED_SHARE, naming the source', () => {
    const r = run(
      occupations(5),
      null,
      quality({
        oews: { read: 1000, rejected: 20 },
        ep: { read: 100, rejected: 3 },
        careeronestop: { read: 0, rejected: 0 },
      }),
    );
    const bySource = Object.fromEntries(
      r.checks.filter((c) => c.name === 'rejected_share').map((c) => [c.source, c.status]),
    );
    expect(bySource).toEqual({ oews: 'pass', ep: 'fail', careeronestop: 'skip' });
    expect(describeFailures(r)).toEqual([
      'ep: 3 of 100 rows rejected (3.0 %), more than the allowed 2.0 % (MAX_REJECTED_SHARE)',
    ]);
  });

  it('reads thresholds from the configuration', () => {
    const config = loadConfig({
      GATE_MAX_OCCUPATION_DROP: '0.1',
      MAX_REJECTED_SHARE: '0.05',
      SOURCES: 'exposure',
    });
    expect(gateConfigFrom(config)).toEqual({
      ...DEFAULT_GATE_CONFIG,
      maxOccupationDrop: 0.1,
      maxRejectedShare: 0.05,
    });
  });

  it('builds a quality report from the reject collector', () => {
    const c = new RejectCollector();
    c.read('oews', 10);
    c.kept('oews', 9);
    c.reject({
      source: 'oews',
      row: 4,
      field: 'A_MEDIAN',
      expected: 'a number',
      got: '"x"',
      reason: 'invalid A_MEDIAN',
    });
    c.warn({ source: 'ep', message: 'odd' });
    const q = qualityReportFrom(c, {
      occupations: 10,
      missing: {},
      unmatched: { oewsNotInEp: [], epNotInOews: [], stateOrAreaWithoutNational: [] },
      scoring: {
        methodology: '2.0',
        scored: 9,
        unscored: 1,
        unscoredByReason: { 'no EPOCH rating': 1 },
        unscoredByCause: { 'no EPOCH rating': 1 },
        byClassification: {},
        humanAdvantage: { rule: 9, manual: 0, missing: 1, ruleVersion: 'epoch-rule-1' },
      },
      warnings: [],
    });
    expect(q.sources.oews).toEqual({ read: 10, kept: 9, rejected: 1, byReason: { 'invalid A_MEDIAN': 1 } });
    expect(q.rejects).toHaveLength(1);
    expect(q.warnings).toEqual([{ source: 'ep', message: 'odd' }]);
    expect(q.scoring).toMatchObject({ scored: 9, unscored: 1, byReason: { 'no EPOCH rating': 1 } });
    expect(q.rejectedRows).toBe(1);
  });
});

import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import { checkExpectedCounts, checkRejectionThresholds } from '../../src/pipeline/qualityChecks.js';
import { OewsEstimateTable } from '../../src/readers/oewsEstimateTable.js';
import type { OewsEstimate } from '../../src/readers/oewsTypes.js';
import { RejectCollector } from '../../src/validate/rejects.js';

const figures = { p10: null, p25: null, median: null, p75: null, p90: null, mean: null };
function estimates(n: number): OewsEstimateTable {
  const list: OewsEstimate[] = Array.from({ length: n }, (_, i) => ({
    areaType: 'national',
    areaCode: '99',
    areaName: 'U.S.',
    state: null,
    soc: `11-${String(1000 + i)}`,
    title: `Occupation ${i}`,
    group: 'detailed',
    employment: 100,
    annual: figures,
    hourly: figures,
    topCoded: [],
    notAvailable: [],
  }));
  return OewsEstimateTable.from(list);
}

describe('run-level quality checks', () => {
  it('fails a national release with far fewer detailed occupations than expected, saying so', () => {
    expect(() =>
      checkExpectedCounts(
        { release: 'May 2024', estimates: estimates(120) },
        { minDetailed: 700, previousCount: null },
      ),
    ).toThrow(/120 detailed occupations; expected at least 700/);
  });

  it('fails when the count falls far below the previous snapshot', () => {
    expect(() =>
      checkExpectedCounts(
        { release: 'May 2024', estimates: estimates(750) },
        { minDetailed: 700, previousCount: 831 },
      ),
    ).not.toThrow();
    expect(() =>
      checkExpectedCounts(
        { release: 'May 2024', estimates: estimates(600) },
        { minDetailed: 10, previousCount: 831 },
      ),
    ).toThrow(/far fewer than the 831 of the previous snapshot/);
  });

  it('fails a source whose rejected share exceeds the threshold, naming the top reasons', () => {
    const rejects = new RejectCollector();
    rejects.read('oews', 100);
    rejects.kept('oews', 95);
    for (let i = 0; i < 5; i++) {
      rejects.reject({
        source: 'oews',
        row: i + 2,
        field: 'value',
        expected: 'a number',
        got: '"abc"',
        reason: 'non-numeric value',
      });
    }
    expect(() => checkRejectionThresholds(rejects, { MAX_REJECTED_SHARE: 0.1 })).not.toThrow();
    let err: unknown;
    try {
      checkRejectionThresholds(rejects, { MAX_REJECTED_SHARE: 0.02 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as Error).message).toMatch(
      /oews: 5 of 100 rows rejected \(5\.0 %, limit 2\.0 %\): non-numeric value ×5/,
    );
  });
});

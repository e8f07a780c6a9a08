import { describe, expect, it } from 'vitest';
import { ProgressionLevel } from '../../src/model/occupation.js';
import { careerProgression } from '../../src/model/progression.js';

// 29-2072 Medical Records Specialists, OEWS May 2023 national annual percentiles (docs/resilience-v2.md, "Career progression").
const may2023 = { p10: 35_080, p25: 39_620, median: 48_780, p75: 61_960, p90: 77_810 };
const TOP_CODE = 239_200;

describe('careerProgression', () => {
  it('gives the five levels of the careers page for 29-2072, each with a ±10 % band', () => {
    expect(careerProgression(may2023, [], TOP_CODE)).toEqual([
      {
        level: 'Entry',
        percentile: 10,
        annual: 35_080,
        low: 31_572,
        high: 38_588,
        years: { min: 0, typical: 1, max: 2 },
      },
      {
        level: 'Early Career',
        percentile: 25,
        annual: 39_620,
        low: 35_658,
        high: 43_582,
        years: { min: 2, typical: 4, max: 6 },
      },
      {
        level: 'Mid-Career',
        percentile: 50,
        annual: 48_780,
        low: 43_902,
        high: 53_658,
        years: { min: 5, typical: 10, max: 15 },
      },
      {
        level: 'Experienced',
        percentile: 75,
        annual: 61_960,
        low: 55_764,
        high: 68_156,
        years: { min: 10, typical: 15, max: 20 },
      },
      {
        level: 'Expert',
        percentile: 90,
        annual: 77_810,
        low: 70_029,
        high: 85_591,
        years: { min: 15, typical: 20, max: 30 },
      },
    ]);
  });

  it('rounds band edges to whole dollars', () => {
    const [entry] = careerProgression({ ...may2023, p10: 35_085 }, [], TOP_CODE);
    expect(entry).toMatchObject({ annual: 35_085, low: 31_577, high: 38_594 });
  });

  it('gives a top-coded percentile a lower bound only: annual null, low = the top code, high null', () => {
    const levels = careerProgression(
      { p10: 120_000, p25: 180_000, median: null, p75: null, p90: null },
      ['annual.median', 'annual.p75', 'annual.p90', 'hourly.median', 'hourly.p75', 'hourly.p90'],
      TOP_CODE,
    );
    expect(levels[1]).toMatchObject({ level: 'Early Career', annual: 180_000, low: 162_000, high: 198_000 });
    expect(levels[1]?.topCoded).toBeUndefined();
    for (const level of levels.slice(2)) {
      expect(level).toMatchObject({ annual: null, low: TOP_CODE, high: null, topCoded: true });
    }
    for (const level of levels) expect(ProgressionLevel.parse(level)).toEqual(level);
  });

  it('accepts top-coded fields named without the annual. prefix', () => {
    const levels = careerProgression({ ...may2023, p90: null }, ['p90'], 208_000);
    expect(levels[4]).toMatchObject({
      level: 'Expert',
      annual: null,
      low: 208_000,
      high: null,
      topCoded: true,
    });
  });

  it('ignores an hourly-only top code and keeps the annual figure', () => {
    const levels = careerProgression(may2023, ['hourly.p90'], TOP_CODE);
    expect(levels[4]).toMatchObject({ annual: 77_810, low: 70_029, high: 85_591 });
  });

  it('leaves a percentile that is not available as nulls, not zero and not the top code', () => {
    const levels = careerProgression({ ...may2023, p25: null }, [], TOP_CODE);
    expect(levels).toHaveLength(5);
    expect(levels[1]).toEqual({
      level: 'Early Career',
      percentile: 25,
      annual: null,
      low: null,
      high: null,
      years: { min: 2, typical: 4, max: 6 },
    });
  });
});

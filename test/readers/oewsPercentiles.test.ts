import { describe, expect, it } from 'vitest';
import { type PercentileKind, percentileViolations } from '../../src/readers/oewsPercentiles.js';

/** p10 … p90 as a number, '#' (top-coded) or null (anything else). */
const check = (figures: (number | '#' | null)[]) =>
  percentileViolations(
    (at): PercentileKind => {
      const f = figures[at];
      return typeof f === 'number' ? 'value' : f === '#' ? 'topCoded' : 'other';
    },
    (at) => figures[at] as number,
  );

describe('percentileViolations', () => {
  it('finds nothing in order, with equal neighbours, gaps, or top-coded ones at the top', () => {
    expect(check([10, 20, 20, 30, 40])).toEqual([]);
    expect(check([10, null, 30, null, 40])).toEqual([]);
    expect(check([10, 20, '#', '#', '#'])).toEqual([]);
    expect(check([null, null, null, null, null])).toEqual([]);
  });

  it('names each plain figure below the plain one before it (gaps skipped)', () => {
    expect(check([10, 5, 20, null, 15])).toEqual([
      { at: 1, against: 0, kind: 'decreasing' },
      { at: 4, against: 2, kind: 'decreasing' },
    ]);
  });

  it('names each plain figure above a top-coded one, against the first top-coded', () => {
    expect(check([10, '#', 30, '#', 50])).toEqual([
      { at: 2, against: 1, kind: 'aboveTopCoded' },
      { at: 4, against: 1, kind: 'aboveTopCoded' },
    ]);
  });
});

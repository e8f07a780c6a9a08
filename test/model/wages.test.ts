import { describe, expect, it } from 'vitest';
import { compactWageMaps } from '../../src/model/wages.js';

describe('compactWageMaps', () => {
  it('rebuilds a parsed record’s state and area maps sorted by code, with the same content', () => {
    const block = (median: number) => ({
      employment: 10,
      annual: { p10: null, p25: null, median, p75: null, p90: null, mean: null },
      hourly: { p10: null, p25: null, median: null, p75: null, p90: null, mean: null },
      topCoded: [],
      notAvailable: [],
    });
    const parsed = JSON.parse(
      JSON.stringify({
        soc: '13-2011',
        wages: {
          release: 'May 2024',
          topCode: { annual: 239_200, hourly: 115 },
          national: block(70),
          states: { TX: block(80), AL: block(75) },
          areas: {
            '0035620': { ...block(90), name: 'NY', type: 'metro' },
            '0010180': { ...block(60), name: 'Abilene', type: 'metro' },
          },
        },
      }),
    );
    const before = JSON.parse(JSON.stringify(parsed));
    const rec = compactWageMaps(parsed);
    expect(Object.keys(rec.wages.states)).toEqual(['AL', 'TX']);
    expect(Object.keys(rec.wages.areas)).toEqual(['0010180', '0035620']);
    expect(Object.getPrototypeOf(rec.wages.areas)).toBeNull();
    expect(JSON.parse(JSON.stringify(rec))).toEqual(before);
    expect(compactWageMaps({ wages: null })).toEqual({ wages: null });
  });
});

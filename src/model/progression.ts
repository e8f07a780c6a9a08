/**
 * Career progression shown on the careers page: five levels read from the OEWS annual percentiles
 * of one release, each with a ±10 % band (docs/resilience-v2.md, "Career progression").
 */
import type { PROGRESSION_LEVEL_NAMES, ProgressionLevel } from './occupation.js';

type PercentileKey = 'p10' | 'p25' | 'median' | 'p75' | 'p90';

export const PROGRESSION_LEVELS: ReadonlyArray<{
  level: (typeof PROGRESSION_LEVEL_NAMES)[number];
  key: PercentileKey;
  percentile: number;
  years: { min: number; typical: number; max: number };
}> = [
  { level: 'Entry', key: 'p10', percentile: 10, years: { min: 0, typical: 1, max: 2 } },
  { level: 'Early Career', key: 'p25', percentile: 25, years: { min: 2, typical: 4, max: 6 } },
  { level: 'Mid-Career', key: 'median', percentile: 50, years: { min: 5, typical: 10, max: 15 } },
  { level: 'Experienced', key: 'p75', percentile: 75, years: { min: 10, typical: 15, max: 20 } },
  { level: 'Expert', key: 'p90', percentile: 90, years: { min: 15, typical: 20, max: 30 } },
];

/** Width of the band around each level's wage, in percent. */
export const PROGRESSION_BAND_PERCENT = 10;

/**
 * The five levels, always in order. A top-coded percentile (named in `topCodedFields` as
 * `annual.p90` or `p90`) gives `annual: null`, `low` = the release's annual top code, `high: null`;
 * a percentile that is simply not available gives nulls throughout. Never an invented figure.
 */
export function careerProgression(
  annual: Record<PercentileKey, number | null>,
  topCodedFields: readonly string[],
  topCodeAnnual: number,
): ProgressionLevel[] {
  const topCoded = new Set(topCodedFields.map((f) => f.replace(/^annual\./, '')));
  return PROGRESSION_LEVELS.map(({ level, key, percentile, years }) => {
    if (topCoded.has(key)) {
      return {
        level,
        percentile,
        annual: null,
        low: topCodeAnnual,
        high: null,
        topCoded: true,
        years: { ...years },
      };
    }
    const wage = annual[key];
    if (wage === null || !Number.isFinite(wage)) {
      return { level, percentile, annual: null, low: null, high: null, years: { ...years } };
    }
    return {
      level,
      percentile,
      annual: wage,
      // Integer arithmetic before dividing keeps 35,080 × 1.1 at exactly 38,588.
      low: Math.round((wage * (100 - PROGRESSION_BAND_PERCENT)) / 100),
      high: Math.round((wage * (100 + PROGRESSION_BAND_PERCENT)) / 100),
      years: { ...years },
    };
  });
}

/**
 * One generated OEWS estimate per (area or industry, occupation), in the symbols BLS publishes:
 * a number, `#` (at or above the top code) or `*` (not available). The flat-file and workbook
 * writers both render these, so the two formats carry the same figures.
 */
import type { Occupation } from './occupations.js';
import { random } from './random.js';

export const TOP_CODE = { annual: 239_200, hourly: 115 } as const;
export const HOURS_PER_YEAR = 2080;

export type Cell = number | '#' | '*';

export interface Estimate {
  employment: number | '*';
  empRse: number | '*';
  jobs1000: number | '*';
  locQuotient: number | '*';
  /** p10, p25, median, p75, p90, mean; all `*` for an hourly-only occupation. */
  annual: Cell[];
  hourly: Cell[];
  wageRse: number;
}

export interface Scope {
  key: string;
  wageFactor: number;
  employmentShare: number;
}

const round = (n: number, step: number) => Math.round(n / step) * step;
const fixed = (n: number, decimals: number) => Number(n.toFixed(decimals));

export function estimateFor(o: Occupation, scope: Scope): Estimate {
  const national = scope.key === 'national';
  const rng = random(`${scope.key}:${o.code}`);
  const factor = national ? 1 : scope.wageFactor * (1 + 0.06 * rng.gauss());
  const employment = national
    ? o.national.employment
    : Math.max(30, round(o.national.employment * scope.employmentShare * (0.4 + 1.2 * rng.next()), 10));
  const annualRaw = o.national.annual.map((v) => round(v * factor, 10));
  const annual: Cell[] = annualRaw.map((v, i) => (i < 5 && v >= TOP_CODE.annual ? '#' : v));
  const hourly: Cell[] = annualRaw.map((v, i) => {
    const h = fixed(v / HOURS_PER_YEAR, 2);
    return i < 5 && h >= TOP_CODE.hourly ? '#' : h;
  });
  // A few published gaps, as in the real files: one percentile, or the employment figure.
  if (!national && rng.chance(0.02)) {
    const i = rng.int(0, 4);
    if (annual[i] !== '#') {
      annual[i] = '*';
      hourly[i] = '*';
    }
  }
  const noEmployment = !national && rng.chance(0.01);
  const share = employment / (153_000_000 * scope.employmentShare);
  const e: Estimate = {
    employment: noEmployment ? '*' : employment,
    empRse: noEmployment ? '*' : fixed(0.5 + 14 * rng.next(), 1),
    jobs1000: noEmployment ? '*' : fixed(share * 1000, 3),
    locQuotient: noEmployment ? '*' : national ? 1 : fixed(0.3 + 1.6 * rng.next(), 2),
    annual,
    hourly,
    wageRse: fixed(0.3 + 8 * rng.next(), 1),
  };
  if (o.wages === 'hourlyOnly') e.annual = e.annual.map(() => '*');
  if (o.wages === 'annualOnly') e.hourly = e.hourly.map(() => '*');
  return e;
}

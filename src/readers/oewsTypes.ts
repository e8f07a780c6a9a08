/**
 * The common output of both OEWS readers (yearly xlsx and time-series flat files): one estimate per
 * (area, occupation), already decoded from BLS symbols into numbers or nulls-with-a-name.
 * For the same figures both readers must produce identical estimates (tested).
 */
import type { FigureField, WageFigures } from '../model/occupation.js';
import type { OewsEstimateTable } from './oewsEstimateTable.js';

export type OewsAreaType = 'national' | 'state' | 'territory' | 'metro' | 'nonmetro';
export type OewsGroup = 'total' | 'major' | 'minor' | 'broad' | 'detailed';

export interface OewsEstimate {
  areaType: OewsAreaType;
  /** "99" for the U.S., the 2-digit state FIPS code, or the metro/nonmetro area code (e.g. "0010180"). */
  areaCode: string;
  areaName: string;
  /** Two-letter postal code for state/territory rows, else null. */
  state: string | null;
  soc: string;
  title: string;
  group: OewsGroup;
  employment: number | null;
  annual: WageFigures;
  hourly: WageFigures;
  /** Fields given as `#` (xlsx) or `-` with footnote 5 (flat files). */
  topCoded: FigureField[];
  /** Fields given as `*`, `**` (xlsx) or `-` with footnote 8 / absent (flat files). */
  notAvailable: FigureField[];
  /** Fields whose row the reader refused (flat files: a bad value or year; named in the rejects). */
  rejected?: FigureField[];
}

export interface OewsReadResult {
  /** e.g. "May 2024". */
  release: string;
  /** Stored by column (see oewsEstimateTable.ts); `get(i)` or iteration gives plain estimates. */
  estimates: OewsEstimateTable;
}

/** Top codes by release year (docs/bls.md §2): May 2022–2024 $115.00/$239,200; May 2020–2021 $100.00/$208,000. */
export function topCodeFor(year: number): { annual: number; hourly: number } {
  return year >= 2022 ? { annual: 239_200, hourly: 115 } : { annual: 208_000, hourly: 100 };
}

/** Canonical field order, so `topCoded`/`notAvailable` lists compare equal across readers. */
export const FIGURE_FIELD_ORDER: FigureField[] = [
  'employment',
  'annual.p10',
  'annual.p25',
  'annual.median',
  'annual.p75',
  'annual.p90',
  'annual.mean',
  'hourly.p10',
  'hourly.p25',
  'hourly.median',
  'hourly.p75',
  'hourly.p90',
  'hourly.mean',
];

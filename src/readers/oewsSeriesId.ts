/**
 * OEWS time-series ids (docs/bls.md §3): `OE` + seasonal `U` + area type (N/S/M) + area (7) +
 * industry (6; `000000` = cross-industry) + occupation (6, no hyphen) + datatype (2) = 25 chars.
 * Example: `OEUN000000000000029207213` = national, cross-industry, 29-2072, annual median.
 */
import type { FigureField } from '../model/occupation.js';

export type OewsSeriesAreaType = 'N' | 'S' | 'M';

export interface OewsSeriesId {
  areaType: OewsSeriesAreaType;
  area: string;
  industry: string;
  occupation: string;
  datatype: string;
}

export const SERIES_ID_LENGTH = 25;
export const CROSS_INDUSTRY = '000000';
export const SERIES_ID_EXPECTED =
  'a 25-character OEWS series id: OEU + area type N/S/M + area (7 digits) + industry (6) + occupation (6) + datatype 01-17';

const SERIES_ID = /^OEU([NSM])(\d{7})(\d{6})(\d{6})(\d{2})$/;

/** Decode a (trimmed) series id; null when it is not an OEWS id of the documented shape. */
export function decodeSeriesId(id: string): OewsSeriesId | null {
  const m = SERIES_ID.exec(id);
  if (!m) return null;
  const datatype = m[5]!;
  const n = Number(datatype);
  if (n < 1 || n > 17) return null;
  return {
    areaType: m[1] as OewsSeriesAreaType,
    area: m[2]!,
    industry: m[3]!,
    occupation: m[4]!,
    datatype,
  };
}

/** "292072" → "29-2072". */
export function socFromOccupationCode(code: string): string {
  return `${code.slice(0, 2)}-${code.slice(2)}`;
}

/** The datatypes that carry a figure the snapshot publishes, and the field each one fills. */
export const DATATYPE_FIELDS: Readonly<Record<string, FigureField>> = {
  '01': 'employment',
  '03': 'hourly.mean',
  '04': 'annual.mean',
  '06': 'hourly.p10',
  '07': 'hourly.p25',
  '08': 'hourly.median',
  '09': 'hourly.p75',
  '10': 'hourly.p90',
  '11': 'annual.p10',
  '12': 'annual.p25',
  '13': 'annual.median',
  '14': 'annual.p75',
  '15': 'annual.p90',
};

/** Default `keepDatatypes`: everything the snapshot publishes (not the RSEs, jobs per 1,000 or LQ). */
export const PUBLISHED_DATATYPES: readonly string[] = Object.keys(DATATYPE_FIELDS).sort();

const B_O = 0x4f;
const B_E = 0x45;
const B_U = 0x55;
const B_N = 0x4e;
const B_S = 0x53;
const B_M = 0x4d;
const B_0 = 0x30;
const B_9 = 0x39;
const B_SPACE = 0x20;
const B_TAB = 0x09;
const B_CR = 0x0d;

const isDigit = (b: number | undefined) => b !== undefined && b >= B_0 && b <= B_9;

/**
 * Byte-level pre-filter for one line of `oe.data.*` (`buf[start..end)`, without the `\n`), before any
 * parsing. Returns true when the line must go on to the CSV parser:
 *  - a well-formed cross-industry series of a kept datatype (the rows the snapshot uses), or
 *  - anything that does not look like a well-formed series id, so that the reader rejects it with
 *    its line number instead of it vanishing silently.
 * Only well-formed ids of another industry, an unkept datatype or (with `dropOccupation`) a dropped
 * occupation are dropped. Whitespace-only lines are dropped too (the parser would skip them anyway).
 * `keepDatatype[n]` is 1 when datatype n (1-17) is kept; `dropOccupation[code]` is 1 when the
 * occupation with that six-digit code is not wanted (see `occupationMask`).
 */
export function seriesLineWanted(
  buf: Uint8Array,
  start: number,
  end: number,
  keepDatatype: Uint8Array,
  dropOccupation?: Uint8Array,
): boolean {
  if (end <= start) return false;
  const first = buf[start];
  if (first === B_SPACE || first === B_TAB || first === B_CR) {
    // Leading whitespace: blank lines are dropped, anything else goes to the parser (which trims).
    for (let i = start; i < end; i++) {
      const b = buf[i]!;
      if (b !== B_SPACE && b !== B_TAB && b !== B_CR) return true;
    }
    return false;
  }
  if (end - start < SERIES_ID_LENGTH) return true;
  const s = start;
  const t = buf[s + 3];
  if (buf[s] !== B_O || buf[s + 1] !== B_E || buf[s + 2] !== B_U || (t !== B_N && t !== B_S && t !== B_M)) {
    return true;
  }
  for (let i = s + 4; i < s + SERIES_ID_LENGTH; i++) if (!isDigit(buf[i])) return true;
  if (end > s + SERIES_ID_LENGTH) {
    const after = buf[s + SERIES_ID_LENGTH];
    if (after !== B_SPACE && after !== B_TAB && after !== B_CR) return true;
  }
  const datatype = (buf[s + 23]! - B_0) * 10 + (buf[s + 24]! - B_0);
  if (datatype < 1 || datatype > 17) return true;
  for (let i = s + 11; i < s + 17; i++) if (buf[i] !== B_0) return false;
  if (keepDatatype[datatype] !== 1) return false;
  if (dropOccupation === undefined) return true;
  let occupation = 0;
  for (let i = s + 17; i < s + 23; i++) occupation = occupation * 10 + (buf[i]! - B_0);
  return dropOccupation[occupation] !== 1;
}

/**
 * Lookup table for `seriesLineWanted`'s `dropOccupation`, indexed by the six-digit occupation code
 * as a number: 1 for the codes given. Codes not given (including any missing from oe.occupation)
 * stay 0 and pass, so the reader can reject unknown ones with their line number.
 */
export function occupationMask(codes: Iterable<string>): Uint8Array {
  const mask = new Uint8Array(1_000_000);
  for (const code of codes) if (/^\d{6}$/.test(code)) mask[Number(code)] = 1;
  return mask;
}

/** Lookup table for `seriesLineWanted` from datatype codes ("01".."17"). */
export function datatypeMask(datatypes: readonly string[]): Uint8Array {
  const mask = new Uint8Array(18);
  for (const d of datatypes) {
    const n = Number(d);
    if (Number.isInteger(n) && n >= 1 && n <= 17) mask[n] = 1;
  }
  return mask;
}

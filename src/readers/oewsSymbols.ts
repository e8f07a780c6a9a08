/**
 * BLS OEWS cell symbols (docs/bls.md §2, §3), decoded in one place for both OEWS readers:
 * `*` wage not available, `**` employment not available, `#` at or above the top code (xlsx);
 * `-` with footnote 5 (top-coded) or 8 / anything else (not released) in the flat files, whose
 * numbers are plain digits (a `1,234` there is invalid, where a workbook cell may carry separators).
 * A `#` is never turned into the cap as a number: it stays "top-coded", and the reader publishes null.
 */

export type OewsCell =
  | { kind: 'value'; value: number }
  | { kind: 'topCoded' }
  | { kind: 'notAvailable'; symbol: string }
  | { kind: 'invalid'; got: string };

/** Plain or thousands-separated decimal, optionally negative: "55970", "55,970", "24.16", "-1.5". */
const NUMERIC = /^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$|^-?\.\d+$/;

/** Parse a numeric string the way BLS writes numbers; undefined when it is not one. */
export function parseNumericText(text: string): number | undefined {
  const t = text.trim();
  if (!NUMERIC.test(t)) return undefined;
  const n = Number(t.replaceAll(',', ''));
  return Number.isFinite(n) ? n : undefined;
}

/**
 * One yearly-workbook cell → number | top-coded | not available | invalid. Numeric cells may arrive
 * as numbers or numeric strings; symbols are strings. A blank cell is "not available" (symbol "").
 */
export function decodeOewsCell(raw: unknown): OewsCell {
  if (typeof raw === 'number') {
    return Number.isFinite(raw) ? { kind: 'value', value: raw } : { kind: 'invalid', got: String(raw) };
  }
  if (raw === null || raw === undefined) return { kind: 'notAvailable', symbol: '' };
  if (typeof raw !== 'string') return { kind: 'invalid', got: JSON.stringify(raw) };
  const t = raw.trim();
  if (t === '') return { kind: 'notAvailable', symbol: '' };
  if (t === '#') return { kind: 'topCoded' };
  if (t === '*' || t === '**') return { kind: 'notAvailable', symbol: t };
  const n = parseNumericText(t);
  return n === undefined ? { kind: 'invalid', got: raw } : { kind: 'value', value: n };
}

/** Footnote code the flat files put on a `-` value that is at or above the top code. */
export const FLAT_FOOTNOTE_TOP_CODED = '5';
/** Footnote code for "estimate not released". @public (BLS's code list, for readers of other layouts) */
export const FLAT_FOOTNOTE_NOT_RELEASED = '8';

/** A flat-file number: plain digits with an optional fraction (no separators, no sign). */
const FLAT_NUMBER = /^\d+(?:\.\d+)?$/;

/**
 * One flat-file `value` + `footnote_codes` → the same decoded form as an xlsx cell. `-` with
 * footnote 5 is top-coded; any other `-` is not available (footnote 8 is the usual one). Only the
 * spaces the files pad cells with are trimmed (csv-parse has usually done that already).
 */
export function decodeOewsFlatValue(value: string, footnoteCodes = ''): OewsCell {
  const t = trimSpaces(value);
  if (t === '-') {
    const codes = footnoteCodes.split(/[\s,;]+/).filter(Boolean);
    return codes.includes(FLAT_FOOTNOTE_TOP_CODED)
      ? { kind: 'topCoded' }
      : { kind: 'notAvailable', symbol: codes.length > 0 ? `-(${codes.join(',')})` : '-' };
  }
  return FLAT_NUMBER.test(t) ? { kind: 'value', value: Number(t) } : { kind: 'invalid', got: value };
}

const SPACE = 0x20;

function trimSpaces(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && text.charCodeAt(start) === SPACE) start++;
  while (end > start && text.charCodeAt(end - 1) === SPACE) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

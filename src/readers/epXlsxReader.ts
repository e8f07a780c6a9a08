/**
 * BLS Employment Projections workbook (`occupation.xlsx`, docs/bls.md §4) → one row per occupation of
 * Table 1.2. The sheet, the header row and every column are found by content with year-agnostic
 * patterns (en dashes, `[1]` marks and " xlsx" suffixes vary by release). Employment, change and
 * openings are published in thousands and returned in persons; `>=$239,200` is a lower bound, not a
 * wage; `—` is "not available"; the word "None" is a category and stays "None".
 */
import path from 'node:path';
import { z } from 'zod';
import { errorMessage, ValidationError } from '../errors.js';
import { CHANGE_PERCENT_RANGE, EMPLOYMENT_CEILING, titleProblem, wageProblem } from '../validate/bounds.js';
import { type RejectCollector, rejectsFromZod } from '../validate/rejects.js';
import { reportJson } from '../validate/truncate.js';
import { parseNumericText } from './oewsSymbols.js';
import { topCodeFor } from './oewsTypes.js';
import { DEFAULT_READ_LIMITS, type ReadLimits, rejectLongCell } from './readLimits.js';
import { cellText, openWorkbookReader, type PlainCell } from './workbook.js';

const SOURCE = 'ep';

/** Vocabularies of Table 1.2 (complete, docs/bls.md §4). */
export const EP_EDUCATION = [
  'Doctoral or professional degree',
  "Master's degree",
  "Bachelor's degree",
  "Associate's degree",
  'Postsecondary nondegree award',
  'Some college, no degree',
  'High school diploma or equivalent',
  'No formal educational credential',
] as const;
export const EP_EXPERIENCE = ['5 years or more', 'Less than 5 years', 'None'] as const;
export const EP_TRAINING = [
  'Internship/residency',
  'Apprenticeship',
  'Long-term on-the-job training',
  'Moderate-term on-the-job training',
  'Short-term on-the-job training',
  'None',
] as const;
export const EP_OCCUPATION_TYPES = ['Line item', 'Summary'] as const;

export type EpEducation = (typeof EP_EDUCATION)[number];
export type EpExperience = (typeof EP_EXPERIENCE)[number];
export type EpTraining = (typeof EP_TRAINING)[number];

export interface EpRow {
  soc: string;
  /** Sentence case, indentation trimmed. */
  title: string;
  occupationType: (typeof EP_OCCUPATION_TYPES)[number];
  /** Persons (the file has thousands with one decimal). Null when the cell is `—`. */
  employmentBase: number | null;
  employmentTarget: number | null;
  employmentChange: number | null;
  /** The published one-decimal percentage. */
  changePercent: number | null;
  /** Persons per year. */
  openingsAnnual: number | null;
  selfEmployedPercent: number | null;
  /** Integer dollars; null when top-coded (see medianWageAtLeast) or `—`. */
  medianWage: number | null;
  /** `>=$239,200` → 239200: a lower bound. */
  medianWageAtLeast: number | null;
  typicalEducation: EpEducation | null;
  workExperience: EpExperience | null;
  onTheJobTraining: EpTraining | null;
  /** 1-based row in the sheet. */
  row: number;
}

export interface EpReadResult {
  /** e.g. "2024-34". */
  release: string;
  baseYear: number;
  targetYear: number;
  rows: EpRow[];
  /** Name of the sheet that was read, e.g. "Table 1.2". */
  sheet: string;
  /** The year of the median wage, as its header publishes it (the base year, or the next one in 2019–29); absent: the base year. */
  wageYear?: number;
  /** When Table 1.2 lacks the worker characteristics: the sheet they were read from (Table 1.7 in 2019–29). */
  characteristicsSheet?: string;
}

type ColumnKey =
  | 'title'
  | 'soc'
  | 'occupationType'
  | 'employmentChange'
  | 'changePercent'
  | 'selfEmployedPercent'
  | 'openingsAnnual'
  | 'medianWage'
  | 'typicalEducation'
  | 'workExperience'
  | 'onTheJobTraining';

/** Year-agnostic header patterns, matched against the header with `[n]` marks removed. */
const COLUMN_PATTERNS: Record<ColumnKey, { pattern: RegExp; label: string }> = {
  title: { pattern: /national employment matrix title$/i, label: 'YYYY National Employment Matrix title' },
  soc: { pattern: /national employment matrix code$/i, label: 'YYYY National Employment Matrix code' },
  occupationType: { pattern: /^occupation type$/i, label: 'Occupation type' },
  employmentChange: {
    pattern: /^employment change, numeric\b/i,
    label: 'Employment change, numeric, YYYY–YY',
  },
  changePercent: { pattern: /^employment change, percent\b/i, label: 'Employment change, percent, YYYY–YY' },
  selfEmployedPercent: { pattern: /^percent self[- ]employed\b/i, label: 'Percent self employed, YYYY' },
  openingsAnnual: {
    pattern: /^occupational openings\b.*annual average$/i,
    label: 'Occupational openings, YYYY–YY annual average',
  },
  medianWage: { pattern: /^median annual wage\b/i, label: 'Median annual wage, dollars, YYYY' },
  typicalEducation: {
    pattern: /^typical education needed for entry$/i,
    label: 'Typical education needed for entry',
  },
  workExperience: {
    pattern: /^work experience in a related occupation$/i,
    label: 'Work experience in a related occupation',
  },
  onTheJobTraining: {
    pattern: /^typical on-the-job training needed\b/i,
    label: 'Typical on-the-job training needed to attain competency in the occupation',
  },
};
const EMPLOYMENT_YEAR = /^employment, (\d{4})$/i;
const TABLE_SHEET = /^table\s*1\.2(?![0-9])/i;
const NOT_AVAILABLE = new Set(['—', '–', '-', '']);

/** Header text without footnote marks, odd spaces or dash variants. */
function normalizeHeader(value: PlainCell): string {
  return typeof value === 'string'
    ? value
        .replace(/\[\d+\]/g, '')
        .replace(/\s+/g, ' ')
        .trim()
    : '';
}

const isMissing = (raw: unknown) =>
  raw === null || raw === undefined || (typeof raw === 'string' && NOT_AVAILABLE.has(raw.trim()));

/** `min`/`max` bound the value as published (thousands for counts: the ceiling is in persons). */
const number = (expected: string, opts: { scale?: number; min?: number; max?: number } = {}) =>
  z.unknown().transform((raw, ctx): number | null => {
    if (isMissing(raw)) return null;
    const n = typeof raw === 'number' ? raw : typeof raw === 'string' ? parseNumericText(raw) : undefined;
    if (
      n === undefined ||
      !Number.isFinite(n) ||
      (opts.min !== undefined && n < opts.min) ||
      (opts.max !== undefined && n > opts.max)
    ) {
      ctx.addIssue({ code: 'custom', message: expected });
      return z.NEVER;
    }
    // Thousands with one decimal → persons: round away the binary noise of 194.8 × 1000.
    return opts.scale ? Math.round(n * opts.scale) : n;
  });

const THOUSANDS_CEILING = EMPLOYMENT_CEILING / 1000;
const persons = (what: string, min: number | undefined) =>
  number(`${what} in thousands (a number from ${min ?? -THOUSANDS_CEILING} to ${THOUSANDS_CEILING}) or —`, {
    scale: 1000,
    min: min ?? -THOUSANDS_CEILING,
    max: THOUSANDS_CEILING,
  });

const category = <T extends string>(allowed: readonly T[]) =>
  z.unknown().transform((raw, ctx): T | null => {
    if (isMissing(raw)) return null;
    const t = typeof raw === 'string' ? raw.trim() : String(raw);
    if (!(allowed as readonly string[]).includes(t)) {
      ctx.addIssue({ code: 'custom', message: `one of ${allowed.join(' · ')} or — (not available)` });
      return z.NEVER;
    }
    return t as T;
  });

const wage = z.unknown().transform((raw, ctx) => {
  if (isMissing(raw)) return { medianWage: null, medianWageAtLeast: null };
  if (typeof raw === 'number' && Number.isFinite(raw) && raw >= 0) {
    return { medianWage: raw, medianWageAtLeast: null };
  }
  if (typeof raw === 'string') {
    const m = /^(>=|≥)?\s*\$?\s*([\d,]+(?:\.\d+)?)$/.exec(raw.trim());
    const n = m ? parseNumericText(m[2] ?? '') : undefined;
    if (m && n !== undefined) {
      return m[1] ? { medianWage: null, medianWageAtLeast: n } : { medianWage: n, medianWageAtLeast: null };
    }
  }
  ctx.addIssue({ code: 'custom', message: 'integer dollars, >=$N (top-coded) or — (not available)' });
  return z.NEVER;
});

const rowSchema = z.object({
  title: z.unknown().transform((raw, ctx) => {
    const t = typeof raw === 'string' ? raw.trim() : '';
    const problem = t === '' ? 'not empty' : titleProblem(t);
    if (problem) {
      ctx.addIssue({ code: 'custom', message: `an occupation title: ${problem}` });
      return z.NEVER;
    }
    return t;
  }),
  soc: z.unknown().transform((raw, ctx) => {
    const t = typeof raw === 'string' ? raw.trim() : '';
    if (!/^\d{2}-\d{4}$/.test(t)) {
      ctx.addIssue({ code: 'custom', message: 'a SOC code NN-NNNN' });
      return z.NEVER;
    }
    return t;
  }),
  occupationType: category(EP_OCCUPATION_TYPES).refine((v) => v !== null, {
    message: `one of ${EP_OCCUPATION_TYPES.join(' · ')}`,
  }),
  employmentBase: persons('employment', 0),
  employmentTarget: persons('employment', 0),
  employmentChange: persons('employment change', undefined),
  changePercent: number(`a percentage from ${CHANGE_PERCENT_RANGE[0]} to ${CHANGE_PERCENT_RANGE[1]} or —`, {
    min: CHANGE_PERCENT_RANGE[0],
    max: CHANGE_PERCENT_RANGE[1],
  }),
  openingsAnnual: persons('openings', 0),
  selfEmployedPercent: number('a percentage 0–100 or —', { min: 0, max: 100 }),
  medianWage: wage,
  typicalEducation: category(EP_EDUCATION),
  workExperience: category(EP_EXPERIENCE),
  onTheJobTraining: category(EP_TRAINING),
});

/** The worker characteristics: Table 1.2 has them from 2020–30 on; 2019–29 keeps them in Table 1.7. */
const CHARACTERISTIC_KEYS = ['medianWage', 'typicalEducation', 'workExperience', 'onTheJobTraining'] as const;
type CharacteristicKey = (typeof CHARACTERISTIC_KEYS)[number];
const isCharacteristicKey = (k: string): k is CharacteristicKey =>
  (CHARACTERISTIC_KEYS as readonly string[]).includes(k);

interface Layout {
  /** Without the characteristics when `characteristics` is false. */
  columns: Record<ColumnKey, number>;
  characteristics: boolean;
  base: { year: number; index: number };
  target: { year: number; index: number };
  /** The year of the median wage as its header publishes it (the base year in Table 1.2). */
  wageYear: number;
}

/** Columns of the worker characteristics in a header row, or null unless all of them are there. */
function characteristicColumns(texts: string[]): Record<CharacteristicKey, number> | null {
  const out: Partial<Record<CharacteristicKey, number>> = {};
  for (const key of CHARACTERISTIC_KEYS) {
    const i = texts.findIndex((t) => COLUMN_PATTERNS[key].pattern.test(t));
    if (i < 0) return null;
    out[key] = i;
  }
  return out as Record<CharacteristicKey, number>;
}

/**
 * Locate every needed column in a header row; throws naming the missing ones. The worker
 * characteristics may be missing all together (2019–29: they are in another table).
 */
function layoutOf(header: PlainCell[], file: string, sheet: string): Layout {
  const texts = header.map(normalizeHeader);
  const columns: Partial<Record<ColumnKey, number>> = {};
  const missing: string[] = [];
  const characteristics = characteristicColumns(texts) !== null;
  for (const [key, { pattern, label }] of Object.entries(COLUMN_PATTERNS) as Array<
    [ColumnKey, { pattern: RegExp; label: string }]
  >) {
    const i = texts.findIndex((t) => pattern.test(t));
    if (i >= 0) columns[key] = i;
    else if (!isCharacteristicKey(key) || texts.some((t) => isCharacteristicHeader(t))) missing.push(label);
  }
  const years = texts
    .map((t, index) => ({ m: EMPLOYMENT_YEAR.exec(t), index }))
    .filter((x) => x.m)
    .map((x) => ({ year: Number(x.m?.[1]), index: x.index }))
    .sort((a, b) => a.year - b.year);
  const base = years[0];
  const target = years[years.length - 1];
  if (!base || !target || base.year === target.year)
    missing.push('Employment, YYYY (base and projected year)');
  if (missing.length > 0 || !base || !target) {
    throw new ValidationError(
      `EP workbook ${file}: sheet "${sheet}" lacks column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')}`,
      SOURCE,
      { file, sheet, missing },
    );
  }
  return {
    columns: columns as Record<ColumnKey, number>,
    characteristics,
    base,
    target,
    wageYear: wageYearOf(texts[columns.medianWage ?? -1], base.year),
  };
}

const isCharacteristicHeader = (t: string) =>
  CHARACTERISTIC_KEYS.some((k) => COLUMN_PATTERNS[k].pattern.test(t));

/** "Median annual wage, dollars, 2020" → 2020 (as published), else `fallback`. */
function wageYearOf(text: string | undefined, fallback: number): number {
  const year = /(\d{4})\s*$/.exec(text ?? '')?.[1];
  return year ? Number(year) : fallback;
}

/** The header row is the first one that names both the matrix title and the matrix code. */
function isHeaderRow(values: PlainCell[]): boolean {
  const texts = values.map(normalizeHeader);
  return (
    texts.some((t) => COLUMN_PATTERNS.title.pattern.test(t)) &&
    texts.some((t) => COLUMN_PATTERNS.soc.pattern.test(t))
  );
}

/** Read Table 1.2 of an EP `occupation.xlsx` (bare, or inside a zip). */
export async function readEpWorkbook(
  input: { path: string; fileName?: string },
  rejects: RejectCollector,
  limits: ReadLimits = DEFAULT_READ_LIMITS,
): Promise<EpReadResult> {
  const source = await openWorkbookReader(
    input.path,
    input.fileName,
    { source: SOURCE, what: 'EP workbook' },
    limits,
  );
  const file = input.fileName ? path.basename(input.fileName) : source.name;
  const sheets: string[] = [];
  const rows: EpRow[] = [];
  const found: { sheet?: string; bySoc: Map<string, Characteristics> } = { bySoc: new Map() };
  const seen = new Map<string, number>();
  let sheetRead: string | undefined;
  let layout: Layout | undefined;

  try {
    for await (const sheet of source.sheets) {
      const sheetName = (sheet as unknown as { name?: string }).name ?? '';
      sheets.push(sheetName);
      const isTable = sheetRead === undefined && TABLE_SHEET.test(sheetName.trim());
      if (isTable) sheetRead = sheetName;
      // Any other table may be the one with the worker characteristics (Table 1.7 in 2019–29).
      let characteristicColumnsOf: CharacteristicLayout | undefined;
      let done = !isTable && found.sheet !== undefined;
      for await (const row of sheet) {
        if (done) continue; // drain the sheet so the workbook stream moves on
        const values = Array.from(row.values as unknown[], cellText);
        if (!isTable) {
          if (!characteristicColumnsOf) {
            if (row.number > 20) done = true;
            else if (isHeaderRow(values)) {
              characteristicColumnsOf = characteristicLayoutOf(values) ?? undefined;
              if (characteristicColumnsOf) found.sheet = sheetName;
              else done = true;
            }
            continue;
          }
          const first = values.find((v) => v !== null && String(v).trim() !== '');
          if (first === undefined) continue;
          if (typeof first === 'string' && /^footnotes?\s*:?/i.test(first.trim())) done = true;
          else readCharacteristics(values, characteristicColumnsOf, row.number, file, rejects, found.bySoc);
          continue;
        }
        if (!layout) {
          if (row.number > 20) done = true;
          else if (isHeaderRow(values)) layout = layoutOf(values, file, sheetName);
          continue;
        }
        const first = values.find((v) => v !== null && String(v).trim() !== '');
        if (first === undefined) continue;
        if (typeof first === 'string' && /^footnotes?\s*:?/i.test(first.trim())) {
          done = true;
          continue;
        }
        const fieldOf = (column: number) => `column ${column}`;
        if (
          rejectLongCell(values, limits.maxCellChars, rejects, {
            source: SOURCE,
            file,
            row: row.number,
            fieldOf,
          })
        )
          continue;
        const row_ = readRow(values, layout, row.number, file, rejects, seen);
        if (row_) rows.push(row_);
      }
    }
  } catch (err) {
    if (err instanceof ValidationError) throw err;
    throw new ValidationError(`EP workbook ${file}: not a readable xlsx (${errorMessage(err)})`, SOURCE, {
      file,
    });
  } finally {
    await source.close();
  }
  if (!sheetRead) {
    throw new ValidationError(
      `EP workbook ${file}: no "Table 1.2" sheet (found ${sheets.map((s) => `"${s}"`).join(', ')})`,
      SOURCE,
      { file, sheets },
    );
  }
  if (!layout) {
    throw new ValidationError(
      `EP workbook ${file}: sheet "${sheetRead}" has no header row naming "National Employment Matrix title" and "… code" in its first 20 rows`,
      SOURCE,
      { file, sheet: sheetRead },
    );
  }
  const { base, target } = layout;
  let wageYear = layout.wageYear;
  if (!layout.characteristics) {
    const first = [...found.bySoc.values()][0];
    if (found.sheet === undefined || !first) {
      throw new ValidationError(
        `EP workbook ${file}: sheet "${sheetRead}" lacks the worker characteristics (median wage, education, experience, training) and no other table has them (expected a table such as "Table 1.7 … and worker characteristics")`,
        SOURCE,
        { file, sheet: sheetRead },
      );
    }
    wageYear = Number.isNaN(first.wageYear) ? base.year : first.wageYear;
    for (const row of rows) {
      const c = found.bySoc.get(row.soc);
      if (!c) continue;
      row.medianWage = c.medianWage;
      row.medianWageAtLeast = c.medianWageAtLeast;
      row.typicalEducation = c.typicalEducation;
      row.workExperience = c.workExperience;
      row.onTheJobTraining = c.onTheJobTraining;
    }
  }
  return {
    release: `${base.year}-${String(target.year % 100).padStart(2, '0')}`,
    baseYear: base.year,
    targetYear: target.year,
    rows,
    sheet: sheetRead,
    wageYear,
    ...(layout.characteristics ? {} : { characteristicsSheet: found.sheet }),
  };
}

function readRow(
  values: PlainCell[],
  layout: Layout,
  rowNumber: number,
  file: string,
  rejects: RejectCollector,
  seen: Map<string, number>,
): EpRow | undefined {
  const c = layout.columns;
  const record: Record<string, PlainCell> = {
    title: values[c.title] ?? null,
    soc: values[c.soc] ?? null,
    occupationType: values[c.occupationType] ?? null,
    employmentBase: values[layout.base.index] ?? null,
    employmentTarget: values[layout.target.index] ?? null,
    employmentChange: values[c.employmentChange] ?? null,
    changePercent: values[c.changePercent] ?? null,
    openingsAnnual: values[c.openingsAnnual] ?? null,
    selfEmployedPercent: values[c.selfEmployedPercent] ?? null,
    medianWage: values[c.medianWage] ?? null,
    typicalEducation: values[c.typicalEducation] ?? null,
    workExperience: values[c.workExperience] ?? null,
    onTheJobTraining: values[c.onTheJobTraining] ?? null,
  };
  rejects.read(SOURCE);
  const where = { source: SOURCE, file, row: rowNumber };
  const parsed = rowSchema.safeParse(record);
  if (!parsed.success) {
    for (const r of rejectsFromZod(parsed.error, record, where)) {
      rejects.reject({ ...r, reason: `invalid ${r.field}` });
    }
    return undefined;
  }
  const d = parsed.data;
  const wage = d.medianWage.medianWage ?? d.medianWage.medianWageAtLeast;
  const wageIssue =
    wage === null ? null : wageProblem(wage, 'percentile', 'annual', topCodeFor(layout.wageYear));
  if (wageIssue) {
    rejects.reject({
      ...where,
      field: 'medianWage',
      expected: wageIssue,
      got: JSON.stringify(record.medianWage),
      reason: 'wage out of bounds',
    });
    return undefined;
  }
  const earlier = seen.get(d.soc);
  if (earlier !== undefined) {
    rejects.reject({
      ...where,
      field: 'soc',
      expected: `one row per SOC code (already on row ${earlier})`,
      got: JSON.stringify(d.soc),
      reason: 'duplicate SOC code',
    });
    return undefined;
  }
  seen.set(d.soc, rowNumber);
  rejects.kept(SOURCE);
  return {
    soc: d.soc,
    title: d.title,
    occupationType: d.occupationType as EpRow['occupationType'],
    employmentBase: d.employmentBase,
    employmentTarget: d.employmentTarget,
    employmentChange: d.employmentChange,
    changePercent: d.changePercent,
    openingsAnnual: d.openingsAnnual,
    selfEmployedPercent: d.selfEmployedPercent,
    medianWage: d.medianWage.medianWage,
    medianWageAtLeast: d.medianWage.medianWageAtLeast,
    typicalEducation: d.typicalEducation,
    workExperience: d.workExperience,
    onTheJobTraining: d.onTheJobTraining,
    row: rowNumber,
  };
}

interface CharacteristicLayout {
  soc: number;
  columns: Record<CharacteristicKey, number>;
  wageYear: number;
}

type Characteristics = Pick<
  EpRow,
  'medianWage' | 'medianWageAtLeast' | 'typicalEducation' | 'workExperience' | 'onTheJobTraining'
> & { wageYear: number };

/** A header row with the matrix code and every worker characteristic; null when it lacks one. */
function characteristicLayoutOf(header: PlainCell[]): CharacteristicLayout | null {
  const texts = header.map(normalizeHeader);
  const columns = characteristicColumns(texts);
  const soc = texts.findIndex((t) => COLUMN_PATTERNS.soc.pattern.test(t));
  if (!columns || soc < 0) return null;
  // As published: 2019–29's Table 1.7 gives the wage of 2020, the year after the base year.
  return { soc, columns, wageYear: wageYearOf(texts[columns.medianWage], Number.NaN) };
}

const characteristicSchema = rowSchema.pick({
  soc: true,
  medianWage: true,
  typicalEducation: true,
  workExperience: true,
  onTheJobTraining: true,
});

/** One row of the characteristics table, validated like Table 1.2's columns; bad rows are rejected. */
function readCharacteristics(
  values: PlainCell[],
  layout: CharacteristicLayout,
  rowNumber: number,
  file: string,
  rejects: RejectCollector,
  bySoc: Map<string, Characteristics>,
): void {
  const record: Record<string, PlainCell> = { soc: values[layout.soc] ?? null };
  for (const key of CHARACTERISTIC_KEYS) record[key] = values[layout.columns[key]] ?? null;
  rejects.read(SOURCE);
  const where = { source: SOURCE, file, row: rowNumber };
  const parsed = characteristicSchema.safeParse(record);
  if (!parsed.success) {
    for (const r of rejectsFromZod(parsed.error, record, where))
      rejects.reject({ ...r, reason: `invalid ${r.field}` });
    return;
  }
  const d = parsed.data;
  const wage = d.medianWage.medianWage ?? d.medianWage.medianWageAtLeast;
  const year = Number.isNaN(layout.wageYear) ? undefined : layout.wageYear;
  const wageIssue =
    wage === null
      ? null
      : wageProblem(wage, 'percentile', 'annual', topCodeFor(year ?? Number.MAX_SAFE_INTEGER));
  if (wageIssue || bySoc.has(d.soc)) {
    rejects.reject({
      ...where,
      field: wageIssue ? 'medianWage' : 'soc',
      expected: wageIssue ?? 'one row per SOC code',
      got: reportJson(wageIssue ? record.medianWage : d.soc),
      reason: wageIssue ? 'wage out of bounds' : 'duplicate SOC code',
    });
    return;
  }
  rejects.kept(SOURCE);
  bySoc.set(d.soc, {
    medianWage: d.medianWage.medianWage,
    medianWageAtLeast: d.medianWage.medianWageAtLeast,
    typicalEducation: d.typicalEducation,
    workExperience: d.workExperience,
    onTheJobTraining: d.onTheJobTraining,
    wageYear: year ?? Number.NaN,
  });
}

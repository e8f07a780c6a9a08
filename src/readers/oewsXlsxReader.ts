/**
 * BLS OEWS yearly workbooks (`oesm24nat.zip` → `national_M2024_dl.xlsx`, state, metro and all-data files;
 * docs/bls.md §2) → one decoded estimate per (area, occupation, O_GROUP). Streams rows with exceljs's
 * WorkbookReader, so the ≈80 MB all-data workbook does not sit in memory; columns are found by name
 * (May 2020 lacks PCT_RPT, which is not read). Every row is validated; a bad row is rejected with its
 * row number, column, expectation and value, and the rest continue.
 */
import path from 'node:path';
import { z } from 'zod';
import { errorMessage, ValidationError } from '../errors.js';
import {
  type FigureField,
  PERCENTILE_KEYS,
  WAGE_KEYS,
  type WageFigures,
  type WageKey,
} from '../model/occupation.js';
import { FIPS_TO_POSTAL } from '../model/states.js';
import { EMPLOYMENT_CEILING, plausibleEmployment, titleProblem, wageProblem } from '../validate/bounds.js';
import { type RejectCollector, rejectsFromZod } from '../validate/rejects.js';
import { reportJson } from '../validate/truncate.js';
import { OewsEstimateTable } from './oewsEstimateTable.js';
import { percentileViolations } from './oewsPercentiles.js';
import { decodeOewsCell, type OewsCell } from './oewsSymbols.js';
import {
  type OewsAreaType,
  type OewsEstimate,
  type OewsGroup,
  type OewsReadResult,
  topCodeFor,
} from './oewsTypes.js';
import { DEFAULT_READ_LIMITS, type ReadLimits, rejectLongCell } from './readLimits.js';
import { cellText, openWorkbookReader, type PlainCell } from './workbook.js';

const SOURCE = 'oews';

const WAGE_COLUMNS: Record<'annual' | 'hourly', Record<WageKey, string>> = {
  annual: {
    p10: 'A_PCT10',
    p25: 'A_PCT25',
    median: 'A_MEDIAN',
    p75: 'A_PCT75',
    p90: 'A_PCT90',
    mean: 'A_MEAN',
  },
  hourly: {
    p10: 'H_PCT10',
    p25: 'H_PCT25',
    median: 'H_MEDIAN',
    p75: 'H_PCT75',
    p90: 'H_PCT90',
    mean: 'H_MEAN',
  },
};
const SIDES = ['annual', 'hourly'] as const;
/** p10 … p90 of each side, in order (the percentile rule of oewsPercentiles.ts). */
const PERCENTILE_COLUMNS = Object.fromEntries(
  SIDES.map((side) => [side, PERCENTILE_KEYS.map((k) => WAGE_COLUMNS[side][k])]),
) as Record<(typeof SIDES)[number], string[]>;
const ALL_WAGE_COLUMNS = SIDES.flatMap((s) => WAGE_KEYS.map((k) => WAGE_COLUMNS[s][k]));

/**
 * Columns every OEWS yearly layout (May 2019–2024) has and this reader needs. Header case varies
 * (May 2019 is lowercase) and is ignored.
 */
export const OEWS_REQUIRED_COLUMNS = [
  'AREA',
  'AREA_TITLE',
  'AREA_TYPE',
  'OCC_CODE',
  'OCC_TITLE',
  'O_GROUP',
  'TOT_EMP',
  ...ALL_WAGE_COLUMNS,
  'ANNUAL',
  'HOURLY',
] as const;
/** Read when present: they separate cross-industry rows from industry rows in the all-data file. */
const OPTIONAL_COLUMNS = ['NAICS', 'I_GROUP', 'OWN_CODE', 'PRIM_STATE'] as const;

const AREA_TYPES: Record<string, OewsAreaType> = {
  '1': 'national',
  '2': 'state',
  '3': 'territory',
  '4': 'metro',
  '6': 'nonmetro',
};
const GROUPS: readonly OewsGroup[] = ['total', 'major', 'minor', 'broad', 'detailed'];

const text = (expected: string, pattern?: RegExp) =>
  z.unknown().transform((raw, ctx) => {
    const t = typeof raw === 'string' || typeof raw === 'number' ? String(raw).trim() : '';
    if (t === '' || (pattern && !pattern.test(t))) {
      ctx.addIssue({ code: 'custom', message: expected });
      return z.NEVER;
    }
    return t;
  });

const title = (expected: string) =>
  text(expected).transform((t, ctx) => {
    const problem = titleProblem(t);
    if (problem) {
      ctx.addIssue({ code: 'custom', message: `${expected}: ${problem}` });
      return z.NEVER;
    }
    return t;
  });

// `**` belongs to employment, but "not available" is what it would mean in a wage cell too.
const wage = z.unknown().transform((raw, ctx): OewsCell => {
  const d = decodeOewsCell(raw);
  if (d.kind === 'invalid' || (d.kind === 'value' && d.value < 0)) {
    ctx.addIssue({
      code: 'custom',
      message: 'a wage in dollars (number ≥ 0), * (not available) or # (at or above the top code)',
    });
    return z.NEVER;
  }
  return d;
});

const employment = z.unknown().transform((raw, ctx): OewsCell => {
  const d = decodeOewsCell(raw);
  if (
    d.kind === 'invalid' ||
    d.kind === 'topCoded' ||
    (d.kind === 'value' && !plausibleEmployment(d.value))
  ) {
    ctx.addIssue({
      code: 'custom',
      message: `an employment count (integer from 0 to ${EMPLOYMENT_CEILING}) or ** / * (not available)`,
    });
    return z.NEVER;
  }
  return d;
});

const flag = (column: string) =>
  z.unknown().transform((raw, ctx) => {
    if (raw === null || raw === undefined || raw === false) return false;
    if (raw === true) return true;
    const t = String(raw).trim().toUpperCase();
    if (t === '' || t === 'FALSE') return false;
    if (t === 'TRUE') return true;
    ctx.addIssue({ code: 'custom', message: `TRUE or blank (${column})` });
    return z.NEVER;
  });

const wageShape = Object.fromEntries(ALL_WAGE_COLUMNS.map((c) => [c, wage])) as Record<string, typeof wage>;

const rowSchema = z.object({
  AREA: text('an area code of 1–7 digits', /^\d{1,7}$/),
  AREA_TITLE: title('an area name'),
  AREA_TYPE: text('an area type: 1 (U.S.), 2 (state), 3 (territory), 4 (metro) or 6 (nonmetro)', /^[12346]$/),
  // May 2020 on; May 2019 has no PRIM_STATE: a state row's code then comes from its FIPS code.
  PRIM_STATE: z.unknown().transform((raw, ctx) => {
    if (raw === undefined || raw === null) return null;
    const t = typeof raw === 'string' ? raw.trim() : '';
    if (!/^[A-Z]{2}$/.test(t)) {
      ctx.addIssue({ code: 'custom', message: 'a two-letter state code (or US)' });
      return z.NEVER;
    }
    return t;
  }),
  OCC_CODE: text('a SOC code NN-NNNN', /^\d{2}-\d{4}$/),
  OCC_TITLE: title('an occupation title'),
  O_GROUP: z.unknown().transform((raw, ctx) => {
    const t = typeof raw === 'string' ? raw.trim().toLowerCase() : '';
    if (!(GROUPS as readonly string[]).includes(t)) {
      ctx.addIssue({ code: 'custom', message: `one of ${GROUPS.join(', ')}` });
      return z.NEVER;
    }
    return t as OewsGroup;
  }),
  TOT_EMP: employment,
  ...wageShape,
  ANNUAL: flag('ANNUAL'),
  HOURLY: flag('HOURLY'),
});
type ParsedRow = z.infer<typeof rowSchema>;

export interface OewsWorkbookResult extends OewsReadResult {
  /** The release's top code (docs/bls.md §2), for reading `topCoded`. */
  topCode: { annual: number; hourly: number };
  /** Workbook file name (inner zip entry), as used in rejects. */
  file: string;
  /** Name of the data sheet that was read. */
  sheet: string;
}

/** "May 2024" from `national_M2024_dl.xlsx`, `all_data_M_2024.xlsx`, `oesm24nat.zip` or a sheet title. */
export function oewsReleaseYear(name: string): number | undefined {
  const m = /(?:^|[^a-z])M_?(20\d{2})(?![0-9])/i.exec(name);
  if (m) return Number(m[1]);
  const o = /oesm(\d{2})(?![0-9])/i.exec(name);
  if (o) return 2000 + Number(o[1]);
  const t = /\bMay\s+(\d{4})\b/i.exec(name);
  return t ? Number(t[1]) : undefined;
}

interface Issue {
  field: string;
  expected: string;
  reason: string;
}

/**
 * Read an OEWS yearly workbook: a bare `.xlsx` or the `.zip` BLS serves (detected by content).
 * `fileName` is the artifact's original name (the cached path is content-addressed, nameless).
 */
export async function readOewsWorkbook(
  input: { path: string; fileName?: string },
  rejects: RejectCollector,
  limits: ReadLimits = DEFAULT_READ_LIMITS,
): Promise<OewsWorkbookResult> {
  const source = await openWorkbookReader(
    input.path,
    input.fileName,
    { source: SOURCE, what: 'OEWS workbook' },
    limits,
  );
  const file = source.name;
  const estimates = new OewsEstimateTable();
  const seen = new Set<string>();
  const skipped = { industry: 0, ownership: 0 };
  let dataSheet: string | undefined;
  let titleYear: number | undefined;

  // Wages are bounded by the release's top code; a name without a year gets the newest (highest).
  const names = [source.entryPath ?? '', input.fileName ?? '', path.basename(input.path)];
  const nameYear = names.map(oewsReleaseYear).find(Boolean);
  const rowTopCode = topCodeFor(nameYear ?? Number.MAX_SAFE_INTEGER);
  try {
    for await (const sheet of source.sheets) {
      const sheetName = (sheet as unknown as { name?: string }).name ?? '(unnamed sheet)';
      let columns: Map<string, number> | undefined;
      let isFirstRow = true;
      let isData = false;
      for await (const row of sheet) {
        const values = Array.from(row.values as unknown[], cellText);
        if (isFirstRow) {
          isFirstRow = false;
          columns = headerColumns(values);
          isData = dataSheet === undefined && columns.has('OCC_CODE');
          if (isData) {
            dataSheet = sheetName;
            const missing = OEWS_REQUIRED_COLUMNS.filter((c) => !columns?.has(c));
            if (missing.length > 0) {
              throw new ValidationError(
                `OEWS workbook ${file}: data sheet "${sheetName}" lacks required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`,
                SOURCE,
                { file, sheet: sheetName, missing },
              );
            }
            continue;
          }
          // "May 2024 OEWS Estimates" heads the Field Descriptions sheet: a fallback for the release.
          titleYear ??= values
            .map((v) => (typeof v === 'string' ? oewsReleaseYear(v) : undefined))
            .find(Boolean);
        }
        if (!isData || !columns) continue;
        const named = columns;
        const fieldOf = (column: number) =>
          [...named].find(([, i]) => i === column)?.[0] ?? `column ${column}`;
        if (
          rejectLongCell(values, limits.maxCellChars, rejects, {
            source: SOURCE,
            file,
            row: row.number,
            fieldOf,
          })
        )
          continue;
        const record = recordOf(values, columns);
        if (Object.values(record).every((v) => v === null || v === '')) continue;
        if (!isCrossIndustry(record)) {
          skipped.industry += 1;
          continue;
        }
        if (
          record.OWN_CODE !== undefined &&
          record.OWN_CODE !== null &&
          String(record.OWN_CODE).trim() !== '1235'
        ) {
          skipped.ownership += 1;
          continue;
        }
        rejects.read(SOURCE);
        const where = { source: SOURCE, file, row: row.number };
        const parsed = rowSchema.safeParse(record);
        if (!parsed.success) {
          for (const r of rejectsFromZod(parsed.error, record, where)) {
            rejects.reject({ ...r, reason: `invalid ${r.field}` });
          }
          continue;
        }
        const issues = crossCheck(parsed.data, rowTopCode);
        const estimate = toEstimate(parsed.data);
        const key = `${estimate.areaType}|${estimate.areaCode}|${estimate.soc}|${estimate.group}`;
        if (seen.has(key)) {
          issues.push({
            field: 'OCC_CODE',
            expected: 'one row per (AREA, OCC_CODE, O_GROUP)',
            reason: 'duplicate (AREA, OCC_CODE, O_GROUP)',
          });
        }
        if (issues.length > 0) {
          for (const i of issues) {
            rejects.reject({ ...where, ...i, got: reportJson(record[i.field] ?? null) });
          }
          continue;
        }
        seen.add(key);
        estimates.push(estimate);
        rejects.kept(SOURCE);
      }
    }
  } catch (err) {
    if (err instanceof ValidationError) throw err;
    throw new ValidationError(`OEWS workbook ${file}: not a readable xlsx (${errorMessage(err)})`, SOURCE, {
      file,
    });
  } finally {
    await source.close();
  }

  if (dataSheet === undefined) {
    throw new ValidationError(
      `OEWS workbook ${file}: no sheet whose first row is an OEWS header (expected a column OCC_CODE)`,
      SOURCE,
      { file },
    );
  }
  if (skipped.industry + skipped.ownership > 0) {
    rejects.warn({
      source: SOURCE,
      message: `OEWS workbook ${file}: skipped ${skipped.industry} industry-specific and ${skipped.ownership} ownership-specific rows (only cross-industry, all-ownership estimates are kept)`,
      details: { file, ...skipped },
    });
  }
  const year = nameYear ?? titleYear;
  if (year === undefined) {
    throw new ValidationError(
      `OEWS workbook ${file}: cannot tell the release (expected M2024 / oesm24 in the file name or "May 2024" in Field Descriptions)`,
      SOURCE,
      { file },
    );
  }
  if (titleYear !== undefined && titleYear !== year) {
    rejects.warn({
      source: SOURCE,
      message: `OEWS workbook ${file}: file name says May ${year} but Field Descriptions says May ${titleYear}; using May ${year}`,
    });
  }
  return {
    release: `May ${year}`,
    topCode: topCodeFor(year),
    estimates: estimates.finish(),
    file,
    sheet: dataSheet,
  };
}

function headerColumns(values: PlainCell[]): Map<string, number> {
  const columns = new Map<string, number>();
  values.forEach((v, i) => {
    if (typeof v !== 'string') return;
    const name = v.trim().toUpperCase();
    if (name !== '' && !columns.has(name)) columns.set(name, i);
  });
  return columns;
}

function recordOf(values: PlainCell[], columns: Map<string, number>): Record<string, PlainCell> {
  const record: Record<string, PlainCell> = {};
  for (const name of [...OEWS_REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS]) {
    const i = columns.get(name);
    if (i !== undefined) record[name] = values[i] ?? null;
  }
  record.PRIM_STATE ??= null; // May 2019 has no such column
  return record;
}

function isCrossIndustry(record: Record<string, PlainCell>): boolean {
  const naics = record.NAICS;
  if (naics !== undefined && naics !== null && !/^0+$/.test(String(naics).trim())) return false;
  const group = record.I_GROUP;
  if (typeof group === 'string' && group.trim() !== '' && group.trim().toLowerCase() !== 'cross-industry') {
    return false;
  }
  return true;
}

/** Checks across cells of one row: the wage bounds, the flags, the percentile order, the state code. */
function crossCheck(r: ParsedRow, topCode: { annual: number; hourly: number }): Issue[] {
  const issues: Issue[] = [];
  const cells = r as unknown as Record<string, OewsCell>;
  for (const side of SIDES) {
    for (const key of WAGE_KEYS) {
      const column = WAGE_COLUMNS[side][key];
      const cell = cells[column];
      if (cell?.kind !== 'value') continue;
      const problem = wageProblem(cell.value, key === 'mean' ? 'mean' : 'percentile', side, topCode);
      if (problem) issues.push({ field: column, expected: problem, reason: 'wage out of bounds' });
    }
  }
  if (issues.length > 0) return issues;
  if (r.ANNUAL && r.HOURLY) {
    issues.push({
      field: 'HOURLY',
      expected: 'blank when ANNUAL is TRUE (never both)',
      reason: 'ANNUAL/HOURLY flags inconsistent',
    });
  }
  const onlyOne: Array<[boolean, 'annual' | 'hourly', string]> = [
    [r.ANNUAL, 'hourly', 'ANNUAL=TRUE: only annual wages are published'],
    [r.HOURLY, 'annual', 'HOURLY=TRUE: only hourly wages are published'],
  ];
  for (const [set, side, why] of onlyOne) {
    if (!set) continue;
    for (const key of WAGE_KEYS) {
      const column = WAGE_COLUMNS[side][key];
      if (cells[column]?.kind !== 'notAvailable') {
        issues.push({ field: column, expected: `* (${why})`, reason: 'ANNUAL/HOURLY flags inconsistent' });
      }
    }
  }
  for (const side of SIDES) {
    const columns = PERCENTILE_COLUMNS[side];
    const cellAt = (at: number) => cells[columns[at]!];
    const valueAt = (at: number) => {
      const cell = cellAt(at);
      return cell?.kind === 'value' ? cell.value : Number.NaN;
    };
    const kindAt = (at: number) => {
      const kind = cellAt(at)?.kind;
      return kind === 'value' || kind === 'topCoded' ? kind : 'other';
    };
    for (const { at, against, kind } of percentileViolations(kindAt, valueAt)) {
      const other = columns[against]!;
      const expected =
        kind === 'aboveTopCoded'
          ? `# (a percentile above top-coded ${other} cannot be below the top code)`
          : `≥ ${other} (${valueAt(against)}): percentiles must not decrease`;
      issues.push({ field: columns[at]!, expected, reason: 'percentiles decrease' });
    }
  }
  const areaType = AREA_TYPES[r.AREA_TYPE];
  if (areaType === 'state' || areaType === 'territory') {
    const postal = FIPS_TO_POSTAL[r.AREA.padStart(2, '0')];
    if (r.PRIM_STATE === null && postal === undefined) {
      issues.push({
        field: 'AREA',
        expected: 'a state or territory FIPS code (the file has no PRIM_STATE column)',
        reason: 'unknown state FIPS code',
      });
    } else if (r.PRIM_STATE !== null && postal !== undefined && postal !== r.PRIM_STATE) {
      issues.push({
        field: 'PRIM_STATE',
        expected: `${postal} (the postal code of FIPS ${r.AREA.padStart(2, '0')})`,
        reason: 'state code does not match AREA',
      });
    }
  }
  return issues;
}

function toEstimate(r: ParsedRow): OewsEstimate {
  const cells = r as unknown as Record<string, OewsCell>;
  const topCoded: FigureField[] = [];
  const notAvailable: FigureField[] = [];
  let employment: number | null = null;
  if (r.TOT_EMP.kind === 'value') employment = r.TOT_EMP.value;
  else notAvailable.push('employment');
  const figures = (side: 'annual' | 'hourly'): WageFigures => {
    const out = {} as WageFigures;
    for (const key of WAGE_KEYS) {
      const cell = cells[WAGE_COLUMNS[side][key]];
      const field = `${side}.${key}` as FigureField;
      out[key] = cell?.kind === 'value' ? cell.value : null;
      if (cell?.kind === 'topCoded') topCoded.push(field);
      else if (cell?.kind !== 'value') notAvailable.push(field);
    }
    return out;
  };
  const annual = figures('annual');
  const hourly = figures('hourly');
  const areaType = AREA_TYPES[r.AREA_TYPE] as OewsAreaType;
  const areaCode =
    areaType === 'national'
      ? '99'
      : areaType === 'state' || areaType === 'territory'
        ? r.AREA.padStart(2, '0')
        : r.AREA.padStart(7, '0');
  return {
    areaType,
    areaCode,
    areaName: r.AREA_TITLE,
    state:
      areaType === 'state' || areaType === 'territory'
        ? (r.PRIM_STATE ?? FIPS_TO_POSTAL[r.AREA.padStart(2, '0')] ?? null)
        : null,
    soc: r.OCC_CODE,
    title: r.OCC_TITLE,
    group: r.O_GROUP,
    employment,
    annual,
    hourly,
    topCoded,
    notAvailable,
  };
}

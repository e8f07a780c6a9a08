/**
 * Reads "GPTs are GPTs" `occ_level.csv` (Eloundou et al., Science 2024): one row per O*NET-SOC 2019
 * code with GPT-4 (`dv_`) and human-annotator (`human_`) exposure ratings α ≤ β ≤ γ in [0, 1].
 * Collapses O*NET codes to six-digit SOC: the `.00` row when present, else the mean of the children
 * (a rule of the methodology, recorded per SOC).
 *
 * Any invalid row is fatal for the run (ValidationError listing every bad row): scoring from a
 * partly broken research file is worse than not publishing, and a stale-but-whole file is reused.
 */
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse';
import { ValidationError } from '../errors.js';
import type { Reject, RejectCollector } from '../validate/rejects.js';
import { reportJson, truncateForReport } from '../validate/truncate.js';
import { DEFAULT_READ_LIMITS, type ReadLimits } from './readLimits.js';
import { TextGuard } from './textGuard.js';

const SOURCE = 'exposure';
export const EXPOSURE_CODE_COLUMN = 'O*NET-SOC Code';
export const EXPOSURE_BETA_COLUMN = 'dv_rating_beta';
const REQUIRED_COLUMNS = [EXPOSURE_CODE_COLUMN, EXPOSURE_BETA_COLUMN];
const RATERS = ['dv_', 'human_'] as const;
const MEASURES = ['alpha', 'beta', 'gamma'] as const;
const ONET_CODE = /^(\d{2}-\d{4})\.(\d{2})$/;
const NUMBER_TEXT = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
/** α, β, γ are ratios of task counts computed in floating point; allow rounding noise in their order. */
const ORDER_TOLERANCE = 1e-9;
const MAX_LISTED = 20;

export interface ExposureEntry {
  beta: number;
  onetCodes: string[];
  rule: 'base' | 'mean-of-children';
}

export interface ExposureReadResult {
  bySoc: Map<string, ExposureEntry>;
  /** Data rows read (O*NET codes). */
  rows: number;
}

export interface CsvRow {
  /** Line number where the record ends (header = line 1), as the run report's `row`. */
  line: number;
  record: Record<string, string>;
  /** The line is not valid UTF-8: its values are not to be trusted (the row is a problem). */
  invalidText?: true;
}

/**
 * Parse a CSV with a header row (shared with the EPOCH reader): the header must name every
 * `required` column once; returns the columns and each record with its line number. A malformed
 * file (ragged rows, bad quoting) is a ValidationError; a missing column is reported as such even
 * when it also makes the rows ragged.
 */
export async function readCsvRecords(
  file: string,
  where: { source: string; label: string; required: readonly string[] },
  limits: ReadLimits = DEFAULT_READ_LIMITS,
): Promise<{ columns: string[]; rows: CsvRow[] }> {
  const { source, label, required } = where;
  let header: string[] | null = null;
  const rows: CsvRow[] = [];
  const guard = new TextGuard({ source, file: label }, limits);
  const input = createReadStream(file);
  input.on('error', (err) => guard.destroy(err));
  const parser = input.pipe(guard).pipe(
    parse({
      bom: true,
      skip_empty_lines: true,
      info: true,
      columns: (names: string[]) => {
        header = names.map((n) => n.trim());
        return header;
      },
    }),
  );
  try {
    for await (const item of parser as AsyncIterable<{
      record: Record<string, string>;
      info: { lines: number };
    }>) {
      const invalid = guard.invalidLines.has(item.info.lines);
      rows.push({ line: item.info.lines, record: item.record, ...(invalid ? { invalidText: true } : {}) });
    }
  } catch (err) {
    if (err instanceof ValidationError) throw err;
    if (header) requireColumns(header, required, source, label);
    throw new ValidationError(
      `${source} file ${label}: not a readable CSV: ${err instanceof Error ? err.message : String(err)}`,
      source,
      { file: label },
    );
  }
  return { columns: requireColumns(header, required, source, label), rows };
}

function parseRating(text: string | undefined): number | null {
  const t = (text ?? '').trim();
  if (!NUMBER_TEXT.test(t)) return null;
  const n = Number(t);
  return Number.isFinite(n) && n >= 0 && n <= 1 ? n : null;
}

/** Throw one ValidationError listing every problem (after recording them as rejects); shared with EPOCH. */
export function failWithRejects(
  source: string,
  label: string,
  what: string,
  problems: Reject[],
  rejects: RejectCollector,
): never {
  for (const p of problems) rejects.reject(p);
  const listed = problems
    .slice(0, MAX_LISTED)
    .map((p) => `row ${p.row}, ${p.field}: expected ${p.expected}, got ${truncateForReport(p.got)}`);
  const more = problems.length > MAX_LISTED ? `\n  - … and ${problems.length - MAX_LISTED} more` : '';
  throw new ValidationError(
    `${source} file ${label}: ${problems.length} invalid row${problems.length === 1 ? '' : 's'}; ${what}:\n  - ${listed.join('\n  - ')}${more}`,
    source,
    { file: label, problems },
  );
}

/** The header, checked for required and duplicated column names (shared with the EPOCH reader). */
export function requireColumns(
  header: string[] | null,
  required: readonly string[],
  source: string,
  label: string,
): string[] {
  if (!header) throw new ValidationError(`${source} file ${label}: empty, expected a header row`, source);
  const columns = header;
  const quoted = (names: string[]) => names.map((c) => `"${c}"`).join(', ');
  const missing = required.filter((c) => !columns.includes(c));
  if (missing.length > 0) {
    throw new ValidationError(
      `${source} file ${label}: header lacks column${missing.length === 1 ? '' : 's'} ${quoted(missing)} (found ${quoted(columns)})`,
      source,
      { file: label, missingColumns: missing },
    );
  }
  const duplicated = columns.filter((c, i) => columns.indexOf(c) !== i);
  if (duplicated.length > 0) {
    throw new ValidationError(
      `${source} file ${label}: column ${quoted(duplicated)} appears more than once`,
      source,
      { file: label, duplicatedColumns: duplicated },
    );
  }
  return columns;
}

export async function readExposureCsv(
  input: { path: string; name?: string },
  rejects: RejectCollector,
  limits: ReadLimits = DEFAULT_READ_LIMITS,
): Promise<ExposureReadResult> {
  const label = input.name ?? path.basename(input.path);
  const { columns, rows } = await readCsvRecords(
    input.path,
    { source: SOURCE, label, required: REQUIRED_COLUMNS },
    limits,
  );
  const ratingColumns = RATERS.flatMap((r) => MEASURES.map((m) => `${r}rating_${m}`)).filter((c) =>
    columns.includes(c),
  );

  rejects.read(SOURCE, rows.length);
  const problems: Reject[] = [];
  const problem = (row: number, field: string, expected: string, got: string, reason: string) =>
    problems.push({ source: SOURCE, file: label, row, field, expected, got, reason });
  const firstLineOf = new Map<string, number>();
  const bySocRows = new Map<string, Array<{ code: string; beta: number }>>();

  for (const { line, record, invalidText } of rows) {
    if (invalidText) {
      problem(line, '(row)', 'valid UTF-8 text', 'bytes that are not UTF-8', 'not valid UTF-8');
      continue;
    }
    const code = (record[EXPOSURE_CODE_COLUMN] ?? '').trim();
    const codeMatch = ONET_CODE.exec(code);
    if (!codeMatch) {
      problem(
        line,
        EXPOSURE_CODE_COLUMN,
        'an O*NET-SOC code NN-NNNN.NN',
        JSON.stringify(code),
        'invalid code',
      );
    } else if (firstLineOf.has(code)) {
      problem(
        line,
        EXPOSURE_CODE_COLUMN,
        'each code once',
        `${JSON.stringify(code)} (also row ${firstLineOf.get(code)})`,
        'duplicate code',
      );
    } else {
      firstLineOf.set(code, line);
    }

    const values = new Map<string, number>();
    for (const column of ratingColumns) {
      const value = parseRating(record[column]);
      if (value === null) {
        problem(line, column, 'a number in [0, 1]', reportJson(record[column] ?? ''), 'rating out of range');
      } else {
        values.set(column, value);
      }
    }
    for (const rater of RATERS) {
      const [a, b, g] = MEASURES.map((m) => values.get(`${rater}rating_${m}`));
      const pairs: Array<[string, number | undefined, string, number | undefined]> = [
        ['alpha', a, 'beta', b],
        ['beta', b, 'gamma', g],
      ];
      for (const [loName, lo, hiName, hi] of pairs) {
        if (lo !== undefined && hi !== undefined && lo > hi + ORDER_TOLERANCE) {
          problem(
            line,
            `${rater}rating_${hiName}`,
            `${rater}rating_${loName} ≤ ${rater}rating_${hiName}`,
            `${loName} ${lo} > ${hiName} ${hi}`,
            'ratings out of order',
          );
        }
      }
    }

    const beta = values.get(EXPOSURE_BETA_COLUMN);
    if (codeMatch?.[1] && beta !== undefined) {
      const list = bySocRows.get(codeMatch[1]) ?? [];
      list.push({ code, beta });
      bySocRows.set(codeMatch[1], list);
    }
  }

  if (problems.length > 0) {
    failWithRejects(SOURCE, label, 'nothing is scored from this file', problems, rejects);
  }
  rejects.kept(SOURCE, rows.length);

  const bySoc = new Map<string, ExposureEntry>();
  for (const [soc, entries] of bySocRows) {
    const base = entries.find((e) => e.code.endsWith('.00'));
    if (base) {
      bySoc.set(soc, { beta: base.beta, onetCodes: [base.code], rule: 'base' });
    } else {
      const sorted = [...entries].sort((x, y) => x.code.localeCompare(y.code));
      const mean = sorted.reduce((sum, e) => sum + e.beta, 0) / sorted.length;
      bySoc.set(soc, { beta: mean, onetCodes: sorted.map((e) => e.code), rule: 'mean-of-children' });
    }
  }
  return { bySoc, rows: rows.length };
}

/**
 * The small lookup files of the OEWS time series (docs/bls.md §3): `oe.occupation` (titles, hierarchy),
 * `oe.area` (area names) and `oe.release` (which May estimates these are). Tab-separated, header
 * row, cells padded with spaces; columns are matched by name so extra or reordered columns are fine.
 */
import { createReadStream } from 'node:fs';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type Options, parse } from 'csv-parse';
import { ValidationError } from '../errors.js';
import { titleProblem } from '../validate/bounds.js';
import type { RejectCollector } from '../validate/rejects.js';
import { reportJson } from '../validate/truncate.js';
import { socFromOccupationCode } from './oewsSeriesId.js';
import { type OewsGroup, topCodeFor } from './oewsTypes.js';
import { DEFAULT_READ_LIMITS, type ReadLimits } from './readLimits.js';
import { invalidTextReject, TextGuard } from './textGuard.js';

export const OEWS_SOURCE = 'oews';

/** csv-parse options for every BLS time-series file: tabs, padded cells, no quoting. */
export const BLS_TSV_OPTIONS: Options = {
  delimiter: '\t',
  trim: true,
  quote: false,
  relax_column_count: true,
  skip_empty_lines: true,
  bom: true,
};

/** Column name → index, from a trimmed header row; a missing required column is a ValidationError. */
export function headerIndex(
  cells: readonly string[],
  file: string,
  required: readonly string[],
): Map<string, number> {
  const index = new Map<string, number>();
  cells.forEach((name, i) => {
    if (!index.has(name)) index.set(name, i);
  });
  for (const column of required) {
    if (!index.has(column)) {
      throw new ValidationError(
        `${OEWS_SOURCE}: ${file} has no "${column}" column in its header (found: ${cells.map((c) => `"${c}"`).join(', ') || 'nothing'}); expected ${required.join(', ')}`,
        OEWS_SOURCE,
        { file, column, header: [...cells] },
      );
    }
  }
  return index;
}

/**
 * Run `streams` and hand every record of the last one to `onRecord`. An error thrown by `onRecord`
 * (e.g. a ValidationError for a bad header) is the one reported, not the abort it causes upstream.
 */
export async function consumeRecords<T>(
  streams: readonly (NodeJS.ReadableStream | NodeJS.ReadWriteStream)[],
  onRecord: (record: T) => void,
): Promise<void> {
  const sink = new Writable({
    objectMode: true,
    write(record: T, _enc, cb) {
      try {
        onRecord(record);
        cb();
      } catch (err) {
        cb(err as Error);
      }
    },
  });
  await pipeline([...streams, sink]);
}

/** Rejects line `line` of a file; returns false, for `return reject(…)` in a row check. */
export type LineReject = (
  line: number,
  field: string,
  expected: string,
  got: string,
  reason: string,
) => false;

export function lineRejecter(rejects: RejectCollector, file: string): LineReject {
  return (line, field, expected, got, reason) => {
    rejects.reject({ source: OEWS_SOURCE, file, row: line, field, expected, got, reason });
    return false;
  };
}

type Cell = (column: string) => string;

/** Stream a small BLS TSV: the header is checked, then `onRow` sees each row with its 1-based line number. */
async function forEachRow(
  path: string,
  file: string,
  required: readonly string[],
  onRow: (cell: Cell, line: number) => boolean,
  opts: { limits?: ReadLimits; rejects?: RejectCollector } = {},
): Promise<void> {
  let index: Map<string, number> | undefined;
  const guard = new TextGuard({ source: OEWS_SOURCE, file }, opts.limits ?? DEFAULT_READ_LIMITS);
  await consumeRecords<{ record: string[]; info: { lines: number } }>(
    [createReadStream(path), guard, parse({ ...BLS_TSV_OPTIONS, info: true })],
    ({ record, info }) => {
      if (!index) {
        index = headerIndex(record, file, required);
        return;
      }
      if (guard.invalidLines.has(info.lines)) {
        if (!opts.rejects)
          throw new ValidationError(
            `${OEWS_SOURCE}: ${file} line ${info.lines} is not valid UTF-8`,
            OEWS_SOURCE,
            {
              file,
              row: info.lines,
            },
          );
        opts.rejects.read(OEWS_SOURCE);
        opts.rejects.reject(invalidTextReject(OEWS_SOURCE, file, info.lines));
        return;
      }
      const cols = index;
      onRow((column) => {
        const i = cols.get(column);
        return i === undefined ? '' : (record[i] ?? '');
      }, info.lines);
    },
  );
  if (!index) {
    throw new ValidationError(`${OEWS_SOURCE}: ${file} is empty; expected a header row`, OEWS_SOURCE, {
      file,
    });
  }
}

// ---------------------------------------------------------------- oe.occupation

export interface OewsOccupation {
  /** Six digits, no hyphen: "292072". */
  code: string;
  /** "29-2072". */
  soc: string;
  title: string;
  displayLevel: number;
  group: OewsGroup;
}

interface OccupationRow {
  code: string;
  title: string;
  displayLevel: number;
}

/**
 * Hierarchy group of each occupation code from `display_level`.
 *
 * The real file (checked against a public May 2020 copy) numbers levels 0 major (and the `000000`
 * total), 1 minor, 2 broad, 3 detailed; other layouts number 0 total, 1 major … 4 detailed. Both
 * have detailed as the deepest level, so levels are read relative to the deepest one found:
 * deepest = detailed, −1 = broad, −2 = minor, anything above = major; `000000` is always the total
 * and a code NN0000 always a major group (so a file without deeper levels cannot promote one).
 *
 * Codes that the yearly workbook lists twice, as `broad` and as `detailed` (13-1020, 29-2010, …:
 * OEWS publishes no detailed occupation below them), appear once here. Such a code is `detailed`
 * when its display level says so, and also when its level says broad but no other code in the
 * file lies below it: an OEWS broad group without published children is itself the detailed
 * occupation. Either way it yields one estimate, grouped `detailed`.
 */
export function occupationGroups(
  rows: readonly { code: string; displayLevel: number }[],
): Map<string, OewsGroup> {
  const deepest = rows.reduce((max, r) => Math.max(max, r.displayLevel), 0);
  const prefixes = new Set<string>();
  for (const r of rows) if (!r.code.endsWith('0')) prefixes.add(r.code.slice(0, 5));
  const groups = new Map<string, OewsGroup>();
  for (const r of rows) {
    let group: OewsGroup;
    if (r.code === '000000') group = 'total';
    else if (/^\d{2}0000$/.test(r.code)) group = 'major';
    else if (r.displayLevel >= deepest) group = 'detailed';
    else if (r.displayLevel === deepest - 1) group = prefixes.has(r.code.slice(0, 5)) ? 'broad' : 'detailed';
    else if (r.displayLevel === deepest - 2) group = 'minor';
    else group = 'major';
    groups.set(r.code, group);
  }
  return groups;
}

/** `oe.occupation` → code → occupation; bad rows are rejected (file `oe.occupation`, line, field). */
export async function readOewsOccupations(
  path: string,
  rejects: RejectCollector,
  file = 'oe.occupation',
  limits: ReadLimits = DEFAULT_READ_LIMITS,
): Promise<Map<string, OewsOccupation>> {
  const rows = new Map<string, OccupationRow>();
  const reject = lineRejecter(rejects, file);
  await forEachRow(
    path,
    file,
    ['occupation_code', 'occupation_name', 'display_level'],
    (cell, line) => {
      rejects.read(OEWS_SOURCE);
      const code = cell('occupation_code');
      const title = cell('occupation_name');
      const level = cell('display_level');
      if (!/^\d{6}$/.test(code)) {
        return reject(
          line,
          'occupation_code',
          'six digits, e.g. 292072',
          JSON.stringify(code),
          'bad occupation code',
        );
      }
      if (!title)
        return reject(line, 'occupation_name', 'an occupation title', '""', 'missing occupation title');
      const titleIssue = titleProblem(title);
      if (titleIssue)
        return reject(
          line,
          'occupation_name',
          `an occupation title: ${titleIssue}`,
          reportJson(title),
          'implausible title',
        );
      if (!/^\d+$/.test(level)) {
        return reject(
          line,
          'display_level',
          'a whole number (0 = top level)',
          JSON.stringify(level),
          'bad display level',
        );
      }
      if (rows.has(code)) {
        return reject(line, 'occupation_code', 'each code once', code, 'duplicate occupation code');
      }
      rows.set(code, { code, title, displayLevel: Number(level) });
      rejects.kept(OEWS_SOURCE);
      return true;
    },
    { limits, rejects },
  );
  const groups = occupationGroups([...rows.values()]);
  const out = new Map<string, OewsOccupation>();
  for (const r of rows.values()) {
    out.set(r.code, {
      code: r.code,
      soc: socFromOccupationCode(r.code),
      title: r.title,
      displayLevel: r.displayLevel,
      group: groups.get(r.code)!,
    });
  }
  return out;
}

// ---------------------------------------------------------------- oe.area

export interface OewsArea {
  /** Seven digits: "0000000" national, "0100000" Alabama, "0010180" Abilene, TX. */
  areaCode: string;
  /** N, S or M (`areatype_code`), or null when the file has no such column. */
  areaTypeCode: string | null;
  /** Two-digit state FIPS (`state_code`), or null when the file has no such column. */
  stateCode: string | null;
  name: string;
}

/** `oe.area` → area code → area; bad rows are rejected (file `oe.area`, line, field). */
export async function readOewsAreas(
  path: string,
  rejects: RejectCollector,
  file = 'oe.area',
  limits: ReadLimits = DEFAULT_READ_LIMITS,
): Promise<Map<string, OewsArea>> {
  const out = new Map<string, OewsArea>();
  const reject = lineRejecter(rejects, file);
  await forEachRow(
    path,
    file,
    ['area_code', 'area_name'],
    (cell, line) => {
      rejects.read(OEWS_SOURCE);
      const areaCode = cell('area_code');
      const name = cell('area_name');
      const areaType = cell('areatype_code');
      const stateCode = cell('state_code');
      if (!/^\d{7}$/.test(areaCode)) {
        return reject(
          line,
          'area_code',
          'seven digits, e.g. 0010180',
          JSON.stringify(areaCode),
          'bad area code',
        );
      }
      if (!name) return reject(line, 'area_name', 'an area name', '""', 'missing area name');
      const nameIssue = titleProblem(name);
      if (nameIssue)
        return reject(
          line,
          'area_name',
          `an area name: ${nameIssue}`,
          reportJson(name),
          'implausible area name',
        );
      if (areaType && !/^[NSM]$/.test(areaType)) {
        return reject(line, 'areatype_code', 'N, S or M', JSON.stringify(areaType), 'bad area type');
      }
      if (stateCode && !/^\d{2}$/.test(stateCode)) {
        return reject(
          line,
          'state_code',
          'two digits (state FIPS)',
          JSON.stringify(stateCode),
          'bad state code',
        );
      }
      if (out.has(areaCode))
        return reject(line, 'area_code', 'each code once', areaCode, 'duplicate area code');
      out.set(areaCode, { areaCode, areaTypeCode: areaType || null, stateCode: stateCode || null, name });
      rejects.kept(OEWS_SOURCE);
      return true;
    },
    { limits, rejects },
  );
  return out;
}

// ---------------------------------------------------------------- oe.release

export interface OewsRelease {
  /** "2024A01". */
  releaseDate: string;
  year: number;
  /** "May 2024". */
  description: string;
  topCode: { annual: number; hourly: number };
}

/**
 * `oe.release` → the release the files hold (the latest `release_date` when several rows are
 * listed). No usable row is a ValidationError: without it no figure can be labelled.
 */
export async function readOewsRelease(
  path: string,
  file = 'oe.release',
  limits: ReadLimits = DEFAULT_READ_LIMITS,
): Promise<OewsRelease> {
  let best: OewsRelease | undefined;
  const bad: string[] = [];
  await forEachRow(
    path,
    file,
    ['release_date', 'description'],
    (cell, line) => {
      const releaseDate = cell('release_date');
      const description = cell('description');
      const m = /^(\d{4})A\d{2}$/.exec(releaseDate);
      if (!m || !description) {
        bad.push(
          `line ${line}: release_date ${JSON.stringify(releaseDate)}, description ${JSON.stringify(description)}`,
        );
        return false;
      }
      const year = Number(m[1]);
      if (!best || releaseDate > best.releaseDate) {
        best = { releaseDate, year, description, topCode: topCodeFor(year) };
      }
      return true;
    },
    { limits },
  );
  if (!best) {
    throw new ValidationError(
      `${OEWS_SOURCE}: ${file} names no release; expected a row with release_date like "2024A01" and a description like "May 2024"${bad.length ? ` (got ${bad.slice(0, 3).join('; ')})` : ''}`,
      OEWS_SOURCE,
      { file },
    );
  }
  return best;
}

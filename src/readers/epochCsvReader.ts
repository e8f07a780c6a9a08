/**
 * Reads the manual EPOCH human-advantage ratings (EPOCH_URL; docs/epoch-rule.md §5): header
 * `soc,empathy,presence,opinion,creativity,hope,source` (extra columns such as title, notes or
 * the retired rubric_version are allowed; `notes` is carried into the record). A listed SOC uses
 * these ratings instead of the rule's. Each rating is an integer 1–5. A row's source is `manual`; rows marked
 * `generated` (the judgment-written ratings the rule replaced) are ignored with a warning, so an
 * older file — or the cached file of an older snapshot being re-scored — still works and its
 * generated rows no longer override the rule.
 *
 * Like the exposure file, any invalid row (a 6, a duplicate SOC, a blank field) is fatal for the
 * run: a ValidationError lists every bad row, and nothing is scored from a half-valid table.
 */
import path from 'node:path';
import { EPOCH_DIMENSIONS } from '../methodology/humanAdvantage/types.js';
import type { EpochRatings } from '../model/occupation.js';
import type { Reject, RejectCollector } from '../validate/rejects.js';
import { failWithRejects, readCsvRecords } from './exposureCsvReader.js';
import { DEFAULT_READ_LIMITS, type ReadLimits } from './readLimits.js';

const SOURCE = 'epoch';
const EPOCH_COLUMNS = ['soc', ...EPOCH_DIMENSIONS, 'source'] as const;
const RATING_MIN = 1;
const RATING_MAX = 5;
/** A SOC code, or an O*NET-SOC code whose six-digit SOC is taken. */
const SOC_OR_ONET = /^(\d{2}-\d{4})(\.\d{2})?$/;

export interface EpochEntry {
  ratings: EpochRatings;
  source: 'manual';
  /** The row's `notes` (why it differs from the rule), when the file has the column and it is not blank. */
  note?: string;
}

export interface EpochReadResult {
  bySoc: Map<string, EpochEntry>;
}

export async function readEpochCsv(
  input: { path: string; name?: string },
  rejects: RejectCollector,
  limits: ReadLimits = DEFAULT_READ_LIMITS,
): Promise<EpochReadResult> {
  const label = input.name ?? path.basename(input.path);
  const { rows } = await readCsvRecords(
    input.path,
    { source: SOURCE, label, required: EPOCH_COLUMNS },
    limits,
  );

  rejects.read(SOURCE, rows.length);
  const problems: Reject[] = [];
  const problem = (row: number, field: string, expected: string, got: string, reason: string) =>
    problems.push({ source: SOURCE, file: label, row, field, expected, got, reason });
  const firstLineOf = new Map<string, number>();
  const bySoc = new Map<string, EpochEntry>();
  const retired: string[] = [];

  for (const { line, record, invalidText } of rows) {
    if (invalidText) {
      problem(line, '(row)', 'valid UTF-8 text', 'bytes that are not UTF-8', 'not valid UTF-8');
      continue;
    }
    const raw = (field: string) => (record[field] ?? '').trim();
    let valid = true;

    const socText = raw('soc');
    const socMatch = SOC_OR_ONET.exec(socText);
    const soc = socMatch?.[1];
    if (!soc) {
      valid = false;
      problem(line, 'soc', 'a SOC code NN-NNNN (or NN-NNNN.NN)', JSON.stringify(socText), 'invalid soc');
    } else if (firstLineOf.has(soc)) {
      valid = false;
      problem(
        line,
        'soc',
        'one row per SOC code',
        `${JSON.stringify(socText)} (SOC ${soc} also on row ${firstLineOf.get(soc)})`,
        'duplicate soc',
      );
    } else {
      firstLineOf.set(soc, line);
    }

    const ratings: Partial<Record<(typeof EPOCH_DIMENSIONS)[number], number>> = {};
    for (const dimension of EPOCH_DIMENSIONS) {
      const text = raw(dimension);
      const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
      if (!(value >= RATING_MIN && value <= RATING_MAX)) {
        valid = false;
        problem(
          line,
          dimension,
          `an integer ${RATING_MIN}–${RATING_MAX}`,
          JSON.stringify(text),
          'rating out of range',
        );
      } else {
        ratings[dimension] = value;
      }
    }

    const source = raw('source');
    if (source !== 'manual' && source !== 'generated') {
      valid = false;
      problem(line, 'source', 'manual', JSON.stringify(source), 'invalid source');
    }
    const note = raw('notes');

    if (valid && soc) {
      if (source === 'generated') retired.push(`${soc} (row ${line})`);
      else
        bySoc.set(soc, {
          ratings: ratings as EpochRatings,
          source: 'manual',
          ...(note !== '' ? { note } : {}),
        });
    }
  }

  if (problems.length > 0) {
    failWithRejects(SOURCE, label, 'no EPOCH rating is used from this file', problems, rejects);
  }
  if (retired.length > 0) {
    rejects.warn({
      source: SOURCE,
      message: `${label}: ${retired.length} generated rating(s) ignored: judgment-written ratings are retired and the human-advantage rule rates these occupations (to keep one, mark it manual with a note saying why it differs from the rule)`,
      details: { ignored: retired.slice(0, 50) },
    });
  }
  rejects.kept(SOURCE, bySoc.size);
  return { bySoc };
}

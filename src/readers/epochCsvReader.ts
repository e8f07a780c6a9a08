/**
 * Reads the curated EPOCH human-advantage ratings (resilience-v2.md, input 3): header
 * `soc,empathy,presence,opinion,creativity,hope,source,rubric_version` (extra columns such as
 * title or notes are allowed). Each rating is an integer 1–5; source is manual or generated; a
 * generated rating names its rubric version (a manual one may leave it blank: it follows no rubric).
 *
 * Like the exposure file, any invalid row (a 6, a duplicate SOC, a blank field) is fatal for the
 * run: a ValidationError lists every bad row, and nothing is scored from a half-valid table.
 */
import path from 'node:path';
import type { EpochRatings } from '../model/occupation.js';
import type { Reject, RejectCollector } from '../validate/rejects.js';
import { failWithRejects, readCsvRecords } from './exposureCsvReader.js';
import { DEFAULT_READ_LIMITS, type ReadLimits } from './readLimits.js';

const SOURCE = 'epoch';
export const EPOCH_DIMENSIONS = ['empathy', 'presence', 'opinion', 'creativity', 'hope'] as const;
export const EPOCH_COLUMNS = ['soc', ...EPOCH_DIMENSIONS, 'source', 'rubric_version'] as const;
const RATING_MIN = 1;
const RATING_MAX = 5;
/** A SOC code, or an O*NET-SOC code whose six-digit SOC is taken. */
const SOC_OR_ONET = /^(\d{2}-\d{4})(\.\d{2})?$/;
const SOURCES = ['manual', 'generated'] as const;

export interface EpochEntry {
  ratings: EpochRatings;
  source: 'manual' | 'generated';
  /** The rubric a generated rating follows; a manual rating may have none (then absent). */
  rubricVersion?: string;
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
    if (!(SOURCES as readonly string[]).includes(source)) {
      valid = false;
      problem(line, 'source', SOURCES.join(' or '), JSON.stringify(source), 'invalid source');
    }
    const rubricVersion = raw('rubric_version');
    if (rubricVersion === '' && source === 'generated') {
      valid = false;
      problem(
        line,
        'rubric_version',
        'a rubric version (e.g. "epoch-rubric-1") on a generated rating',
        '""',
        'missing rubric version',
      );
    }

    if (valid && soc) {
      bySoc.set(soc, {
        ratings: ratings as EpochRatings,
        source: source as EpochEntry['source'],
        ...(rubricVersion !== '' ? { rubricVersion } : {}),
      });
    }
  }

  if (problems.length > 0) {
    failWithRejects(SOURCE, label, 'no EPOCH rating is used from this file', problems, rejects);
  }
  rejects.kept(SOURCE, rows.length);
  return { bySoc };
}

/**
 * OEWS time-series flat files (`oe.data.0.Current` + `oe.occupation`, `oe.area`, `oe.release`) →
 * one estimate per (area, occupation), cross-industry only, decoded like the xlsx reader decodes
 * the workbooks (docs/bls.md §3).
 *
 * The data file is streamed, never held: a byte-level filter (oewsLineFilter.ts) drops the lines
 * whose series id names another industry, an unpublished datatype or an occupation of another
 * group, and only the rest is parsed by csv-parse and turned into estimates (oewsFlatFileEstimates.ts).
 * Memory holds the estimates being built (by column, in an OewsEstimateTable) and one 256 KB chunk
 * of lines, never the file.
 */
import { parse as parseTsv } from 'csv-parse/sync';
import { ValidationError } from '../errors.js';
import type { RejectCollector } from '../validate/rejects.js';
import { LineQueue } from './lineQueue.js';
import { SLOT_OF_FIELD } from './oewsEstimateTable.js';
import { FlatFileEstimates, type OewsFlatFileStats } from './oewsFlatFileEstimates.js';
import {
  BLS_TSV_OPTIONS,
  OEWS_SOURCE,
  type OewsRelease,
  readOewsAreas,
  readOewsOccupations,
  readOewsRelease,
} from './oewsFlatFileMeta.js';
import { DATA_FILE, filteredChunks, SeriesLineFilter } from './oewsLineFilter.js';
import { DATATYPE_FIELDS, datatypeMask, occupationMask, PUBLISHED_DATATYPES } from './oewsSeriesId.js';
import type { OewsGroup, OewsReadResult } from './oewsTypes.js';
import { DEFAULT_READ_LIMITS, type ReadLimits } from './readLimits.js';

export interface OewsFlatFilePaths {
  dataPath: string;
  occupationPath: string;
  areaPath: string;
  releasePath: string;
}

export interface OewsFlatFileOptions {
  /** Datatype codes to read (default: those the snapshot publishes). Fields of other datatypes are null, listed in `notAvailable`. */
  keepDatatypes?: string[];
  /** File name used in rejects and errors (default `oe.data.0.Current`). */
  dataFileName?: string;
  /**
   * Occupation groups to read (default: all). The series of other groups' occupations (as
   * `oe.occupation` groups them) are dropped at the byte level, before parsing.
   */
  groups?: readonly OewsGroup[];
  /** Line length and row count of every file (default: DEFAULT_READ_LIMITS). */
  limits?: ReadLimits;
}

/** The groups the snapshot uses: records are per detailed occupation (model/wages.ts). */
export const PUBLISHED_GROUPS: readonly OewsGroup[] = ['detailed'];

export interface OewsFlatFileResult extends OewsReadResult {
  releaseInfo: OewsRelease;
  stats: OewsFlatFileStats;
}

/**
 * Read the OEWS flat files into one estimate per (area, occupation) for cross-industry series.
 * A `-` value is top-coded with footnote 5 and not available otherwise; a series absent for a field
 * leaves it null and listed in `notAvailable`. Bad rows are rejected (file, line, field, expected,
 * got) and the run continues; a header without `series_id`, `value` or `footnote_codes` is a
 * ValidationError.
 */
export async function readOewsFlatFiles(
  input: OewsFlatFilePaths,
  rejects: RejectCollector,
  opts: OewsFlatFileOptions = {},
): Promise<OewsFlatFileResult> {
  const file = opts.dataFileName ?? DATA_FILE;
  const keepDatatypes = opts.keepDatatypes ?? [...PUBLISHED_DATATYPES];
  const unknown = keepDatatypes.filter((d) => !(d in DATATYPE_FIELDS));
  if (unknown.length > 0) {
    throw new TypeError(
      `readOewsFlatFiles: keepDatatypes ${unknown.join(', ')} have no published field; expected some of ${PUBLISHED_DATATYPES.join(', ')}`,
    );
  }
  const slotOfDatatype = new Map(keepDatatypes.map((d) => [d, SLOT_OF_FIELD.get(DATATYPE_FIELDS[d]!)!]));

  const limits = opts.limits ?? DEFAULT_READ_LIMITS;
  const release = await readOewsRelease(input.releasePath, undefined, limits);
  const occupations = await readOewsOccupations(input.occupationPath, rejects, undefined, limits);
  const areas = await readOewsAreas(input.areaPath, rejects, undefined, limits);
  const groups = opts.groups ? new Set(opts.groups) : undefined;
  const wanted = groups ? [...occupations.values()].filter((o) => groups.has(o.group)) : undefined;
  const dropOccupation = groups
    ? occupationMask([...occupations.values()].filter((o) => !groups.has(o.group)).map((o) => o.code))
    : undefined;

  const estimates = new FlatFileEstimates(
    {
      file,
      release,
      occupations,
      areas,
      slotOfDatatype,
      dropOccupation,
      // Occupations of other groups are dropped before they get an index.
      reachableOccupations: wanted ? wanted.length : occupations.size,
    },
    rejects,
  );
  const queue = new LineQueue();
  const filter = new SeriesLineFilter(datatypeMask(keepDatatypes), queue, dropOccupation, {
    file,
    maxLineBytes: limits.maxLineBytes,
    maxRows: limits.maxRows,
  });

  let records = 0;
  // Each chunk is whole lines, so csv-parse's synchronous API parses it completely before the
  // shared buffer is reused; no stream can hold on to it.
  for await (const chunk of filteredChunks(input.dataPath, filter)) {
    for (const record of parseTsv(chunk, BLS_TSV_OPTIONS) as string[][]) {
      records++;
      estimates.add(record, queue.shift() ?? records);
    }
  }
  if (!estimates.started) {
    throw new ValidationError(
      `${OEWS_SOURCE}: ${file} is empty; expected a header row with series_id, value, footnote_codes`,
      OEWS_SOURCE,
      { file },
    );
  }
  if (queue.pending !== 0) {
    rejects.warn({
      source: OEWS_SOURCE,
      message: `${file}: line numbers in rejects may be off (${queue.pending} filtered lines produced no record)`,
    });
  }
  const { stats } = estimates;
  stats.lines = Math.max(0, filter.lines - 1);
  rejects.read(OEWS_SOURCE, stats.parsed);
  rejects.kept(OEWS_SOURCE, stats.kept);
  return { release: release.description, releaseInfo: release, estimates: estimates.finish(), stats };
}

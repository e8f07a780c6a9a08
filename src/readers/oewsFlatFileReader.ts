/**
 * OEWS time-series flat files (`oe.data.0.Current` + `oe.occupation`, `oe.area`, `oe.release`) →
 * one estimate per (area, occupation), cross-industry only, decoded like the xlsx reader decodes
 * the workbooks (docs/bls.md §3).
 *
 * The data file is ≈330 MB / 5.7 M lines, many of them series the snapshot never uses (other
 * industries; RSEs, jobs per 1,000, location quotients).
 * It is streamed, never held: a byte-level filter drops the lines whose series id (fixed offsets at
 * the start of the line) names another industry or an unpublished datatype, and only the rest is
 * parsed by csv-parse and validated. Memory holds the estimates being built (by column, in an
 * OewsEstimateTable) and one 256 KB chunk of lines, never the file.
 */
import { open } from 'node:fs/promises';
import { parse as parseTsv } from 'csv-parse/sync';
import { ValidationError } from '../errors.js';
import { FIPS_TO_POSTAL } from '../model/states.js';
import { EMPLOYMENT_CEILING, plausibleEmployment, type WageSide, wageProblem } from '../validate/bounds.js';
import type { RejectCollector } from '../validate/rejects.js';
import {
  type OewsAreaInfo,
  OewsEstimateTable,
  SLOT_OF_FIELD,
  SLOTS,
  SlotState,
} from './oewsEstimateTable.js';
import {
  BLS_TSV_OPTIONS,
  headerIndex,
  OEWS_SOURCE,
  type OewsArea,
  type OewsRelease,
  readOewsAreas,
  readOewsOccupations,
  readOewsRelease,
} from './oewsFlatFileMeta.js';
import {
  CROSS_INDUSTRY,
  DATATYPE_FIELDS,
  datatypeMask,
  decodeSeriesId,
  occupationMask,
  PUBLISHED_DATATYPES,
  SERIES_ID_EXPECTED,
  seriesLineWanted,
} from './oewsSeriesId.js';
import { FIGURE_FIELD_ORDER, type OewsGroup, type OewsReadResult, topCodeFor } from './oewsTypes.js';
import { DEFAULT_READ_LIMITS, ReadLimitError, type ReadLimits } from './readLimits.js';

export const DATA_FILE = 'oe.data.0.Current';
/** Footnote on a `-` value meaning "at or above the top code" (8 = estimate not released). */
export const TOP_CODE_FOOTNOTE = '5';
const TERRITORY_FIPS = new Set(['66', '72', '78']);
const SPACE = 0x20;
const TAB = 0x09;
const NEWLINE = 0x0a;
/**
 * The U.S. as the yearly workbooks name it (AREA_TITLE), where oe.area says "National": both
 * readers give the national estimate the same code ("99") and name.
 */
export const NATIONAL_AREA_NAME = 'U.S.';

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

export interface OewsFlatFileStats {
  /** Lines of the data file after the header. */
  lines: number;
  /** Lines that passed the byte filter and were parsed and validated. */
  parsed: number;
  /** Parsed rows that became a figure of an estimate. */
  kept: number;
  rejected: number;
}

export interface OewsFlatFileResult extends OewsReadResult {
  releaseInfo: OewsRelease;
  stats: OewsFlatFileStats;
}

/**
 * The line that gave each figure of the estimates still being filled, for the reject when the
 * finished estimate's percentiles turn out to decrease. An estimate is checked as soon as its last
 * series arrives, then forgotten: in a file sorted by series id (as BLS publishes it) only a handful
 * are open at a time, instead of a line number per figure for the whole read.
 */
class OpenEstimates {
  private readonly open = new Map<number, Uint32Array>();
  /** Closed rows' arrays, reused: one small typed array per estimate would churn malloc. */
  private readonly spare: Uint32Array[] = [];
  /** Records `line` for the figure; true when that completes the row (`expected` figures set). */
  set(row: number, slot: number, line: number, expected: number): boolean {
    let lines = this.open.get(row);
    if (!lines) {
      lines = this.spare.pop()?.fill(0) ?? new Uint32Array(SLOTS + 1);
      this.open.set(row, lines);
    }
    lines[slot] = line;
    lines[SLOTS]! += 1;
    return lines[SLOTS] === expected;
  }
  line(row: number, slot: number): number {
    return this.open.get(row)?.[slot] ?? 0;
  }
  close(row: number): void {
    const lines = this.open.get(row);
    if (lines && this.spare.length < 1024) this.spare.push(lines);
    this.open.delete(row);
  }
  /** Rows never completed (a series missing from the file), in the order they were opened. */
  rows(): number[] {
    return [...this.open.keys()];
  }
}

/**
 * Original line numbers of the lines the filter let through, consumed in order by the parser's
 * records. A growable ring of uint32 (a chunk's worth at most), off the JS heap.
 */
export class LineQueue {
  private items = new Uint32Array(8192);
  private head = 0;
  private size = 0;
  push(n: number): void {
    if (this.size === this.items.length) {
      const bigger = new Uint32Array(this.items.length * 2);
      for (let i = 0; i < this.size; i++) bigger[i] = this.items[(this.head + i) % this.items.length]!;
      this.items = bigger;
      this.head = 0;
    }
    this.items[(this.head + this.size) % this.items.length] = n;
    this.size++;
  }
  shift(): number | undefined {
    if (this.size === 0) return undefined;
    const n = this.items[this.head]!;
    this.head = (this.head + 1) % this.items.length;
    this.size--;
    return n;
  }
  get pending(): number {
    return this.size;
  }
}

/**
 * Splits the byte stream on `\n` and passes on the header plus the lines `seriesLineWanted` keeps,
 * recording each passed line's number. When `series_id` is not the header's first column the byte
 * offsets mean nothing, so every line passes (csv-parse and the reader then do all the work).
 */
export class SeriesLineFilter {
  lines = 0;
  private carry: Buffer | null = null;
  private header = true;
  private passAll = false;
  /** The line `wanted` just passed is a data line of the series_id-first layout (compacted). */
  private dataLine = false;

  constructor(
    private readonly keep: Uint8Array,
    private readonly queue: LineQueue,
    private readonly dropOccupation?: Uint8Array,
    /** READ_MAX_LINE_BYTES / READ_MAX_ROWS: a longer line or more lines fail the file at once. */
    private readonly limits: { file: string; maxLineBytes: number; maxRows: number } = {
      file: DATA_FILE,
      ...DEFAULT_READ_LIMITS,
    },
  ) {}

  private tooLong(): ReadLimitError {
    const { file, maxLineBytes } = this.limits;
    return new ReadLimitError(
      OEWS_SOURCE,
      file,
      `line ${this.lines + 1} is longer than ${maxLineBytes} bytes: its length`,
      maxLineBytes,
      'READ_MAX_LINE_BYTES',
    );
  }

  /** The wanted lines of `chunk` (compacted, in a new buffer), or null when there are none. */
  filterChunk(chunk: Buffer): Buffer | null {
    const out = this.filterChunkShared(chunk);
    return out ? Buffer.from(out) : null;
  }

  /**
   * Like `filterChunk`, but the result is a view of a buffer the next call overwrites: for a caller
   * that is done with it before then (`filteredChunks`). `chunk` is not kept either.
   */
  filterChunkShared(chunk: Buffer): Buffer | null {
    let pos = 0;
    let o = 0;
    const out = this.spare(chunk.length + (this.carry?.length ?? 0));
    if (this.carry) {
      // Finish the line split across chunks.
      const nl = chunk.indexOf(10);
      if (this.carry.length + (nl === -1 ? chunk.length : nl) > this.limits.maxLineBytes)
        throw this.tooLong();
      if (nl === -1) {
        this.carry = Buffer.concat([this.carry, chunk]);
        return null;
      }
      const line = Buffer.concat([this.carry, chunk.subarray(0, nl + 1)]);
      this.carry = null;
      if (this.wanted(line, 0, line.length - 1)) o = this.copyLine(line, 0, line.length, out, o);
      pos = nl + 1;
    }
    for (;;) {
      const nl = chunk.indexOf(10, pos);
      if (nl === -1) break;
      if (nl - pos > this.limits.maxLineBytes) throw this.tooLong();
      if (this.wanted(chunk, pos, nl)) o = this.copyLine(chunk, pos, nl + 1, out, o);
      pos = nl + 1;
    }
    if (this.lines > this.limits.maxRows + 1) {
      throw new ReadLimitError(
        OEWS_SOURCE,
        this.limits.file,
        `the number of lines (more than ${this.limits.maxRows})`,
        this.limits.maxRows,
        'READ_MAX_ROWS',
      );
    }
    // Copy the tail: the chunk is not ours to keep.
    if (chunk.length - pos > this.limits.maxLineBytes) throw this.tooLong();
    if (pos < chunk.length) this.carry = Buffer.from(chunk.subarray(pos));
    return o > 0 ? out.subarray(0, o) : null;
  }

  /** The last line when the input did not end with `\n`, if wanted (a view, like `filterChunkShared`). */
  filterRest(): Buffer | null {
    const line = this.carry;
    this.carry = null;
    if (!line || line.length === 0 || !this.wanted(line, 0, line.length)) return null;
    const out = this.spare(line.length);
    return out.subarray(0, this.copyLine(line, 0, line.length, out, 0));
  }

  private buffer = Buffer.alloc(0);

  /** A reusable output buffer of at least `size` bytes. */
  private spare(size: number): Buffer {
    if (this.buffer.length < size) this.buffer = Buffer.allocUnsafe(size);
    return this.buffer;
  }

  /**
   * Copy `src[start..end)` (a whole line, with its `\n` when it has one) to `out` at `o`; returns the
   * new end. Data lines lose the spaces that pad their cells (the series id is padded to 30, the
   * value to 12 characters): csv-parse trims every cell anyway (`trim: true`), so the records are
   * the same, and it has about a third fewer bytes to scan. Only spaces next to a tab or the line's
   * ends go; spaces inside a cell stay. The header and pass-all lines are copied as they are.
   */
  private copyLine(src: Buffer, start: number, end: number, out: Buffer, o: number): number {
    if (!this.dataLine) {
      src.copy(out, o, start, end);
      return o + (end - start);
    }
    let cellStart = true;
    let spaces = 0;
    for (let i = start; i < end; i++) {
      const b = src[i]!;
      if (b === SPACE) {
        if (!cellStart) spaces++;
      } else if (b === TAB || b === NEWLINE) {
        spaces = 0;
        out[o++] = b;
        cellStart = true;
      } else {
        for (; spaces > 0; spaces--) out[o++] = SPACE;
        out[o++] = b;
        cellStart = false;
      }
    }
    return o;
  }

  private wanted(buf: Buffer, start: number, end: number): boolean {
    this.lines++;
    let keep: boolean;
    this.dataLine = false;
    if (this.header) {
      // The header is the first non-blank line.
      if (buf.subarray(start, end).toString('latin1').trim() === '') return false;
      this.header = false;
      const first = buf
        .subarray(start, end)
        .toString('latin1')
        .split('\t')[0]
        ?.trim()
        .replace(/^\uFEFF|^ï»¿/, '');
      this.passAll = first !== 'series_id';
      keep = true;
    } else if (this.passAll) {
      keep = buf.subarray(start, end).toString('latin1').trim() !== '';
    } else {
      keep = seriesLineWanted(buf, start, end, this.keep, this.dropOccupation);
      this.dataLine = true;
    }
    if (keep) this.queue.push(this.lines);
    return keep;
  }
}

/**
 * Bytes per read. A chunk's records are all alive while it is handled, and at 1 MB (~4,500 parsed
 * records) enough of them outlived young-generation GCs to be promoted and grow the old heap.
 */
const READ_BYTES = 256 * 1024;

/**
 * The file's wanted lines, whole lines only, read through one reused buffer and written into
 * one reused output buffer: a stream would allocate a fresh buffer per read, and tens of MB of them
 * can be garbage outside the JS heap before a GC notices — more than the parser's whole working set,
 * and a different amount every run. Each yielded buffer is valid until the next iteration.
 */
export async function* filteredChunks(path: string, filter: SeriesLineFilter): AsyncGenerator<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(READ_BYTES);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      const out = filter.filterChunkShared(buffer.subarray(0, bytesRead));
      if (out) yield out;
    }
    const last = filter.filterRest();
    if (last) yield last;
  } finally {
    await handle.close();
  }
}

function isNumber(text: string): boolean {
  return /^\d+(?:\.\d+)?$/.test(text);
}

/** Area of a series: from its area type letter and code, named by `oe.area`. */
function resolveArea(
  letter: 'N' | 'S' | 'M',
  code: string,
  areas: Map<string, OewsArea>,
): OewsAreaInfo | { expected: string; reason: string } {
  const area = areas.get(code);
  if (!area) return { expected: `area ${code} listed in oe.area`, reason: 'area not in oe.area' };
  if (area.areaTypeCode && area.areaTypeCode !== letter) {
    return {
      expected: `area type ${area.areaTypeCode} for area ${code} (as in oe.area)`,
      reason: 'area type disagrees with oe.area',
    };
  }
  if (letter === 'N') {
    return { areaType: 'national', areaCode: '99', areaName: NATIONAL_AREA_NAME, state: null };
  }
  if (letter === 'S') {
    const fips = area.stateCode ?? code.slice(0, 2);
    const postal = FIPS_TO_POSTAL[fips];
    if (!postal) return { expected: 'a state or territory FIPS code', reason: 'unknown state FIPS code' };
    const territory = TERRITORY_FIPS.has(fips);
    return {
      areaType: territory ? 'territory' : 'state',
      areaCode: fips,
      areaName: area.name,
      state: postal,
    };
  }
  const nonmetro = /nonmetropolitan area/i.test(area.name);
  return {
    areaType: nonmetro ? 'nonmetro' : 'metro',
    areaCode: code,
    areaName: area.name,
    state: null,
  };
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
  const dropOccupation = groups
    ? occupationMask([...occupations.values()].filter((o) => !groups.has(o.group)).map((o) => o.code))
    : undefined;

  const table = new OewsEstimateTable();
  const openEstimates = new OpenEstimates();
  const figuresPerEstimate = new Set(slotOfDatatype.values()).size;
  /** Rows dropped whole for decreasing percentiles (rare). */
  const dropped = new Set<number>();
  const checkPercentiles = (row: number) => {
    const issue = percentileIssue(table, (slot) => openEstimates.line(row, slot), row);
    if (issue) {
      dropped.add(row);
      reject(
        openEstimates.line(row, issue.slot),
        'value',
        issue.expected,
        String(table.figureValue(row, issue.slot)),
        'percentiles decrease',
      );
    }
    openEstimates.close(row);
  };
  // Row + 1 of each (area, occupation) in the table, one typed array per area (off the JS heap:
  // V8 sizes the old generation at a multiple of what lives there, so a 125,000-entry Map costs
  // several times its own size in peak RSS).
  const rowsOfArea: Int32Array[] = [];
  const occupationIndex = new Map<string, number>();
  // Occupations of other groups are dropped before they get an index.
  const reachableOccupations = groups
    ? [...occupations.values()].filter((o) => groups.has(o.group)).length
    : occupations.size;
  const resolvedAreas = new Map<string, { index: number } | { expected: string; reason: string }>();
  const queue = new LineQueue();
  const filter = new SeriesLineFilter(datatypeMask(keepDatatypes), queue, dropOccupation, {
    file,
    maxLineBytes: limits.maxLineBytes,
    maxRows: limits.maxRows,
  });
  const stats: OewsFlatFileStats = { lines: 0, parsed: 0, kept: 0, rejected: 0 };

  const reject = (line: number, field: string, expected: string, got: string, reason: string): false => {
    stats.rejected++;
    rejects.reject({ source: OEWS_SOURCE, file, row: line, field, expected, got, reason });
    return false;
  };

  /** A figure whose own line is refused: null, listed in `rejected`, and the line rejected. */
  const refuse = (
    row: number,
    slot: number,
    line: number,
    ...why: [string, string, string, string]
  ): false => {
    table.setFigure(row, slot, SlotState.REJECTED);
    if (openEstimates.set(row, slot, line, figuresPerEstimate)) checkPercentiles(row);
    return reject(line, ...why);
  };

  const releaseYear = String(release.year);
  const topCode = topCodeFor(release.year);
  let col: { series: number; value: number; footnotes: number; year: number | undefined } | undefined;

  /** Validate one parsed record into its estimate; true when it became a figure. */
  const handle = (record: string[], line: number): boolean => {
    if (!col) {
      const index = headerIndex(record, file, ['series_id', 'value', 'footnote_codes']);
      col = {
        series: index.get('series_id')!,
        value: index.get('value')!,
        footnotes: index.get('footnote_codes')!,
        year: index.get('year'),
      };
      return false;
    }
    const seriesId = record[col.series] ?? '';
    const id = decodeSeriesId(seriesId);
    if (!id) {
      stats.parsed++;
      return reject(line, 'series_id', SERIES_ID_EXPECTED, JSON.stringify(seriesId), 'bad series id');
    }
    const slot = slotOfDatatype.get(id.datatype);
    // Reached only when the byte filter passed everything (series_id not first): skip quietly.
    if (id.industry !== CROSS_INDUSTRY || slot === undefined) return false;
    if (dropOccupation !== undefined && dropOccupation[Number(id.occupation)] === 1) return false;
    stats.parsed++;

    const occupation = occupations.get(id.occupation);
    if (!occupation) {
      return reject(
        line,
        'series_id',
        `occupation ${id.occupation} listed in oe.occupation`,
        seriesId,
        'occupation not in oe.occupation',
      );
    }
    const areaKey = id.areaType + id.area;
    let area = resolvedAreas.get(areaKey);
    if (!area) {
      const resolved = resolveArea(id.areaType, id.area, areas);
      area = 'areaType' in resolved ? { index: table.addArea(resolved) } : resolved;
      resolvedAreas.set(areaKey, area);
    }
    if (!('index' in area)) return reject(line, 'series_id', area.expected, seriesId, area.reason);

    let occupationAt = occupationIndex.get(id.occupation);
    if (occupationAt === undefined) {
      occupationAt = table.addOccupation({
        soc: occupation.soc,
        title: occupation.title,
        group: occupation.group,
      });
      occupationIndex.set(id.occupation, occupationAt);
    }
    let rows = rowsOfArea[area.index];
    if (!rows) {
      rows = new Int32Array(reachableOccupations);
      rowsOfArea[area.index] = rows;
    }
    let row = rows[occupationAt]! - 1;
    if (row < 0) {
      row = table.addRow(area.index, occupationAt);
      rows[occupationAt] = row + 1;
    }
    if (table.figureState(row, slot) !== SlotState.ABSENT) {
      return reject(line, 'series_id', 'each series once', seriesId, 'duplicate series');
    }
    // From here a problem is this figure's: it is published as null, listed in `rejected`.
    if (col.year !== undefined) {
      const year = record[col.year] ?? '';
      if (year !== releaseYear) {
        return refuse(
          row,
          slot,
          line,
          'year',
          `${release.year} (the release in oe.release)`,
          JSON.stringify(year),
          'wrong year',
        );
      }
    }
    const raw = record[col.value] ?? '';
    let state: SlotState;
    let value = 0;
    if (raw === '-') {
      const footnotes = (record[col.footnotes] ?? '').split(/[\s,;]+/);
      state = footnotes.includes(TOP_CODE_FOOTNOTE) ? SlotState.TOP_CODED : SlotState.NOT_AVAILABLE;
    } else if (isNumber(raw)) {
      value = Number(raw);
      if (id.datatype === '01' && !Number.isInteger(value)) {
        return refuse(
          row,
          slot,
          line,
          'value',
          'a whole number of jobs',
          JSON.stringify(raw),
          'employment not an integer',
        );
      }
      if (id.datatype === '01' && !plausibleEmployment(value)) {
        return refuse(
          row,
          slot,
          line,
          'value',
          `a whole number of jobs from 0 to ${EMPLOYMENT_CEILING}`,
          JSON.stringify(raw),
          'employment out of bounds',
        );
      }
      const field = DATATYPE_FIELDS[id.datatype] ?? 'employment';
      if (field !== 'employment') {
        const [side, key] = field.split('.') as [WageSide, string];
        const problem = wageProblem(value, key === 'mean' ? 'mean' : 'percentile', side, topCode);
        if (problem)
          return refuse(row, slot, line, 'value', problem, JSON.stringify(raw), 'wage out of bounds');
      }
      state = SlotState.VALUE;
    } else {
      return refuse(
        row,
        slot,
        line,
        'value',
        'a non-negative number, or "-" (top-coded with footnote 5, else not available)',
        JSON.stringify(raw),
        'value not a number',
      );
    }

    table.setFigure(row, slot, state, value);
    stats.kept++;
    if (openEstimates.set(row, slot, line, figuresPerEstimate)) checkPercentiles(row);
    return true;
  };

  let records = 0;
  // Each chunk is whole lines, so csv-parse's synchronous API parses it completely before the
  // shared buffer is reused; no stream can hold on to it.
  for await (const chunk of filteredChunks(input.dataPath, filter)) {
    for (const record of parseTsv(chunk, BLS_TSV_OPTIONS) as string[][]) {
      records++;
      handle(record, queue.shift() ?? records);
    }
  }
  if (!col) {
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
  stats.lines = Math.max(0, filter.lines - 1);
  rejects.read(OEWS_SOURCE, stats.parsed);
  rejects.kept(OEWS_SOURCE, stats.kept);

  rowsOfArea.length = 0;
  for (const row of openEstimates.rows()) checkPercentiles(row);
  const estimates = table.finish({ keep: (row) => !dropped.has(row), sortByArea: true });
  return { release: release.description, releaseInfo: release, estimates, stats };
}

const PERCENTILE_SLOTS = (['annual', 'hourly'] as const).map((side) =>
  (['p10', 'p25', 'median', 'p75', 'p90'] as const).map((k) => SLOT_OF_FIELD.get(`${side}.${k}`)!),
);

/**
 * The same check the xlsx reader makes on a row: percentiles never decrease, and none above a
 * top-coded one is a plain number. A violating estimate is dropped whole (one reject).
 */
function percentileIssue(
  table: OewsEstimateTable,
  line: (slot: number) => number,
  row: number,
): { slot: number; expected: string } | undefined {
  const state = (slot: number) => table.figureState(row, slot);
  const value = (slot: number) => table.figureValue(row, slot);
  for (const slots of PERCENTILE_SLOTS) {
    let previous: number | undefined;
    let topCoded: number | undefined;
    for (const slot of slots) {
      if (state(slot) === SlotState.TOP_CODED) topCoded ??= slot;
      if (state(slot) !== SlotState.VALUE) continue;
      const field = FIGURE_FIELD_ORDER[slot];
      if (topCoded !== undefined) {
        return {
          slot,
          expected: `"-" with footnote 5 for ${field} (above top-coded ${FIGURE_FIELD_ORDER[topCoded]}; line ${line(topCoded)})`,
        };
      }
      if (previous !== undefined && value(slot) < value(previous)) {
        return {
          slot,
          expected: `${field} ≥ ${FIGURE_FIELD_ORDER[previous]} (${value(previous)}, line ${line(previous)}): percentiles must not decrease`,
        };
      }
      previous = slot;
    }
  }
  return undefined;
}

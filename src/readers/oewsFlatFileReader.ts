/**
 * OEWS time-series flat files (`oe.data.0.Current` + `oe.occupation`, `oe.area`, `oe.release`) →
 * one estimate per (area, occupation), cross-industry only, decoded like the xlsx reader decodes
 * the workbooks (bls.md §3).
 *
 * The data file is ≈330 MB / 5.7 M lines, many of them series the snapshot never uses (other
 * industries; RSEs, jobs per 1,000, location quotients).
 * It is streamed, never held: a byte-level filter drops the lines whose series id (fixed offsets at
 * the start of the line) names another industry or an unpublished datatype, and only the rest is
 * parsed by csv-parse and validated. Memory holds the estimates being built, never rows.
 */
import { open } from 'node:fs/promises';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { parse } from 'csv-parse';
import { ValidationError } from '../errors.js';
import type { FigureField, WageFigures } from '../model/occupation.js';
import { FIPS_TO_POSTAL } from '../model/states.js';
import type { RejectCollector } from '../validate/rejects.js';
import {
  BLS_TSV_OPTIONS,
  consumeRecords,
  headerIndex,
  OEWS_SOURCE,
  type OewsArea,
  type OewsOccupation,
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
import {
  FIGURE_FIELD_ORDER,
  type OewsAreaType,
  type OewsEstimate,
  type OewsGroup,
  type OewsReadResult,
} from './oewsTypes.js';

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

// Per-slot state of an estimate being built, indexed like FIGURE_FIELD_ORDER.
const ABSENT = 0;
const VALUE = 1;
const TOP_CODED = 2;
const NOT_AVAILABLE = 3;
const SLOT_OF_FIELD = new Map<FigureField, number>(FIGURE_FIELD_ORDER.map((f, i) => [f, i]));
const SLOTS = FIGURE_FIELD_ORDER.length;

interface EstimateDraft {
  area: ResolvedArea;
  occupation: OewsOccupation;
  /** Offset of this estimate's SLOTS figures in the FigureStore. */
  base: number;
}

/**
 * The figures of every estimate being built, in three flat typed arrays (a few hundred thousand
 * estimates × 13 fields), rather than three small arrays per estimate.
 */
class FigureStore {
  state = new Uint8Array(SLOTS * 1024);
  values = new Float64Array(SLOTS * 1024);
  /** Line of the row that gave each figure, for rejects found once an estimate is complete. */
  lines = new Uint32Array(SLOTS * 1024);
  private used = 0;

  allocate(): number {
    if (this.used + SLOTS > this.state.length) {
      const grow = <T extends Uint8Array | Float64Array | Uint32Array>(a: T, make: (n: number) => T): T => {
        const b = make(a.length * 2);
        b.set(a);
        return b;
      };
      this.state = grow(this.state, (n) => new Uint8Array(n));
      this.values = grow(this.values, (n) => new Float64Array(n));
      this.lines = grow(this.lines, (n) => new Uint32Array(n));
    }
    const base = this.used;
    this.used += SLOTS;
    return base;
  }
}

interface ResolvedArea {
  areaType: OewsAreaType;
  areaCode: string;
  areaName: string;
  state: string | null;
  rank: number;
}

/** Original line numbers of the lines the filter let through, consumed in order by the parser's records. */
export class LineQueue {
  private items: number[] = [];
  private head = 0;
  push(n: number): void {
    this.items.push(n);
  }
  shift(): number | undefined {
    const n = this.items[this.head];
    if (n === undefined) return undefined;
    this.head++;
    if (this.head > 65_536 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return n;
  }
  get pending(): number {
    return this.items.length - this.head;
  }
}

/**
 * Splits the byte stream on `\n` and passes on the header plus the lines `seriesLineWanted` keeps,
 * recording each passed line's number. When `series_id` is not the header's first column the byte
 * offsets mean nothing, so every line passes (csv-parse and the reader then do all the work).
 */
export class SeriesLineFilter extends Transform {
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
  ) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    const out = this.filterChunk(chunk);
    if (out) this.push(out);
    cb();
  }

  override _flush(cb: TransformCallback): void {
    const out = this.filterRest();
    if (out) this.push(out);
    cb();
  }

  /**
   * The wanted lines of `chunk` (compacted, in a new buffer), or null when there are none. `chunk`
   * is not kept: the caller may reuse it (see `filteredChunks`).
   */
  filterChunk(chunk: Buffer): Buffer | null {
    let pos = 0;
    let o = 0;
    const out = this.spare(chunk.length + (this.carry?.length ?? 0));
    if (this.carry) {
      // Finish the line split across chunks.
      const nl = chunk.indexOf(10);
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
      if (this.wanted(chunk, pos, nl)) o = this.copyLine(chunk, pos, nl + 1, out, o);
      pos = nl + 1;
    }
    // Copy the tail: the chunk is not ours to keep.
    if (pos < chunk.length) this.carry = Buffer.from(chunk.subarray(pos));
    // The output buffer is reused for the next chunk; csv-parse gets a right-sized copy.
    return o > 0 ? Buffer.from(out.subarray(0, o)) : null;
  }

  /** The last line when the input did not end with `\n`, if wanted. */
  filterRest(): Buffer | null {
    const line = this.carry;
    this.carry = null;
    if (!line || line.length === 0 || !this.wanted(line, 0, line.length)) return null;
    const out = this.spare(line.length);
    return Buffer.from(out.subarray(0, this.copyLine(line, 0, line.length, out, 0)));
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
 * The file's wanted lines, read through one reused 1 MB buffer: a stream would allocate a fresh
 * buffer per read, and ~60 MB of them can be garbage at once before a GC — more than the parser's
 * whole working set. Only the (much smaller) filtered output is allocated.
 */
export async function* filteredChunks(path: string, filter: SeriesLineFilter): AsyncGenerator<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(1 << 20);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      const out = filter.filterChunk(buffer.subarray(0, bytesRead));
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
): ResolvedArea | { expected: string; reason: string } {
  const area = areas.get(code);
  if (!area) return { expected: `area ${code} listed in oe.area`, reason: 'area not in oe.area' };
  if (area.areaTypeCode && area.areaTypeCode !== letter) {
    return {
      expected: `area type ${area.areaTypeCode} for area ${code} (as in oe.area)`,
      reason: 'area type disagrees with oe.area',
    };
  }
  if (letter === 'N') {
    return { areaType: 'national', areaCode: '99', areaName: NATIONAL_AREA_NAME, state: null, rank: 0 };
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
      rank: territory ? 2 : 1,
    };
  }
  const nonmetro = /nonmetropolitan area/i.test(area.name);
  return {
    areaType: nonmetro ? 'nonmetro' : 'metro',
    areaCode: code,
    areaName: area.name,
    state: null,
    rank: 3,
  };
}

function toEstimate(store: FigureStore, p: EstimateDraft): OewsEstimate {
  const state = store.state.subarray(p.base, p.base + SLOTS);
  const values = store.values.subarray(p.base, p.base + SLOTS);
  const topCoded: FigureField[] = [];
  const notAvailable: FigureField[] = [];
  const value = (slot: number): number | null => (state[slot] === VALUE ? values[slot]! : null);
  for (let slot = 0; slot < SLOTS; slot++) {
    const s = state[slot];
    if (s === TOP_CODED) topCoded.push(FIGURE_FIELD_ORDER[slot]!);
    else if (s !== VALUE) notAvailable.push(FIGURE_FIELD_ORDER[slot]!);
  }
  const figures = (prefix: 'annual' | 'hourly'): WageFigures => ({
    p10: value(SLOT_OF_FIELD.get(`${prefix}.p10`)!),
    p25: value(SLOT_OF_FIELD.get(`${prefix}.p25`)!),
    median: value(SLOT_OF_FIELD.get(`${prefix}.median`)!),
    p75: value(SLOT_OF_FIELD.get(`${prefix}.p75`)!),
    p90: value(SLOT_OF_FIELD.get(`${prefix}.p90`)!),
    mean: value(SLOT_OF_FIELD.get(`${prefix}.mean`)!),
  });
  return {
    areaType: p.area.areaType,
    areaCode: p.area.areaCode,
    areaName: p.area.areaName,
    state: p.area.state,
    soc: p.occupation.soc,
    title: p.occupation.title,
    group: p.occupation.group,
    employment: value(SLOT_OF_FIELD.get('employment')!),
    annual: figures('annual'),
    hourly: figures('hourly'),
    topCoded,
    notAvailable,
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

  const release = await readOewsRelease(input.releasePath);
  const occupations = await readOewsOccupations(input.occupationPath, rejects);
  const areas = await readOewsAreas(input.areaPath, rejects);
  const groups = opts.groups ? new Set(opts.groups) : undefined;
  const dropOccupation = groups
    ? occupationMask([...occupations.values()].filter((o) => !groups.has(o.group)).map((o) => o.code))
    : undefined;

  const partials = new Map<string, EstimateDraft>();
  const store = new FigureStore();
  const resolvedAreas = new Map<string, ResolvedArea | { expected: string; reason: string }>();
  const queue = new LineQueue();
  const filter = new SeriesLineFilter(datatypeMask(keepDatatypes), queue, dropOccupation);
  const stats: OewsFlatFileStats = { lines: 0, parsed: 0, kept: 0, rejected: 0 };

  const reject = (line: number, field: string, expected: string, got: string, reason: string): false => {
    stats.rejected++;
    rejects.reject({ source: OEWS_SOURCE, file, row: line, field, expected, got, reason });
    return false;
  };

  const releaseYear = String(release.year);
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

    if (col.year !== undefined) {
      const year = record[col.year] ?? '';
      if (year !== releaseYear) {
        return reject(
          line,
          'year',
          `${release.year} (the release in oe.release)`,
          JSON.stringify(year),
          'wrong year',
        );
      }
    }
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
      area = resolveArea(id.areaType, id.area, areas);
      resolvedAreas.set(areaKey, area);
    }
    if (!('areaType' in area)) return reject(line, 'series_id', area.expected, seriesId, area.reason);

    const raw = record[col.value] ?? '';
    let state: number;
    let value = 0;
    if (raw === '-') {
      const footnotes = (record[col.footnotes] ?? '').split(/[\s,;]+/);
      state = footnotes.includes(TOP_CODE_FOOTNOTE) ? TOP_CODED : NOT_AVAILABLE;
    } else if (isNumber(raw)) {
      value = Number(raw);
      if (id.datatype === '01' && !Number.isInteger(value)) {
        return reject(
          line,
          'value',
          'a whole number of jobs',
          JSON.stringify(raw),
          'employment not an integer',
        );
      }
      state = VALUE;
    } else {
      return reject(
        line,
        'value',
        'a non-negative number, or "-" (top-coded with footnote 5, else not available)',
        JSON.stringify(raw),
        'value not a number',
      );
    }

    const key = areaKey + id.occupation;
    let p = partials.get(key);
    if (!p) {
      p = { area, occupation, base: store.allocate() };
      partials.set(key, p);
    }
    const at = p.base + slot;
    if (store.state[at] !== ABSENT) {
      return reject(line, 'series_id', 'each series once', seriesId, 'duplicate series');
    }
    store.state[at] = state;
    store.values[at] = value;
    store.lines[at] = line;
    stats.kept++;
    return true;
  };

  let records = 0;
  await consumeRecords<string[]>(
    [Readable.from(filteredChunks(input.dataPath, filter), { objectMode: false }), parse(BLS_TSV_OPTIONS)],
    (record) => {
      records++;
      handle(record, queue.shift() ?? records);
    },
  );
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

  const drafts = [...partials.values()].sort(byAreaThenOccupation);
  // The map's keys and table are not needed any more: free them before the estimates are built.
  partials.clear();
  const estimates: OewsEstimate[] = [];
  for (const p of drafts) {
    const issue = percentileIssue(store, p);
    if (issue) {
      reject(
        store.lines[p.base + issue.slot]!,
        'value',
        issue.expected,
        String(store.values[p.base + issue.slot]),
        'percentiles decrease',
      );
      continue;
    }
    estimates.push(toEstimate(store, p));
  }
  return { release: release.description, releaseInfo: release, estimates, stats };
}

function byAreaThenOccupation(a: EstimateDraft, b: EstimateDraft): number {
  return (
    a.area.rank - b.area.rank ||
    compare(a.area.areaCode, b.area.areaCode) ||
    compare(a.occupation.code, b.occupation.code)
  );
}

const PERCENTILE_SLOTS = (['annual', 'hourly'] as const).map((side) =>
  (['p10', 'p25', 'median', 'p75', 'p90'] as const).map((k) => SLOT_OF_FIELD.get(`${side}.${k}`)!),
);

/**
 * The same check the xlsx reader makes on a row: percentiles never decrease, and none above a
 * top-coded one is a plain number. A violating estimate is dropped whole (one reject).
 */
function percentileIssue(
  store: FigureStore,
  p: EstimateDraft,
): { slot: number; expected: string } | undefined {
  const state = (slot: number) => store.state[p.base + slot];
  const value = (slot: number) => store.values[p.base + slot]!;
  const line = (slot: number) => store.lines[p.base + slot];
  for (const slots of PERCENTILE_SLOTS) {
    let previous: number | undefined;
    let topCoded: number | undefined;
    for (const slot of slots) {
      if (state(slot) === TOP_CODED) topCoded ??= slot;
      if (state(slot) !== VALUE) continue;
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

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

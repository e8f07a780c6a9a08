/**
 * The OEWS estimates of one read, stored by column: a full national + state + metro load is
 * ~125,000 estimates × 13 figures, which as plain objects (nested wage objects, boxed decimals,
 * field lists) take ~450 bytes each and most of a reader's memory. Here each estimate is 13
 * int32 cells (a value in hundredths, or what kind of null it is; a value that is not a whole number
 * of hundredths is kept aside as it is) and two small indexes into shared area and occupation
 * tables: ~60 bytes.
 *
 * Callers read it by index (`soc(i)`, `wageBlock(i)`, …) or materialise plain `OewsEstimate`
 * objects one at a time (`get(i)`, iteration, `toArray()` for small data and tests).
 */
import os from 'node:os';
import { type FigureField, WAGE_KEYS, type WageBlock, type WageFigures } from '../model/occupation.js';
import { FIGURE_FIELD_ORDER, type OewsAreaType, type OewsEstimate, type OewsGroup } from './oewsTypes.js';

/** What a figure slot holds. ABSENT is "no series for it", published like NOT_AVAILABLE. */
export const SlotState = {
  ABSENT: 0,
  VALUE: 1,
  TOP_CODED: 2,
  NOT_AVAILABLE: 3,
  /** Null and in neither list (e.g. an xlsx row with no annual figures for an hourly-only job). */
  NULL_UNLISTED: 4,
  /** The reader refused the row that gave it (named in the rejects): null, listed in `rejected`. */
  REJECTED: 5,
} as const;
export type SlotState = (typeof SlotState)[keyof typeof SlotState];

export const SLOTS = FIGURE_FIELD_ORDER.length;
export const SLOT_OF_FIELD: ReadonlyMap<FigureField, number> = new Map(
  FIGURE_FIELD_ORDER.map((f, i) => [f, i]),
);
const WAGE_SLOTS = (['annual', 'hourly'] as const).map((side) =>
  WAGE_KEYS.map((k) => SLOT_OF_FIELD.get(`${side}.${k}`)!),
);
const EMPLOYMENT_SLOT = SLOT_OF_FIELD.get('employment')!;

export interface OewsAreaInfo {
  areaType: OewsAreaType;
  areaCode: string;
  areaName: string;
  state: string | null;
}

export interface OewsOccupationInfo {
  soc: string;
  title: string;
  group: OewsGroup;
}

// Fixed-size chunks: growing never copies what is already stored, and never holds two copies.
const CHUNK_BITS = 12;
const CHUNK = 1 << CHUNK_BITS;
const MASK = CHUNK - 1;
const MAX_INDEX = 0xffff;
/**
 * A cell: 0 is ABSENT (what a new row holds), n > 0 a value of (n - 1) hundredths, and these codes
 * for the rest.
 */
const CELL_TOP_CODED = -1;
const CELL_NOT_AVAILABLE = -2;
const CELL_NULL_UNLISTED = -3;
const CELL_EXACT = -4;
const CELL_REJECTED = -5;
const MAX_CENTS = 0x7ffffffe;
const CELL_OF_STATE: Record<Exclude<SlotState, 1>, number> = {
  [SlotState.ABSENT]: 0,
  [SlotState.TOP_CODED]: CELL_TOP_CODED,
  [SlotState.NOT_AVAILABLE]: CELL_NOT_AVAILABLE,
  [SlotState.NULL_UNLISTED]: CELL_NULL_UNLISTED,
  [SlotState.REJECTED]: CELL_REJECTED,
};

const NO_FIELDS = Object.freeze([]) as unknown as FigureField[];

const AREA_RANK: Record<OewsAreaType, number> = {
  national: 0,
  state: 1,
  territory: 2,
  metro: 3,
  nonmetro: 3,
};

export class OewsEstimateTable implements Iterable<OewsEstimate> {
  private readonly areas: OewsAreaInfo[] = [];
  private readonly occupations: OewsOccupationInfo[] = [];
  private areaKeys: Map<string, number> | null = null;
  private occupationKeys: Map<string, number> | null = null;
  private areaOf: Uint16Array[] = [];
  private occupationOf: Uint16Array[] = [];
  /** One cell per figure (see CELL_*): BLS figures have at most two decimals. */
  private cells: Int32Array[] = [];
  /** Values that are not a whole number of hundredths, by row × SLOTS + slot. */
  private readonly exact = new Map<number, number>();
  private stored = 0;
  /** Set by `finish`: the estimates kept, in output order (positions into the stored rows). */
  private order: Uint32Array | null = null;

  /** A table holding these estimates, in this order (the xlsx reader, tests). */
  static from(estimates: Iterable<OewsEstimate>): OewsEstimateTable {
    const t = new OewsEstimateTable();
    for (const e of estimates) t.push(e);
    return t;
  }

  /** One table holding every estimate of `tables`, in order. */
  static concat(tables: Iterable<OewsEstimateTable>): OewsEstimateTable {
    const t = new OewsEstimateTable();
    for (const table of tables) for (const e of table) t.push(e);
    return t;
  }

  get length(): number {
    return this.order ? this.order.length : this.stored;
  }

  // ------------------------------------------------------------------ building

  addArea(area: OewsAreaInfo): number {
    if (this.areas.length > MAX_INDEX)
      throw new RangeError(`OewsEstimateTable: more than ${MAX_INDEX + 1} areas`);
    this.areas.push(area);
    return this.areas.length - 1;
  }

  addOccupation(occupation: OewsOccupationInfo): number {
    if (this.occupations.length > MAX_INDEX) {
      throw new RangeError(`OewsEstimateTable: more than ${MAX_INDEX + 1} occupations`);
    }
    this.occupations.push(occupation);
    return this.occupations.length - 1;
  }

  /** A new estimate with every figure ABSENT; returns its row for `setFigure`. */
  addRow(area: number, occupation: number): number {
    if (this.order) throw new Error('OewsEstimateTable: finished tables are read-only');
    const row = this.stored++;
    const c = row >>> CHUNK_BITS;
    if (c === this.cells.length) {
      this.areaOf.push(new Uint16Array(CHUNK));
      this.occupationOf.push(new Uint16Array(CHUNK));
      this.cells.push(new Int32Array(CHUNK * SLOTS));
    }
    this.areaOf[c]![row & MASK] = area;
    this.occupationOf[c]![row & MASK] = occupation;
    return row;
  }

  setFigure(row: number, slot: number, state: SlotState, value = 0): void {
    const at = (row & MASK) * SLOTS + slot;
    const cells = this.cells[row >>> CHUNK_BITS]!;
    if (cells[at] === CELL_EXACT) this.exact.delete(row * SLOTS + slot);
    if (state !== SlotState.VALUE) {
      cells[at] = CELL_OF_STATE[state];
      return;
    }
    const cents = Math.round(value * 100);
    // Stored as hundredths only when that gives back exactly the same number.
    if (cents >= 0 && cents <= MAX_CENTS && cents / 100 === value && !Object.is(value, -0)) {
      cells[at] = cents + 1;
    } else {
      cells[at] = CELL_EXACT;
      this.exact.set(row * SLOTS + slot, value);
    }
  }

  figureState(row: number, slot: number): SlotState {
    const cell = this.cells[row >>> CHUNK_BITS]![(row & MASK) * SLOTS + slot]!;
    if (cell > 0 || cell === CELL_EXACT) return SlotState.VALUE;
    if (cell === 0) return SlotState.ABSENT;
    if (cell === CELL_TOP_CODED) return SlotState.TOP_CODED;
    if (cell === CELL_NOT_AVAILABLE) return SlotState.NOT_AVAILABLE;
    return cell === CELL_REJECTED ? SlotState.REJECTED : SlotState.NULL_UNLISTED;
  }

  figureValue(row: number, slot: number): number {
    const cell = this.cells[row >>> CHUNK_BITS]![(row & MASK) * SLOTS + slot]!;
    if (cell > 0) return (cell - 1) / 100;
    return cell === CELL_EXACT ? this.exact.get(row * SLOTS + slot)! : 0;
  }

  /** Append a plain estimate (lossless: `get` gives back an equal object). */
  push(e: OewsEstimate): void {
    // Lists out of canonical order, or naming a field twice, would not round-trip: refuse them
    // (before anything is stored) rather than reorder silently.
    const lists = [e.topCoded, e.notAvailable, e.rejected ?? []];
    const rank = (f: string) => FIGURE_FIELD_ORDER.indexOf(f as FigureField);
    const canonical = (list: readonly string[]) =>
      list.every((f, i) => rank(f) >= 0 && (i === 0 || rank(f) > rank(list[i - 1]!)));
    if (!lists.every(canonical)) {
      throw new TypeError(
        `OewsEstimateTable: ${e.soc} ${e.areaCode}: topCoded/notAvailable/rejected must list known fields once each, in FIGURE_FIELD_ORDER`,
      );
    }
    const [topCoded, notAvailable, rejected] = lists.map((list) => new Set<string>(list)) as [
      Set<string>,
      Set<string>,
      Set<string>,
    ];
    const figure = (field: FigureField): number | null => {
      if (field === 'employment') return e.employment;
      const [side, key] = field.split('.') as ['annual' | 'hourly', keyof WageFigures];
      return e[side][key];
    };
    const states = FIGURE_FIELD_ORDER.map((field): [SlotState, number] => {
      const value = figure(field);
      const listed = topCoded.has(field)
        ? SlotState.TOP_CODED
        : notAvailable.has(field)
          ? SlotState.NOT_AVAILABLE
          : rejected.has(field)
            ? SlotState.REJECTED
            : null;
      if (value !== null && listed !== null) {
        throw new TypeError(
          `OewsEstimateTable: ${e.soc} ${e.areaCode} ${field} has a value and is listed as null`,
        );
      }
      return value !== null ? [SlotState.VALUE, value] : [listed ?? SlotState.NULL_UNLISTED, 0];
    });

    this.areaKeys ??= new Map();
    this.occupationKeys ??= new Map();
    const areaKey = `${e.areaType}\u0000${e.areaCode}\u0000${e.areaName}\u0000${e.state ?? ''}`;
    let area = this.areaKeys.get(areaKey);
    if (area === undefined) {
      area = this.addArea({
        areaType: e.areaType,
        areaCode: e.areaCode,
        areaName: e.areaName,
        state: e.state,
      });
      this.areaKeys.set(areaKey, area);
    }
    const occupationKey = `${e.soc}\u0000${e.title}\u0000${e.group}`;
    let occupation = this.occupationKeys.get(occupationKey);
    if (occupation === undefined) {
      occupation = this.addOccupation({ soc: e.soc, title: e.title, group: e.group });
      this.occupationKeys.set(occupationKey, occupation);
    }
    const row = this.addRow(area, occupation);
    for (const [slot, [state, value]] of states.entries()) this.setFigure(row, slot, state, value);
  }

  /**
   * Seal the table: keep the rows `keep` accepts, in storage order or sorted by area (national,
   * states, territories, metro and nonmetro areas; then area code) and SOC.
   */
  finish(opts: { keep?: (row: number) => boolean; sortByArea?: boolean } = {}): this {
    let order = new Uint32Array(this.stored);
    let kept = 0;
    for (let row = 0; row < this.stored; row++) if (!opts.keep || opts.keep(row)) order[kept++] = row;
    if (kept < order.length) order = order.slice(0, kept);
    if (opts.sortByArea) {
      order.sort((a, b) => {
        const x = this.areas[this.areaIndex(a)]!;
        const y = this.areas[this.areaIndex(b)]!;
        return (
          AREA_RANK[x.areaType] - AREA_RANK[y.areaType] ||
          compare(x.areaCode, y.areaCode) ||
          compare(
            this.occupations[this.occupationIndex(a)]!.soc,
            this.occupations[this.occupationIndex(b)]!.soc,
          )
        );
      });
    }
    this.order = order;
    this.areaKeys = this.occupationKeys = null;
    return this;
  }

  // ------------------------------------------------------------------ reading (by position)

  private row(i: number): number {
    if (!this.order) return i;
    const row = this.order[i];
    if (row === undefined) throw new RangeError(`OewsEstimateTable: no estimate ${i} of ${this.length}`);
    return row;
  }
  private areaIndex(row: number): number {
    return this.areaOf[row >>> CHUNK_BITS]![row & MASK]!;
  }
  private occupationIndex(row: number): number {
    return this.occupationOf[row >>> CHUNK_BITS]![row & MASK]!;
  }

  area(i: number): OewsAreaInfo {
    return this.areas[this.areaIndex(this.row(i))]!;
  }
  occupation(i: number): OewsOccupationInfo {
    return this.occupations[this.occupationIndex(this.row(i))]!;
  }
  soc(i: number): string {
    return this.occupation(i).soc;
  }
  group(i: number): OewsGroup {
    return this.occupation(i).group;
  }
  areaType(i: number): OewsAreaType {
    return this.area(i).areaType;
  }

  /** The figures of estimate `i` as a new WageBlock (what records publish). */
  wageBlock(i: number): WageBlock & {
    topCoded: FigureField[];
    notAvailable: FigureField[];
    rejected?: FigureField[];
  } {
    const row = this.row(i);
    const value = (slot: number) =>
      this.figureState(row, slot) === SlotState.VALUE ? this.figureValue(row, slot) : null;
    const figures = (slots: number[]): WageFigures => ({
      p10: value(slots[0]!),
      p25: value(slots[1]!),
      median: value(slots[2]!),
      p75: value(slots[3]!),
      p90: value(slots[4]!),
      mean: value(slots[5]!),
    });
    const topCoded: FigureField[] = [];
    const notAvailable: FigureField[] = [];
    const rejected: FigureField[] = [];
    for (let slot = 0; slot < SLOTS; slot++) {
      const s = this.figureState(row, slot);
      if (s === SlotState.TOP_CODED) topCoded.push(FIGURE_FIELD_ORDER[slot]!);
      else if (s === SlotState.REJECTED) rejected.push(FIGURE_FIELD_ORDER[slot]!);
      else if (s === SlotState.ABSENT || s === SlotState.NOT_AVAILABLE)
        notAvailable.push(FIGURE_FIELD_ORDER[slot]!);
    }
    const block: WageBlock & {
      topCoded: FigureField[];
      notAvailable: FigureField[];
      rejected?: FigureField[];
    } = {
      employment: value(EMPLOYMENT_SLOT),
      annual: figures(WAGE_SLOTS[0]!),
      hourly: figures(WAGE_SLOTS[1]!),
      // Most lists are empty: one shared frozen array instead of ~250,000 empty ones at full size.
      topCoded: topCoded.length > 0 ? topCoded : NO_FIELDS,
      notAvailable: notAvailable.length > 0 ? notAvailable : NO_FIELDS,
    };
    // Only when there are some: rare, and absent from snapshots made before the list existed.
    // (Assigned, not spread into the literal: V8 gives spread-built objects hidden classes of their own.)
    if (rejected.length > 0) block.rejected = rejected;
    return block;
  }

  /** Estimate `i` as a new plain object. */
  get(i: number): OewsEstimate {
    const area = this.area(i);
    const occupation = this.occupation(i);
    const { employment, annual, hourly, topCoded, notAvailable, rejected } = this.wageBlock(i);
    const e: OewsEstimate = {
      areaType: area.areaType,
      areaCode: area.areaCode,
      areaName: area.areaName,
      state: area.state,
      soc: occupation.soc,
      title: occupation.title,
      group: occupation.group,
      employment,
      annual,
      hourly,
      topCoded,
      notAvailable,
    };
    if (rejected) e.rejected = rejected;
    return e;
  }

  /**
   * A JSON-safe copy (typed arrays as base64, in output order), for handing a read over to another
   * process: `fromJSON` gives back an equal table. Also what `JSON.stringify` writes.
   */
  toJSON(): SerializedEstimateTable {
    const n = this.length;
    const areaOf = new Uint16Array(n);
    const occupationOf = new Uint16Array(n);
    const cells = new Int32Array(n * SLOTS);
    const exact: [number, number][] = [];
    for (let i = 0; i < n; i++) {
      const row = this.row(i);
      areaOf[i] = this.areaIndex(row);
      occupationOf[i] = this.occupationIndex(row);
      const base = (row & MASK) * SLOTS;
      cells.set(this.cells[row >>> CHUNK_BITS]!.subarray(base, base + SLOTS), i * SLOTS);
      for (let slot = 0; slot < SLOTS; slot++) {
        const v = this.exact.get(row * SLOTS + slot);
        if (v !== undefined) exact.push([i * SLOTS + slot, v]);
      }
    }
    return {
      format: TABLE_FORMAT,
      endianness: os.endianness(),
      length: n,
      areas: this.areas,
      occupations: this.occupations,
      areaOf: base64(areaOf),
      occupationOf: base64(occupationOf),
      cells: base64(cells),
      exact,
    };
  }

  static fromJSON(s: SerializedEstimateTable): OewsEstimateTable {
    if (s.format !== TABLE_FORMAT || s.endianness !== os.endianness()) {
      throw new TypeError(`OewsEstimateTable.fromJSON: unsupported format ${s.format}/${s.endianness}`);
    }
    const areaOf = new Uint16Array(bytesOf(s.areaOf));
    const occupationOf = new Uint16Array(bytesOf(s.occupationOf));
    const cells = new Int32Array(bytesOf(s.cells));
    if (areaOf.length !== s.length || occupationOf.length !== s.length || cells.length !== s.length * SLOTS) {
      throw new TypeError('OewsEstimateTable.fromJSON: column lengths disagree');
    }
    const t = new OewsEstimateTable();
    for (const a of s.areas) t.addArea(a);
    for (const o of s.occupations) t.addOccupation(o);
    for (let i = 0; i < s.length; i++) {
      const row = t.addRow(areaOf[i]!, occupationOf[i]!);
      t.cells[row >>> CHUNK_BITS]!.set(cells.subarray(i * SLOTS, (i + 1) * SLOTS), (row & MASK) * SLOTS);
    }
    for (const [at, v] of s.exact) t.exact.set(at, v);
    return t.finish();
  }

  *[Symbol.iterator](): Iterator<OewsEstimate> {
    for (let i = 0; i < this.length; i++) yield this.get(i);
  }

  /** Every estimate as plain objects: for small data and tests (a full load is ~55 MB this way). */
  toArray(): OewsEstimate[] {
    return [...this];
  }
}

const TABLE_FORMAT = 'oews-estimate-table/1';

export interface SerializedEstimateTable {
  format: string;
  /** Typed arrays are written in this machine's byte order; another one refuses them. */
  endianness: string;
  length: number;
  areas: OewsAreaInfo[];
  occupations: OewsOccupationInfo[];
  areaOf: string;
  occupationOf: string;
  cells: string;
  exact: [number, number][];
}

function base64(a: Uint16Array | Int32Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

/** A fresh, aligned ArrayBuffer holding the decoded bytes. */
function bytesOf(text: string): ArrayBuffer {
  const buf = Buffer.from(text, 'base64');
  const out = new ArrayBuffer(buf.length);
  new Uint8Array(out).set(buf);
  return out;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

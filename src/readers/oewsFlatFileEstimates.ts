/**
 * Turns the parsed records of the OEWS data file into estimates: each record is one figure (one
 * series: area × occupation × datatype) of one estimate (area × occupation). Its series id names
 * the estimate, `oe.occupation` and `oe.area` label it, its value is decoded (oewsSymbols.ts) and
 * bounded, and an estimate whose series are all in is checked for its percentile order. Bad rows
 * are rejected (file, line, field, expected, got) and the read continues.
 */
import { EMPLOYMENT_CEILING, plausibleEmployment, type WageSide, wageProblem } from '../validate/bounds.js';
import type { RejectCollector } from '../validate/rejects.js';
import { OewsEstimateTable, SlotState } from './oewsEstimateTable.js';
import { type AreaProblem, resolveArea } from './oewsFlatFileAreas.js';
import {
  headerIndex,
  type LineReject,
  lineRejecter,
  type OewsArea,
  type OewsOccupation,
  type OewsRelease,
} from './oewsFlatFileMeta.js';
import { OpenEstimates, percentileIssue } from './oewsOpenEstimates.js';
import {
  CROSS_INDUSTRY,
  DATATYPE_FIELDS,
  decodeSeriesId,
  type OewsSeriesId,
  SERIES_ID_EXPECTED,
} from './oewsSeriesId.js';
import { decodeOewsFlatValue } from './oewsSymbols.js';

export interface OewsFlatFileStats {
  /** Lines of the data file after the header. */
  lines: number;
  /** Lines that passed the byte filter and were parsed and validated. */
  parsed: number;
  /** Parsed rows that became a figure of an estimate. */
  kept: number;
  rejected: number;
}

export interface FlatFileLookups {
  /** File name used in rejects and errors. */
  file: string;
  release: OewsRelease;
  occupations: Map<string, OewsOccupation>;
  areas: Map<string, OewsArea>;
  /** Figure slot of each datatype read. */
  slotOfDatatype: Map<string, number>;
  /** Occupation codes (as numbers) whose series are skipped; undefined to keep every group. */
  dropOccupation: Uint8Array | undefined;
  /** Occupations that can get an estimate (those not dropped). */
  reachableOccupations: number;
}

const VALUE_EXPECTED = 'a non-negative number, or "-" (top-coded with footnote 5, else not available)';

export class FlatFileEstimates {
  readonly stats: OewsFlatFileStats = { lines: 0, parsed: 0, kept: 0, rejected: 0 };
  private readonly table = new OewsEstimateTable();
  private readonly openEstimates = new OpenEstimates();
  private readonly figuresPerEstimate: number;
  /** Rows dropped whole for decreasing percentiles (rare). */
  private readonly dropped = new Set<number>();
  // Row + 1 of each (area, occupation) in the table, one typed array per area (off the JS heap:
  // V8 sizes the old generation at a multiple of what lives there, so a 125,000-entry Map costs
  // several times its own size in peak RSS).
  private readonly rowsOfArea: Int32Array[] = [];
  private readonly occupationIndex = new Map<string, number>();
  private readonly resolvedAreas = new Map<string, { index: number } | AreaProblem>();
  private readonly releaseYear: string;
  private readonly rejectLine: LineReject;
  private col: { series: number; value: number; footnotes: number; year: number | undefined } | undefined;

  constructor(
    private readonly lookups: FlatFileLookups,
    rejects: RejectCollector,
  ) {
    this.figuresPerEstimate = new Set(lookups.slotOfDatatype.values()).size;
    this.releaseYear = String(lookups.release.year);
    this.rejectLine = lineRejecter(rejects, lookups.file);
  }

  /** True once the header row was seen. */
  get started(): boolean {
    return this.col !== undefined;
  }

  private readonly reject: LineReject = (line, field, expected, got, reason) => {
    this.stats.rejected++;
    return this.rejectLine(line, field, expected, got, reason);
  };

  /** A figure whose own line is refused: null, listed in `rejected`, and the line rejected. */
  private refuse(row: number, slot: number, line: number, ...why: [string, string, string, string]): false {
    this.table.setFigure(row, slot, SlotState.REJECTED);
    if (this.openEstimates.set(row, slot, line, this.figuresPerEstimate)) this.checkPercentiles(row);
    return this.reject(line, ...why);
  }

  private checkPercentiles(row: number): void {
    const open = this.openEstimates;
    const issue = percentileIssue(this.table, (slot) => open.line(row, slot), row);
    if (issue) {
      this.dropped.add(row);
      const got = String(this.table.figureValue(row, issue.slot));
      this.reject(open.line(row, issue.slot), 'value', issue.expected, got, 'percentiles decrease');
    }
    open.close(row);
  }

  /** One parsed record (the first is the header) from file line `line`; true when it became a figure. */
  add(record: string[], line: number): boolean {
    const col = this.col;
    if (!col) {
      const index = headerIndex(record, this.lookups.file, ['series_id', 'value', 'footnote_codes']);
      this.col = {
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
      this.stats.parsed++;
      return this.reject(line, 'series_id', SERIES_ID_EXPECTED, JSON.stringify(seriesId), 'bad series id');
    }
    const slot = this.lookups.slotOfDatatype.get(id.datatype);
    // Reached only when the byte filter passed everything (series_id not first): skip quietly.
    if (id.industry !== CROSS_INDUSTRY || slot === undefined) return false;
    const drop = this.lookups.dropOccupation;
    if (drop !== undefined && drop[Number(id.occupation)] === 1) return false;
    this.stats.parsed++;

    const row = this.rowOf(id, seriesId, line);
    if (row < 0) return false;
    if (this.table.figureState(row, slot) !== SlotState.ABSENT) {
      return this.reject(line, 'series_id', 'each series once', seriesId, 'duplicate series');
    }
    // From here a problem is this figure's: it is published as null, listed in `rejected`.
    if (col.year !== undefined) {
      const year = record[col.year] ?? '';
      if (year !== this.releaseYear) {
        const expected = `${this.releaseYear} (the release in oe.release)`;
        return this.refuse(row, slot, line, 'year', expected, JSON.stringify(year), 'wrong year');
      }
    }
    const raw = record[col.value] ?? '';
    const cell = decodeOewsFlatValue(raw, record[col.footnotes]);
    let state: SlotState;
    let value = 0;
    if (cell.kind === 'value') {
      value = cell.value;
      const problem = this.valueProblem(id.datatype, value);
      if (problem) return this.refuse(row, slot, line, 'value', problem[0], JSON.stringify(raw), problem[1]);
      state = SlotState.VALUE;
    } else if (cell.kind === 'invalid') {
      return this.refuse(row, slot, line, 'value', VALUE_EXPECTED, JSON.stringify(raw), 'value not a number');
    } else {
      state = cell.kind === 'topCoded' ? SlotState.TOP_CODED : SlotState.NOT_AVAILABLE;
    }
    this.table.setFigure(row, slot, state, value);
    this.stats.kept++;
    if (this.openEstimates.set(row, slot, line, this.figuresPerEstimate)) this.checkPercentiles(row);
    return true;
  }

  /** The estimate row of the series' (area, occupation), added when new; -1 when the line is rejected. */
  private rowOf(id: OewsSeriesId, seriesId: string, line: number): number {
    const occupation = this.lookups.occupations.get(id.occupation);
    if (!occupation) {
      const expected = `occupation ${id.occupation} listed in oe.occupation`;
      this.reject(line, 'series_id', expected, seriesId, 'occupation not in oe.occupation');
      return -1;
    }
    const areaKey = id.areaType + id.area;
    let area = this.resolvedAreas.get(areaKey);
    if (!area) {
      const resolved = resolveArea(id.areaType, id.area, this.lookups.areas);
      area = 'areaType' in resolved ? { index: this.table.addArea(resolved) } : resolved;
      this.resolvedAreas.set(areaKey, area);
    }
    if (!('index' in area)) {
      this.reject(line, 'series_id', area.expected, seriesId, area.reason);
      return -1;
    }
    let occupationAt = this.occupationIndex.get(id.occupation);
    if (occupationAt === undefined) {
      const { soc, title, group } = occupation;
      occupationAt = this.table.addOccupation({ soc, title, group });
      this.occupationIndex.set(id.occupation, occupationAt);
    }
    let rows = this.rowsOfArea[area.index];
    if (!rows) {
      rows = new Int32Array(this.lookups.reachableOccupations);
      this.rowsOfArea[area.index] = rows;
    }
    let row = rows[occupationAt]! - 1;
    if (row < 0) {
      row = this.table.addRow(area.index, occupationAt);
      rows[occupationAt] = row + 1;
    }
    return row;
  }

  /** Why a number cannot be this datatype's figure: [expected, reason], or undefined when it can. */
  private valueProblem(datatype: string, value: number): [string, string] | undefined {
    if (datatype === '01') {
      if (!Number.isInteger(value)) return ['a whole number of jobs', 'employment not an integer'];
      if (!plausibleEmployment(value)) {
        return [`a whole number of jobs from 0 to ${EMPLOYMENT_CEILING}`, 'employment out of bounds'];
      }
      return undefined;
    }
    const field = DATATYPE_FIELDS[datatype] ?? 'employment';
    if (field === 'employment') return undefined;
    const [side, key] = field.split('.') as [WageSide, string];
    const problem = wageProblem(
      value,
      key === 'mean' ? 'mean' : 'percentile',
      side,
      this.lookups.release.topCode,
    );
    return problem ? [problem, 'wage out of bounds'] : undefined;
  }

  /** The estimates, sorted by area: estimates never completed are checked now, dropped ones left out. */
  finish(): OewsEstimateTable {
    this.rowsOfArea.length = 0;
    for (const row of this.openEstimates.rows()) this.checkPercentiles(row);
    return this.table.finish({ keep: (row) => !this.dropped.has(row), sortByArea: true });
  }
}

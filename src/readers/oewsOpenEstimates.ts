/**
 * The flat-file estimates still being filled, and the check each gets when its last series arrives:
 * percentiles never decrease, and none above a top-coded one is a plain number — the same rule the
 * xlsx reader applies to a row (percentileViolations in oewsPercentiles.ts). Keeps the line that
 * gave each figure, for the reject naming it.
 */
import { PERCENTILE_KEYS } from '../model/occupation.js';
import { type OewsEstimateTable, SLOT_OF_FIELD, SLOTS, SlotState } from './oewsEstimateTable.js';
import { percentileViolations } from './oewsPercentiles.js';
import { FLAT_FOOTNOTE_TOP_CODED } from './oewsSymbols.js';
import { FIGURE_FIELD_ORDER } from './oewsTypes.js';

/**
 * Line numbers by figure of the open estimates. An estimate is checked as soon as its last series
 * arrives, then forgotten: in a file sorted by series id (as BLS publishes it) only a handful are
 * open at a time, instead of a line number per figure for the whole read.
 */
export class OpenEstimates {
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

const PERCENTILE_SLOTS = (['annual', 'hourly'] as const).map((side) =>
  PERCENTILE_KEYS.map((k) => SLOT_OF_FIELD.get(`${side}.${k}`)!),
);

/**
 * The first figure of estimate `row` that breaks the percentile rule, with the reject's
 * expectation; `line` gives the line each figure came from. A violating estimate is dropped whole.
 */
export function percentileIssue(
  table: OewsEstimateTable,
  line: (slot: number) => number,
  row: number,
): { slot: number; expected: string } | undefined {
  for (const slots of PERCENTILE_SLOTS) {
    const [violation] = percentileViolations(
      (at) => {
        const state = table.figureState(row, slots[at]!);
        return state === SlotState.VALUE ? 'value' : state === SlotState.TOP_CODED ? 'topCoded' : 'other';
      },
      (at) => table.figureValue(row, slots[at]!),
    );
    if (!violation) continue;
    const slot = slots[violation.at]!;
    const against = slots[violation.against]!;
    const field = FIGURE_FIELD_ORDER[slot];
    const expected =
      violation.kind === 'aboveTopCoded'
        ? `"-" with footnote ${FLAT_FOOTNOTE_TOP_CODED} for ${field} (above top-coded ${FIGURE_FIELD_ORDER[against]}; line ${line(against)})`
        : `${field} ≥ ${FIGURE_FIELD_ORDER[against]} (${table.figureValue(row, against)}, line ${line(against)}): percentiles must not decrease`;
    return { slot, expected };
  }
  return undefined;
}

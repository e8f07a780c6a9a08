import { describe, expect, it } from 'vitest';
import type { WageFigures } from '../../src/model/occupation.js';
import { OewsEstimateTable, SLOT_OF_FIELD, SlotState } from '../../src/readers/oewsEstimateTable.js';
import type { OewsEstimate } from '../../src/readers/oewsTypes.js';

const none: WageFigures = { p10: null, p25: null, median: null, p75: null, p90: null, mean: null };

function estimate(over: Partial<OewsEstimate> = {}): OewsEstimate {
  return {
    areaType: 'national',
    areaCode: '99',
    areaName: 'U.S.',
    state: null,
    soc: '29-2072',
    title: 'Medical Records Specialists',
    group: 'detailed',
    employment: 187_910,
    annual: { p10: 35_780, p25: 41_600, median: 50_250, p75: 64_070, p90: 80_950, mean: 54_690 },
    hourly: { p10: 17.2, p25: 20, median: 24.16, p75: 30.8, p90: 38.92, mean: 26.29 },
    topCoded: [],
    notAvailable: [],
    ...over,
  };
}

describe('OewsEstimateTable', () => {
  it('gives back exactly the estimates it was given: figures, nulls of each kind, names and codes', () => {
    const given = [
      estimate(),
      // Top-coded upper percentiles, a missing mean.
      estimate({
        soc: '29-1218',
        annual: { ...none, p10: 110_000, p25: 180_500 },
        hourly: { ...none, p10: 52.88, p25: 86.78 },
        topCoded: ['annual.median', 'annual.p75', 'annual.p90', 'hourly.median', 'hourly.p75', 'hourly.p90'],
        notAvailable: ['annual.mean', 'hourly.mean'],
      }),
      // Hourly-only: annual null without being listed (as the xlsx reader gives it).
      estimate({ soc: '27-2011', annual: none, employment: null, notAvailable: ['employment'] }),
      // Numbers that are not whole hundredths, and big ones, are kept as they are.
      estimate({
        soc: '11-1011',
        areaType: 'state',
        areaCode: '06',
        areaName: 'California',
        state: 'CA',
        employment: 0,
        annual: { ...none, p10: 0.125, median: 1e12, mean: 21_474_836.47 },
        hourly: { ...none, p10: 1 / 3 },
        notAvailable: [
          'annual.p25',
          'annual.p75',
          'annual.p90',
          'hourly.p25',
          'hourly.median',
          'hourly.p75',
          'hourly.p90',
        ],
        // A figure whose row a reader refused.
        rejected: ['hourly.mean'],
      }),
    ];
    const table = OewsEstimateTable.from(given);
    expect(table.length).toBe(4);
    expect(table.toArray()).toEqual(given);
    expect(table.get(1).topCoded).toEqual(given[1]!.topCoded);
    expect(table.soc(3)).toBe('11-1011');
    expect(table.area(3)).toEqual({ areaType: 'state', areaCode: '06', areaName: 'California', state: 'CA' });
    // Through JSON (the queue's hand-over between workers), sorted or not, it comes back equal.
    const back = OewsEstimateTable.fromJSON(JSON.parse(JSON.stringify(table)));
    expect(back.toArray()).toEqual(given);
    // A wage block is a fresh object each time: callers may keep and change it.
    expect(table.wageBlock(0)).not.toBe(table.wageBlock(0));
    expect(table.wageBlock(0)).toEqual({
      employment: 187_910,
      annual: given[0]!.annual,
      hourly: given[0]!.hourly,
      topCoded: [],
      notAvailable: [],
    });
  });

  it('lists a figure that was never set as not available', () => {
    const table = new OewsEstimateTable();
    const area = table.addArea({ areaType: 'national', areaCode: '99', areaName: 'U.S.', state: null });
    const occupation = table.addOccupation({
      soc: '29-2072',
      title: 'Medical Records Specialists',
      group: 'detailed',
    });
    const row = table.addRow(area, occupation);
    table.setFigure(row, SLOT_OF_FIELD.get('annual.median')!, SlotState.VALUE, 50_250);
    expect(table.figureState(row, SLOT_OF_FIELD.get('annual.p10')!)).toBe(SlotState.ABSENT);
    const e = table.finish().get(0);
    expect(e.annual.median).toBe(50_250);
    expect(e.annual.p10).toBeNull();
    expect(e.notAvailable).toHaveLength(12);
    expect(e.notAvailable).not.toContain('annual.median');
  });

  it('keeps the rows a reader accepts and sorts them national, states, territories, then areas', () => {
    const given = [
      estimate({ soc: '29-2072', areaType: 'metro', areaCode: '0010180', areaName: 'Abilene, TX' }),
      estimate({
        soc: '29-2072',
        areaType: 'territory',
        areaCode: '72',
        areaName: 'Puerto Rico',
        state: 'PR',
      }),
      estimate({ soc: '29-2072', areaType: 'state', areaCode: '06', areaName: 'California', state: 'CA' }),
      estimate({ soc: '29-2072' }),
      estimate({ soc: '11-1011' }),
      estimate({ soc: '13-2011', areaType: 'state', areaCode: '01', areaName: 'Alabama', state: 'AL' }),
    ];
    const table = new OewsEstimateTable();
    for (const e of given) table.push(e);
    table.finish({ keep: (row) => row !== 4, sortByArea: true });
    expect(table.toArray().map((e) => `${e.areaCode} ${e.soc}`)).toEqual([
      '99 29-2072',
      '01 13-2011',
      '06 29-2072',
      '72 29-2072',
      '0010180 29-2072',
    ]);
    expect(() => table.addRow(0, 0)).toThrow(/read-only/);
  });

  it('refuses an estimate that both has a figure and lists it as null', () => {
    const table = new OewsEstimateTable();
    expect(() => table.push(estimate({ topCoded: ['annual.median'] }))).toThrow(/has a value and is listed/);
  });
});

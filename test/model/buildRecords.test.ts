import { describe, expect, it } from 'vitest';
import { getMethodology } from '../../src/methodology/registry.js';
import { buildOccupationRecords } from '../../src/model/buildRecords.js';
import type { EpReadResult, EpRow } from '../../src/readers/epXlsxReader.js';
import { OewsEstimateTable } from '../../src/readers/oewsEstimateTable.js';
import type { OewsEstimate, OewsReadResult } from '../../src/readers/oewsTypes.js';

const none = { p10: null, p25: null, median: null, p75: null, p90: null, mean: null };

function estimate(soc: string, median: number | null, over: Partial<OewsEstimate> = {}): OewsEstimate {
  return {
    areaType: 'national',
    areaCode: '99',
    areaName: 'U.S.',
    state: null,
    soc,
    title: `Title ${soc}`,
    group: 'detailed',
    employment: 1000,
    annual: { p10: 10, p25: 20, median, p75: 40, p90: 50, mean: 30 },
    hourly: none,
    topCoded: [],
    notAvailable: [],
    ...over,
  };
}

function epRow(soc: string, medianWage: number | null, over: Partial<EpRow> = {}): EpRow {
  return {
    soc,
    title: `Ep title ${soc}`,
    occupationType: 'Line item',
    employmentBase: 1000,
    employmentTarget: 1100,
    employmentChange: 100,
    changePercent: 10,
    openingsAnnual: 50,
    selfEmployedPercent: 1,
    medianWage,
    medianWageAtLeast: null,
    typicalEducation: "Bachelor's degree",
    workExperience: 'None',
    onTheJobTraining: 'None',
    row: 3,
    ...over,
  };
}

const ep = (rows: EpRow[], baseYear = 2024): EpReadResult => ({
  release: `${baseYear}-${String(baseYear + 10).slice(2)}`,
  baseYear,
  targetYear: baseYear + 10,
  rows,
  sheet: 'Table 1.2',
});

function build(oews: OewsReadResult | null, epData: EpReadResult | null) {
  return buildOccupationRecords({
    selected: ['oews', 'ep'],
    oews,
    ep: epData,
    exposure: null,
    epoch: null,
    careeronestop: null,
    methodology: getMethodology('2.0'),
  });
}

describe('join of OEWS and EP into occupation records', () => {
  it('keeps the union of OEWS detailed occupations and EP line items, each missing part null with a reason', () => {
    const oews = {
      release: 'May 2024',
      estimates: OewsEstimateTable.from([
        estimate('11-1011', 100),
        estimate('11-1000', 90, { group: 'minor' }),
        estimate('13-2011', 70),
      ]),
    };
    const { records, report } = build(
      oews,
      ep([epRow('11-1011', 100), epRow('45-3031', 40), epRow('11-0000', 1, { occupationType: 'Summary' })]),
    );
    expect(records.map((r) => r.soc)).toEqual(['11-1011', '13-2011', '45-3031']);
    const fishers = records.find((r) => r.soc === '45-3031')!;
    expect(fishers.wages).toBeNull();
    expect(fishers.missing.wages).toBe('no OEWS detailed national estimate for 45-3031 in May 2024');
    expect(fishers.title).toBe('Ep title 45-3031');
    expect(fishers.titleSource).toBe('ep');
    expect(records.find((r) => r.soc === '13-2011')!.projections).toBeNull();
    expect(report.unmatched).toMatchObject({ oewsNotInEp: ['13-2011'], epNotInOews: ['45-3031'] });
    expect(report.missing.wages?.count).toBe(1);
    expect(report.missing.projections?.count).toBe(1);
  });

  it('warns, naming both releases, when EP’s median wage differs from the OEWS median of its base year', () => {
    const oews = {
      release: 'May 2024',
      estimates: OewsEstimateTable.from([estimate('11-1011', 100), estimate('13-2011', 70)]),
    };
    const { report } = build(oews, ep([epRow('11-1011', 100), epRow('13-2011', 71)]));
    const w = report.warnings.find((x) => /differs/.test(x.message));
    expect(w?.message).toContain('2024-34');
    expect(w?.message).toContain('May 2024');
    expect(w?.details?.examples).toEqual(['13-2011 (OEWS 70, EP 71)']);
  });

  it('does not compare medians across different years, and says the snapshot mixes releases', () => {
    const oews = { release: 'May 2023', estimates: OewsEstimateTable.from([estimate('13-2011', 70)]) };
    const { report } = build(oews, ep([epRow('13-2011', 71)]));
    expect(report.warnings.some((x) => /differs/.test(x.message))).toBe(false);
    expect(report.warnings.some((x) => /mixes releases/.test(x.message))).toBe(true);
  });

  it('files state and metro rows under the national record, keyed by postal code and area code', () => {
    const oews = {
      release: 'May 2024',
      estimates: OewsEstimateTable.from([
        estimate('13-2011', 70),
        estimate('13-2011', 80, { areaType: 'state', areaCode: '06', areaName: 'California', state: 'CA' }),
        estimate('13-2011', 90, {
          areaType: 'metro',
          areaCode: '0035620',
          areaName: 'New York-Newark-Jersey City, NY-NJ-PA',
        }),
        estimate('99-9999', 90, { areaType: 'state', areaCode: '06', areaName: 'California', state: 'CA' }),
      ]),
    };
    const { records, report } = build(oews, null);
    const rec = records[0]!;
    expect(rec.wages?.states?.CA?.annual.median).toBe(80);
    expect(rec.wages?.areas?.['0035620']).toMatchObject({
      type: 'metro',
      name: 'New York-Newark-Jersey City, NY-NJ-PA',
    });
    expect(records).toHaveLength(1);
    expect(report.unmatched.stateOrAreaWithoutNational).toEqual(['99-9999']);
  });

  it('orders each record’s states and areas by code whatever order the estimates came in', () => {
    const state = (code: string, postal: string) =>
      estimate('13-2011', 80, { areaType: 'state', areaCode: code, areaName: postal, state: postal });
    const metro = (code: string) =>
      estimate('13-2011', 90, { areaType: 'metro', areaCode: code, areaName: code });
    const oews = {
      release: 'May 2024',
      estimates: OewsEstimateTable.from([
        metro('0035620'),
        state('48', 'TX'),
        estimate('13-2011', 70),
        metro('0010180'),
        state('06', 'CA'),
        state('01', 'AL'),
      ]),
    };
    const [rec] = build(oews, null).records;
    expect(Object.keys(rec!.wages!.states!)).toEqual(['AL', 'CA', 'TX']);
    expect(Object.keys(rec!.wages!.areas!)).toEqual(['0010180', '0035620']);
    expect(rec!.wages!.areas!['0010180']).toMatchObject({
      type: 'metro',
      name: '0010180',
      annual: { median: 90 },
    });
    // Serialised like any object (the snapshot writes canonical JSON of the record).
    expect(JSON.parse(JSON.stringify(rec!.wages!.states))).toEqual({
      AL: rec!.wages!.states!.AL,
      CA: rec!.wages!.states!.CA,
      TX: rec!.wages!.states!.TX,
    });
  });
});

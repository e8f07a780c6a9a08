import { describe, expect, it } from 'vitest';
import { getMethodology } from '../../src/methodology/registry.js';
import { buildOccupationRecords } from '../../src/model/buildRecords.js';
import { OccupationRecord } from '../../src/model/occupation.js';
import type { EpReadResult, EpRow } from '../../src/readers/epXlsxReader.js';
import type { OnetOccupation, OnetReadResult } from '../../src/readers/onet/onetTypes.js';
import type { EpochData } from '../../src/sources/epoch.js';
import type { ExposureData } from '../../src/sources/exposure.js';

function epRow(soc: string, title: string, changePercent: number | null = 7.1): EpRow {
  return {
    soc,
    title,
    occupationType: 'Line item',
    employmentBase: 1000,
    employmentTarget: 1100,
    employmentChange: 100,
    changePercent,
    openingsAnnual: 50,
    selfEmployedPercent: 1,
    medianWage: 50_000,
    medianWageAtLeast: null,
    typicalEducation: 'No formal educational credential',
    workExperience: 'None',
    onTheJobTraining: 'None',
    row: 3,
  };
}

function onetOccupation(code: string, title: string, jobZone: number | null): OnetOccupation {
  return {
    code,
    title,
    description: `${title}.`,
    jobZone,
    alternateTitles: [],
    reportedTitles: [],
    technologySkills: [],
    tasks: [],
    related: [],
  };
}

const ep: EpReadResult = {
  release: '2024-34',
  baseYear: 2024,
  targetYear: 2034,
  sheet: 'Table 1.2',
  rows: [
    epRow('29-2072', 'Medical records specialists'),
    epRow('15-1252', 'Software developers'),
    epRow('29-2010', 'Clinical laboratory technologists and technicians'),
    epRow('21-1018', 'Substance abuse, behavioral disorder, and mental health counselors'),
    epRow('43-4171', 'Receptionists and information clerks', -2.4),
    epRow('45-3031', 'Fishing and hunting workers', null),
  ],
};

const onet: OnetReadResult = {
  release: '29.2',
  releaseDate: 'February 2025',
  jobZones: new Map(),
  occupations: new Map(
    [
      onetOccupation('29-2072.00', 'Medical Records Specialists', 3),
      onetOccupation('15-1252.00', 'Software Developers', 4),
      onetOccupation('29-2011.00', 'Medical and Clinical Laboratory Technologists', 4),
      onetOccupation('29-2012.00', 'Medical and Clinical Laboratory Technicians', 3),
      onetOccupation('21-1011.00', 'Substance Abuse and Behavioral Disorder Counselors', 4),
      onetOccupation('43-4171.00', 'Receptionists and Information Clerks', null),
    ].map((o) => [o.code, o]),
  ),
};

const exposure = {
  bySoc: new Map(
    ['29-2072', '15-1252', '29-2010', '43-4171'].map((soc) => [
      soc,
      { beta: 0.6, onetCodes: [`${soc}.00`], rule: 'base' as const },
    ]),
  ),
} as unknown as ExposureData;

function build(opts: { manual?: EpochData | null; onet?: OnetReadResult | null } = {}) {
  return buildOccupationRecords({
    selected: ['ep', 'exposure', 'epoch'],
    oews: null,
    ep,
    exposure,
    epoch: opts.manual ?? { bySoc: new Map() },
    onet: opts.onet === undefined ? onet : opts.onet,
    careeronestop: null,
    methodology: getMethodology('2.0'),
  });
}

const bySoc = (records: OccupationRecord[]) => new Map(records.map((r) => [r.soc, r]));

describe('human advantage in the build: manual ratings override the rule', () => {
  it('rates 29-2072 by the rule, with its inputs, and gives the record its career category', () => {
    const r = bySoc(build().records).get('29-2072')!;
    expect(r.category).toBe('healthcare-technical');
    expect(r.resilience?.score).toBe(3);
    expect(r.resilience?.humanAdvantage).toEqual({
      ratings: { empathy: 3, presence: 4, opinion: 4, creativity: 2, hope: 2 },
      sum: 15,
      label: 'Moderate',
      points: 1,
      source: 'rule',
      rule: {
        version: 'epoch-rule-1',
        code: '29-2072.00',
        basis: 'base-code',
        onetCodes: ['29-2072.00'],
        category: 'healthcare-technical',
        categoryStep: 'minor-group',
        title: 'Medical Records Specialists',
        titleSource: 'onet',
        jobZone: 3,
        jobZoneAdjustment: 0,
        keywordRows: [{ row: 4, matched: ['specialist'], changes: { opinion: 1 } }],
      },
    });
    expect(OccupationRecord.safeParse(r).success).toBe(true);
  });

  it('uses a manual row for its SOC, marked manual with its note, and the rule for every other SOC', () => {
    const manual: EpochData = {
      bySoc: new Map([
        [
          '15-1252',
          {
            ratings: { empathy: 2, presence: 1, opinion: 3, creativity: 4, hope: 2 },
            source: 'manual',
            note: 'reviewed by the product team',
          },
        ],
      ]),
    };
    const { records, report } = build({ manual });
    const dev = bySoc(records).get('15-1252')!;
    expect(dev.resilience?.humanAdvantage).toEqual({
      ratings: { empathy: 2, presence: 1, opinion: 3, creativity: 4, hope: 2 },
      sum: 12,
      label: 'Moderate',
      points: 1,
      source: 'manual',
      note: 'reviewed by the product team',
    });
    expect(dev.category).toBe('technology');
    expect(bySoc(records).get('29-2072')!.resilience?.humanAdvantage?.source).toBe('rule');
    expect(report.scoring.humanAdvantage).toEqual({
      rule: 3,
      manual: 1,
      missing: 2,
      ruleVersion: 'epoch-rule-1',
    });
  });

  it('rates a broad-group aggregate from its detailed SOCs, and records a missing job zone', () => {
    const recs = bySoc(build().records);
    expect(recs.get('29-2010')!.resilience?.humanAdvantage?.rule).toMatchObject({
      basis: 'broad-group',
      onetCodes: ['29-2011.00', '29-2012.00'],
      title: 'Clinical laboratory technologists and technicians',
      titleSource: 'soc',
      jobZone: 4,
    });
    const receptionists = recs.get('43-4171')!.resilience?.humanAdvantage;
    expect(receptionists?.rule).toMatchObject({ jobZone: null, jobZoneAdjustment: 0 });
    expect(receptionists?.rule?.jobZoneMissingReason).toMatch(/43-4171/);
  });

  it('counts why occupations are unscored: no exposure row, no projections, no O*NET data', () => {
    const { records, report } = build();
    const recs = bySoc(records);
    const counsellors = recs.get('21-1018')!;
    expect(counsellors.resilience?.humanAdvantage).toBeNull();
    expect(counsellors.missing['resilience.humanAdvantage']).toBe(
      'no manual rating for 21-1018 and no O*NET 29.2 occupation for it',
    );
    expect(report.scoring).toMatchObject({
      scored: 4,
      unscored: 2,
      unscoredByCause: { 'no exposure row': 2, 'no projected percent change': 1, 'no O*NET data': 2 },
      byClassification: { 'AI-Augmented': 3, 'High Disruption Risk': 1 },
    });
    expect(report.missing['resilience.humanAdvantage']).toMatchObject({
      count: 2,
      socs: ['21-1018', '45-3031'],
    });
  });

  it('without the onet source rates only manual rows, saying onet was not selected', () => {
    const { records, report } = build({ onet: null });
    expect(records.every((r) => r.resilience?.humanAdvantage === null)).toBe(true);
    expect(bySoc(records).get('29-2072')!.missing['resilience.humanAdvantage']).toBe(
      'no manual rating for 29-2072 and source onet not selected for this run',
    );
    expect(report.scoring.unscoredByCause['no O*NET data (source onet not selected)']).toBe(6);
    expect(bySoc(records).get('29-2072')!.category).toBe('healthcare-technical');
  });
});

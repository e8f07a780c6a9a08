import { describe, expect, it } from 'vitest';
import { mergeAlternateTitles } from '../../src/model/onetParts.js';
import { medianJobZone, onetSocSummaries } from '../../src/model/onetSoc.js';
import type { OnetOccupation, OnetReadResult } from '../../src/readers/onet/onetTypes.js';

function occ(code: string, jobZone: number | null, title = `Title ${code}`): OnetOccupation {
  return {
    code,
    title,
    description: `About ${code}`,
    jobZone,
    alternateTitles: [],
    reportedTitles: [],
    technologySkills: [],
    tasks: [],
    related: [],
  };
}

function data(...occupations: OnetOccupation[]): OnetReadResult {
  return {
    release: '29.2',
    releaseDate: 'February 2025',
    occupations: new Map(occupations.map((o) => [o.code, o])),
    jobZones: new Map(),
  };
}

describe('O*NET codes to SOCs', () => {
  it('uses the .00 code when O*NET publishes data for it, even when it has children', () => {
    const s = onetSocSummaries(data(occ('29-1141.00', 3, 'Registered Nurses'), occ('29-1141.01', 4)));
    expect(s.get('29-1141')).toEqual({
      soc: '29-1141',
      onetCodes: ['29-1141.00'],
      combination: 'exact',
      title: 'Registered Nurses',
      jobZone: 3,
    });
  });

  it('combines the children with data when the .00 code has none; the job zone is their median, a half rounded up', () => {
    const s = onetSocSummaries(
      data(
        occ('15-1299.00', null, 'Computer Occupations, All Other'),
        occ('15-1299.02', 3),
        occ('15-1299.01', 4),
        occ('15-1299.03', null),
      ),
    );
    expect(s.get('15-1299')).toEqual({
      soc: '15-1299',
      onetCodes: ['15-1299.01', '15-1299.02'],
      combination: 'children-union',
      title: 'Computer Occupations, All Other',
      jobZone: 4,
    });
    expect(medianJobZone([2, 3])).toBe(3);
    expect(medianJobZone([4, 3, 4, 4, 4, 4, 4, 3, 4])).toBe(4);
    expect(medianJobZone([5, 5, 4])).toBe(5);
    expect(medianJobZone([])).toBeNull();
  });

  it('keeps a lone .00 code without data, its job zone null with the reason', () => {
    const s = onetSocSummaries(data(occ('11-9039.00', null, 'Education Administrators, All Other')));
    expect(s.get('11-9039')).toEqual({
      soc: '11-9039',
      onetCodes: ['11-9039.00'],
      combination: 'exact',
      title: 'Education Administrators, All Other',
      jobZone: null,
      jobZoneMissingReason: 'O*NET publishes no job zone for 11-9039.00',
    });
  });

  it('gives a null title when O*NET lists only detailed codes', () => {
    const s = onetSocSummaries(data(occ('99-1234.01', 2), occ('99-1234.02', 2)));
    expect(s.get('99-1234')).toMatchObject({ combination: 'children-union', title: null, jobZone: 2 });
  });
});

describe('alternate titles merged across sources', () => {
  it('de-duplicates case-insensitively, keeps the first spelling and every source, drops blanks, sorts', () => {
    const merged = mergeAlternateTitles([
      { source: 'onet', titles: ['Medical Coder', 'Coder'] },
      { source: 'onet-reported', titles: ['Medical  coder', 'Health Information Clerk'] },
      { source: 'careeronestop', titles: ['coder', '', '  Health information clerk '] },
    ]);
    expect(merged).toEqual([
      { title: 'Coder', sources: ['onet', 'careeronestop'] },
      { title: 'Health Information Clerk', sources: ['onet-reported', 'careeronestop'] },
      { title: 'Medical Coder', sources: ['onet', 'onet-reported'] },
    ]);
  });
});

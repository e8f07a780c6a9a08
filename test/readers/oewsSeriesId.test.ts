import { describe, expect, it } from 'vitest';
import {
  DATATYPE_FIELDS,
  datatypeMask,
  decodeSeriesId,
  occupationMask,
  PUBLISHED_DATATYPES,
  seriesLineWanted,
  socFromOccupationCode,
} from '../../src/readers/oewsSeriesId.js';

describe('decodeSeriesId', () => {
  it('decodes the national cross-industry annual median of 29-2072', () => {
    expect(decodeSeriesId('OEUN000000000000029207213')).toEqual({
      areaType: 'N',
      area: '0000000',
      industry: '000000',
      occupation: '292072',
      datatype: '13',
    });
  });

  it('decodes state and metro ids and an industry-specific id', () => {
    expect(decodeSeriesId('OEUS060000000000029207201')).toMatchObject({ areaType: 'S', area: '0600000' });
    expect(decodeSeriesId('OEUM001018000000029207208')).toMatchObject({ areaType: 'M', area: '0010180' });
    expect(decodeSeriesId('OEUN000000062110029207213')).toMatchObject({ industry: '621100' });
  });

  it.each([
    ['too short', 'OEUN00000000000002920721'],
    ['too long', 'OEUN0000000000000292072130'],
    ['unknown area type', 'OEUX000000000000029207213'],
    ['seasonally adjusted prefix', 'OESN000000000000029207213'],
    ['not OEWS', 'CEUN000000000000029207213'],
    ['letters in the occupation', 'OEUN0000000000000292A7213'],
    ['datatype 00', 'OEUN000000000000029207200'],
    ['datatype 18', 'OEUN000000000000029207218'],
    ['hyphenated SOC', 'OEUN00000000000029-207213'],
    ['padding left in', 'OEUN000000000000029207213 '],
    ['empty', ''],
  ])('returns null for a bad id (%s)', (_why, id) => {
    expect(decodeSeriesId(id)).toBeNull();
  });

  it('formats occupation codes as SOC codes', () => {
    expect(socFromOccupationCode('292072')).toBe('29-2072');
  });

  it('publishes employment, means and percentiles but not RSEs, jobs per 1,000 or LQ', () => {
    expect(PUBLISHED_DATATYPES).toEqual([
      '01',
      '03',
      '04',
      '06',
      '07',
      '08',
      '09',
      '10',
      '11',
      '12',
      '13',
      '14',
      '15',
    ]);
    expect(DATATYPE_FIELDS['13']).toBe('annual.median');
    expect(DATATYPE_FIELDS['10']).toBe('hourly.p90');
    expect(DATATYPE_FIELDS['02']).toBeUndefined();
  });
});

describe('seriesLineWanted (byte-level pre-filter)', () => {
  const keep = datatypeMask(PUBLISHED_DATATYPES);
  const wanted = (line: string) => {
    const buf = Buffer.from(line, 'latin1');
    return seriesLineWanted(buf, 0, buf.length, keep);
  };

  it('keeps cross-industry lines of a published datatype', () => {
    expect(wanted('OEUN000000000000029207213     \t2024\tA01\t       50250\t')).toBe(true);
    expect(wanted('OEUM001018000000029207201\t2024\tA01\t200\t')).toBe(true);
    expect(wanted('OEUS060000000000029207213     \t2024\tA01\t       50250\t\r')).toBe(true);
  });

  it('drops well-formed lines of another industry or an unpublished datatype', () => {
    expect(wanted('OEUN000000062110029207213     \t2024\tA01\t       50250\t')).toBe(false);
    expect(wanted('OEUN000000000000029207202     \t2024\tA01\t         1.9\t')).toBe(false);
    expect(wanted('OEUN000000000000029207217     \t2024\tA01\t        1.00\t')).toBe(false);
  });

  it('passes malformed lines on, so the reader can reject them', () => {
    expect(wanted('OEUX000000000000029207213     \t2024\tA01\t       50250\t')).toBe(true);
    expect(wanted('OEUN0000000000000292072130    \t2024\tA01\t       50250\t')).toBe(true);
    expect(wanted('OEUN00000006211002920A213     \t2024\tA01\t       50250\t')).toBe(true);
    expect(wanted('OEUN000000062110029207299     \t2024\tA01\t       50250\t')).toBe(true);
    expect(wanted('garbage')).toBe(true);
    expect(wanted('  OEUN000000000000029207213\t2024\tA01\t1\t')).toBe(true);
  });

  it('drops blank lines', () => {
    expect(wanted('')).toBe(false);
    expect(wanted('   \t  \r')).toBe(false);
  });
});

describe('seriesLineWanted with dropOccupation', () => {
  const keep = datatypeMask(PUBLISHED_DATATYPES);
  const drop = occupationMask(['290000', '292000']);
  const wanted = (line: string) => {
    const buf = Buffer.from(line, 'latin1');
    return seriesLineWanted(buf, 0, buf.length, keep, drop);
  };

  it('drops well-formed series of the dropped occupations only', () => {
    expect(wanted('OEUN000000000000029000013     \t2024')).toBe(false);
    expect(wanted('OEUS060000000000029200001\t2024')).toBe(false);
    expect(wanted('OEUN000000000000029207213     \t2024')).toBe(true);
  });

  it('still passes malformed lines to the parser, whatever their occupation digits', () => {
    expect(wanted('OEUX000000000000029000013     \t2024')).toBe(true);
    expect(wanted('OEUN00000000000002900001')).toBe(true);
  });

  it('ignores codes that are not six digits', () => {
    expect(occupationMask(['29-2072', '12345', 'abcdef']).reduce((n, b) => n + b, 0)).toBe(0);
  });
});

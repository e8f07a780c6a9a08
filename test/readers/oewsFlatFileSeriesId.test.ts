import { parse as parseSync } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { BLS_TSV_OPTIONS } from '../../src/readers/oewsFlatFileMeta.js';
import { LineQueue, SeriesLineFilter } from '../../src/readers/oewsFlatFileReader.js';
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

describe('SeriesLineFilter', () => {
  const header = 'series_id                     \tyear\tperiod\t       value\tfootnote_codes';
  const lines = [
    header,
    'OEUN000000000000029207213     \t2024\tA01\t       50250\t',
    'OEUN000000062110029207213     \t2024\tA01\t       61000\t',
    '',
    'OEUN000000000000029207202     \t2024\tA01\t         1.9\t',
    'OEUN000000000000029207201     \t2024\tA01\t      187910\t',
    'bad line',
    'OEUN000000000000029207212     \t2024\tA01\t       41600\t',
  ];

  function run(text: string, chunkSize: number) {
    const queue = new LineQueue();
    const filter = new SeriesLineFilter(datatypeMask(PUBLISHED_DATATYPES), queue);
    const chunks: Buffer[] = [];
    const bytes = Buffer.from(text, 'latin1');
    for (let i = 0; i < bytes.length; i += chunkSize) chunks.push(bytes.subarray(i, i + chunkSize));
    const out: Buffer[] = [];
    for (const c of chunks) {
      const kept = filter.filterChunk(c);
      if (kept) out.push(kept);
    }
    const rest = filter.filterRest();
    if (rest) out.push(Buffer.from(rest));
    const numbers: number[] = [];
    for (let n = queue.shift(); n !== undefined; n = queue.shift()) numbers.push(n);
    return { text: Buffer.concat(out).toString('latin1'), numbers, lines: filter.lines };
  }

  /** A data line without the spaces padding its cells (what the filter passes on). */
  const unpadded = (line: string) =>
    line
      .split('\t')
      .map((cell) => cell.replace(/^ +| +$/g, ''))
      .join('\t');
  const passed = [lines[0]!, ...[lines[1]!, lines[5]!, lines[6]!, lines[7]!].map(unpadded)];

  it.each([1, 7, 64, 1 << 20])(
    'passes the header and wanted lines with their line numbers, whatever the chunk size (%i)',
    async (size) => {
      const r = run(lines.join('\n'), size);
      expect(r.text).toBe(passed.join('\n'));
      expect(r.numbers).toEqual([1, 2, 6, 7, 8]);
      expect(r.lines).toBe(8);
    },
  );

  it('keeps CRLF line ends intact', async () => {
    const r = run(lines.join('\r\n') + '\r\n', 5);
    expect(r.text).toBe(passed.join('\r\n') + '\r\n');
    expect(r.numbers).toEqual([1, 2, 6, 7, 8]);
  });

  it('drops only cell padding: csv-parse gives the same records as for the padded lines', async () => {
    const padded = [
      lines[0]!,
      lines[1]!,
      '  OEUN000000000000029207203   \t 2024 \tA01\t   -  \t 5 , 8 ',
      'OEUN000000000000029207204\t2024\tA01\t  12 345  \t',
    ].join('\n');
    const r = run(padded, 4);
    expect(r.text.length).toBeLessThan(padded.length);
    expect(parseSync(r.text, BLS_TSV_OPTIONS)).toEqual(parseSync(padded, BLS_TSV_OPTIONS));
  });

  it('passes every non-blank line when series_id is not the first column', async () => {
    const reordered = [
      'year\tseries_id\tvalue\tfootnote_codes',
      '2024\tOEUN000000062110029207213\t1\t',
      '',
      '2024\tx\t2\t',
    ];
    const r = run(reordered.join('\n'), 3);
    expect(r.text).toBe([reordered[0], reordered[1], reordered[3]].join('\n'));
    expect(r.numbers).toEqual([1, 2, 4]);
  });
});

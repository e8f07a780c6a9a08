import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import { type OewsFlatFilePaths, readOewsFlatFiles } from '../../src/readers/oewsFlatFileReader.js';
import type { OewsEstimate } from '../../src/readers/oewsTypes.js';
import { RejectCollector } from '../../src/validate/rejects.js';

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'oews-flat-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/** Cells padded as BLS pads them: ids and names left-aligned, values right-aligned. */
function padded(rows: string[][], widths: number[], right: number[] = []): string {
  return rows
    .map((r) =>
      r.map((c, i) => (right.includes(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join('\t'),
    )
    .join('\n');
}

const OCCUPATIONS = padded(
  [
    ['occupation_code', 'occupation_name', 'display_level', 'selectable', 'sort_sequence'],
    ['000000', 'All Occupations', '0', 'T', '1'],
    ['250000', 'Educational Instruction and Library Occupations', '0', 'T', '2'],
    ['252021', 'Elementary School Teachers, Except Special Education', '3', 'T', '3'],
    ['290000', 'Healthcare Practitioners and Technical Occupations', '0', 'T', '4'],
    ['291218', 'Obstetricians and Gynecologists', '3', 'T', '5'],
    ['292000', 'Health Technologists and Technicians', '1', 'T', '6'],
    ['292010', 'Clinical Laboratory Technologists and Technicians', '2', 'T', '7'],
    ['292072', 'Medical Records Specialists', '3', 'T', '8'],
  ],
  [16, 60, 14, 11, 14],
);

const AREAS = padded(
  [
    ['state_code', 'area_code', 'areatype_code', 'area_name'],
    ['00', '0000000', 'N', 'National'],
    ['06', '0600000', 'S', 'California'],
    ['72', '7200000', 'S', 'Puerto Rico'],
    ['48', '0010180', 'M', 'Abilene, TX'],
    ['01', '0100001', 'M', 'Northwest Alabama nonmetropolitan area'],
  ],
  [11, 10, 14, 40],
);

const RELEASE = 'release_date\tdescription\n2024A01      \tMay 2024      \n';

const ALL_DATATYPES = [
  '01',
  '02',
  '03',
  '04',
  '05',
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
  '16',
  '17',
];

/** 29-2072 national May 2024 (docs/bls.md §6), with its RSEs, jobs per 1,000 and LQ. */
const MEDICAL_RECORDS: Record<string, string> = {
  '01': '187910',
  '02': '0.8',
  '03': '26.91',
  '04': '55970',
  '05': '0.4',
  '06': '17.20',
  '07': '20.00',
  '08': '24.16',
  '09': '30.80',
  '10': '38.92',
  '11': '35780',
  '12': '41600',
  '13': '50250',
  '14': '64070',
  '15': '80950',
  '16': '1.239',
  '17': '1.00',
};

type Row = [id: string, value: string, footnotes?: string, year?: string];
const HEADER = ['series_id', 'year', 'period', 'value', 'footnote_codes'];

function dataFile(rows: Row[], header = HEADER): string {
  const cells = (r: Row): Record<string, string> => ({
    series_id: r[0],
    year: r[3] ?? '2024',
    period: 'A01',
    value: r[1],
    footnote_codes: r[2] ?? '',
    extra: 'x',
  });
  const widths: Record<string, number> = { series_id: 30, year: 4, period: 6, value: 12, footnote_codes: 14 };
  const line = (values: Record<string, string>) =>
    header
      .map((h) =>
        h === 'value' ? (values[h] ?? '').padStart(widths[h]!) : (values[h] ?? '').padEnd(widths[h] ?? 0),
      )
      .join('\t');
  const head = Object.fromEntries(header.map((h) => [h, h]));
  return [line(head), ...rows.map((r) => line(cells(r)))].join('\n') + '\n';
}

async function write(name: string, data: string): Promise<OewsFlatFilePaths> {
  const sub = path.join(dir, name);
  await fs.mkdir(sub);
  const paths = {
    dataPath: path.join(sub, 'oe.data.0.Current'),
    occupationPath: path.join(sub, 'oe.occupation'),
    areaPath: path.join(sub, 'oe.area'),
    releasePath: path.join(sub, 'oe.release'),
  };
  await fs.writeFile(paths.dataPath, data);
  await fs.writeFile(paths.occupationPath, OCCUPATIONS);
  await fs.writeFile(paths.areaPath, AREAS);
  await fs.writeFile(paths.releasePath, RELEASE);
  return paths;
}

const series = (area: string, occupation: string, datatype: string, industry = '000000') =>
  `OEU${area}${industry}${occupation}${datatype}`;

/** National 29-2072 complete, its by-industry twin, OB/GYN top-coded, teachers annual-only. */
function nationalRows(): Row[] {
  const rows: Row[] = [];
  for (const d of ALL_DATATYPES) {
    rows.push([series('N0000000', '292072', d), MEDICAL_RECORDS[d]!]);
    rows.push([series('N0000000', '292072', d, '621100'), '999']);
  }
  const obgyn: Record<string, string> = {
    '01': '19900',
    '03': '135.20',
    '04': '281130',
    '06': '45.55',
    '07': '90.45',
    '11': '94750',
    '12': '188130',
  };
  for (const d of ['01', '03', '04', '06', '07', '11', '12'])
    rows.push([series('N0000000', '291218', d), obgyn[d]!]);
  for (const d of ['08', '09', '10', '13', '14', '15'])
    rows.push([series('N0000000', '291218', d), '-', '5']);
  const teachers: Record<string, string> = {
    '01': '1393310',
    '04': '69790',
    '11': '46440',
    '12': '50680',
    '13': '62340',
    '14': '79410',
    '15': '102010',
  };
  for (const [d, v] of Object.entries(teachers)) rows.push([series('N0000000', '252021', d), v]);
  return rows;
}

const byKey = (estimates: OewsEstimate[]) =>
  new Map(estimates.map((e) => [`${e.areaType}|${e.areaCode}|${e.soc}`, e]));

describe('readOewsFlatFiles', () => {
  it('reads one national estimate per occupation from cross-industry series, decoding padded cells', async () => {
    const rejects = new RejectCollector();
    const result = await readOewsFlatFiles(await write('national', dataFile(nationalRows())), rejects);
    expect(result.release).toBe('May 2024');
    expect(result.releaseInfo.topCode).toEqual({ annual: 239_200, hourly: 115 });
    expect(rejects.total()).toBe(0);
    expect(rejects.warnings).toEqual([]);
    expect(rejects.counts.get('oews')).toMatchObject({ read: 33 + 8 + 5, kept: 33 + 8 + 5, rejected: 0 });

    const e = byKey(result.estimates.toArray());
    expect(result.estimates.toArray()).toHaveLength(3);
    expect(e.get('national|99|29-2072')).toEqual({
      areaType: 'national',
      areaCode: '99',
      areaName: 'U.S.', // as the workbooks name it; oe.area says "National"
      state: null,
      soc: '29-2072',
      title: 'Medical Records Specialists',
      group: 'detailed',
      employment: 187910,
      annual: { p10: 35780, p25: 41600, median: 50250, p75: 64070, p90: 80950, mean: 55970 },
      hourly: { p10: 17.2, p25: 20, median: 24.16, p75: 30.8, p90: 38.92, mean: 26.91 },
      topCoded: [],
      notAvailable: [],
    });
    // The by-industry twin (industry 621100, value 999) changed nothing, and was never parsed.
    expect(result.stats.parsed).toBe(13 + 13 + 7);
    expect(result.stats.lines).toBe(nationalRows().length);
  });

  it('reads "-" with footnote 5 as top-coded, in canonical field order', async () => {
    const result = await readOewsFlatFiles(
      await write('topcoded', dataFile(nationalRows())),
      new RejectCollector(),
    );
    const obgyn = byKey(result.estimates.toArray()).get('national|99|29-1218')!;
    expect(obgyn.annual).toEqual({
      p10: 94750,
      p25: 188130,
      median: null,
      p75: null,
      p90: null,
      mean: 281130,
    });
    expect(obgyn.hourly.median).toBeNull();
    expect(obgyn.topCoded).toEqual([
      'annual.median',
      'annual.p75',
      'annual.p90',
      'hourly.median',
      'hourly.p75',
      'hourly.p90',
    ]);
    expect(obgyn.notAvailable).toEqual([]);
  });

  it('lists the fields of absent series as not available (annual-only occupations)', async () => {
    const result = await readOewsFlatFiles(
      await write('annual-only', dataFile(nationalRows())),
      new RejectCollector(),
    );
    const teachers = byKey(result.estimates.toArray()).get('national|99|25-2021')!;
    expect(teachers.annual.median).toBe(62340);
    expect(teachers.hourly).toEqual({ p10: null, p25: null, median: null, p75: null, p90: null, mean: null });
    expect(teachers.notAvailable).toEqual([
      'hourly.p10',
      'hourly.p25',
      'hourly.median',
      'hourly.p75',
      'hourly.p90',
      'hourly.mean',
    ]);
  });

  it('reads "-" with footnote 8 (or none) as not available, never as zero', async () => {
    const rows: Row[] = [
      [series('S0600000', '292072', '01'), '-', '8'],
      [series('S0600000', '292072', '13'), '-'],
      [series('S0600000', '292072', '11'), '40000', '2'],
    ];
    const result = await readOewsFlatFiles(await write('footnote8', dataFile(rows)), new RejectCollector());
    const ca = result.estimates.toArray()[0]!;
    expect(ca.employment).toBeNull();
    expect(ca.annual.median).toBeNull();
    expect(ca.annual.p10).toBe(40000);
    expect(ca.topCoded).toEqual([]);
    expect(ca.notAvailable).toContain('employment');
    expect(ca.notAvailable).toContain('annual.median');
    expect(ca.notAvailable).not.toContain('annual.p10');
  });

  it('labels state, territory, metro and nonmetro rows', async () => {
    const rows: Row[] = [
      [series('S0600000', '292072', '13'), '58000'],
      [series('S7200000', '292072', '13'), '25000'],
      [series('M0010180', '292072', '13'), '44000'],
      [series('M0100001', '292072', '13'), '38000'],
    ];
    const result = await readOewsFlatFiles(await write('areas', dataFile(rows)), new RejectCollector());
    expect(
      result.estimates.toArray().map((e) => [e.areaType, e.areaCode, e.areaName, e.state, e.annual.median]),
    ).toEqual([
      ['state', '06', 'California', 'CA', 58000],
      ['territory', '72', 'Puerto Rico', 'PR', 25000],
      ['metro', '0010180', 'Abilene, TX', null, 44000],
      ['nonmetro', '0100001', 'Northwest Alabama nonmetropolitan area', null, 38000],
    ]);
  });

  it('tolerates an extra column and a reordered header, with the same result', async () => {
    const rows = nationalRows();
    const plain = await readOewsFlatFiles(await write('plain', dataFile(rows)), new RejectCollector());
    const extra = await readOewsFlatFiles(
      await write('extra', dataFile(rows, [...HEADER, 'extra'])),
      new RejectCollector(),
    );
    const reordered = await readOewsFlatFiles(
      await write(
        'reordered',
        dataFile(rows, ['year', 'footnote_codes', 'value', 'period', 'series_id', 'extra']),
      ),
      new RejectCollector(),
    );
    expect(extra.estimates.toArray()).toEqual(plain.estimates.toArray());
    expect(reordered.estimates.toArray()).toEqual(plain.estimates.toArray());
  });

  it('reads CRLF files and a last line without a newline', async () => {
    const text = dataFile(nationalRows()).trimEnd().replaceAll('\n', '\r\n');
    const crlf = await readOewsFlatFiles(await write('crlf', text), new RejectCollector());
    const plain = await readOewsFlatFiles(await write('lf', dataFile(nationalRows())), new RejectCollector());
    expect(crlf.estimates.toArray()).toEqual(plain.estimates.toArray());
  });

  it('rejects a non-numeric value with its line number and keeps reading', async () => {
    const rows: Row[] = [
      [series('N0000000', '292072', '13', '621100'), 'n/a'], // line 2: another industry, never looked at
      [series('N0000000', '292072', '11'), '35780'], // line 3
      [series('N0000000', '292072', '02'), 'n/a'], // line 4: RSE, not published
      [series('N0000000', '292072', '13'), '50,250'], // line 5
      [series('N0000000', '292072', '14'), '64070'], // line 6
    ];
    const rejects = new RejectCollector();
    const result = await readOewsFlatFiles(await write('non-numeric', dataFile(rows)), rejects);
    expect(rejects.rejects).toEqual([
      {
        source: 'oews',
        file: 'oe.data.0.Current',
        row: 5,
        field: 'value',
        expected: 'a non-negative number, or "-" (top-coded with footnote 5, else not available)',
        got: '"50,250"',
        reason: 'value not a number',
      },
    ]);
    const e = result.estimates.toArray()[0]!;
    expect([e.annual.p10, e.annual.median, e.annual.p75]).toEqual([35780, null, 64070]);
    // Null because its row was refused, not because BLS withheld it: listed as such.
    expect(e.rejected).toEqual(['annual.median']);
    expect(e.notAvailable).not.toContain('annual.median');
    expect(e.notAvailable).toContain('annual.p90');
  });

  it('rejects bad series ids, unknown occupations and areas, wrong years, fractional jobs and duplicates', async () => {
    const rows: Row[] = [
      ['OEUX000000000000029207213', '1'], // 2
      ['OEUN00000000000002920721', '1'], // 3
      [series('N0000000', '999999', '13'), '1'], // 4
      [series('M0099999', '292072', '13'), '1'], // 5
      [series('N0000000', '292072', '13'), '50250', '', '2023'], // 6
      [series('N0000000', '292072', '01'), '187910.5'], // 7
      [series('N0000000', '292072', '11'), '35780'], // 8
      [series('N0000000', '292072', '11'), '35781'], // 9
      ['  ' + series('N0000000', '292072', '12'), '41600'], // 10: leading blanks, still a good row
    ];
    const rejects = new RejectCollector();
    const result = await readOewsFlatFiles(await write('bad-rows', dataFile(rows)), rejects);
    expect(rejects.rejects.map((r) => [r.row, r.field, r.reason])).toEqual([
      [2, 'series_id', 'bad series id'],
      [3, 'series_id', 'bad series id'],
      [4, 'series_id', 'occupation not in oe.occupation'],
      [5, 'series_id', 'area not in oe.area'],
      [6, 'year', 'wrong year'],
      [7, 'value', 'employment not an integer'],
      [9, 'series_id', 'duplicate series'],
    ]);
    expect(rejects.rejects[0]!.file).toBe('oe.data.0.Current');
    expect(result.estimates.toArray()).toHaveLength(1);
    expect(result.estimates.toArray()[0]!.annual.p10).toBe(35780);
    expect(result.estimates.toArray()[0]!.annual.p25).toBe(41600);
    expect(rejects.counts.get('oews')).toMatchObject({ rejected: 7 });
  });

  it('drops an estimate whose percentiles decrease, like the xlsx reader drops the row', async () => {
    const rows: Row[] = [
      [series('N0000000', '292072', '11'), '35780'],
      [series('N0000000', '292072', '12'), '30000'], // line 3
      [series('S0600000', '292072', '11'), '40000'],
    ];
    const rejects = new RejectCollector();
    const result = await readOewsFlatFiles(await write('decreasing', dataFile(rows)), rejects);
    expect(result.estimates.toArray().map((e) => e.areaType)).toEqual(['state']);
    expect(rejects.rejects).toEqual([
      expect.objectContaining({
        row: 3,
        field: 'value',
        expected: 'annual.p25 ≥ annual.p10 (35780, line 2): percentiles must not decrease',
        got: '30000',
        reason: 'percentiles decrease',
      }),
    ]);
  });

  it('drops an estimate with a plain percentile above a top-coded one, naming both lines', async () => {
    const rows: Row[] = [
      [series('N0000000', '292072', '11'), '35780'],
      [series('N0000000', '292072', '12'), '-', '5'], // line 3
      [series('N0000000', '292072', '13'), '50250'], // line 4
    ];
    const rejects = new RejectCollector();
    const result = await readOewsFlatFiles(await write('above-top-coded', dataFile(rows)), rejects);
    expect(result.estimates.toArray()).toEqual([]);
    expect(rejects.rejects).toEqual([
      expect.objectContaining({
        row: 4,
        field: 'value',
        expected: '"-" with footnote 5 for annual.median (above top-coded annual.p25; line 3)',
        got: '50250',
        reason: 'percentiles decrease',
      }),
    ]);
  });

  it('assigns groups from oe.occupation display levels', async () => {
    const rows: Row[] = [
      [series('N0000000', '000000', '01'), '155000000'],
      [series('N0000000', '290000', '01'), '9000000'],
      [series('N0000000', '292000', '01'), '3000000'],
      [series('N0000000', '292010', '01'), '340000'],
      [series('N0000000', '292072', '01'), '187910'],
    ];
    const result = await readOewsFlatFiles(await write('groups', dataFile(rows)), new RejectCollector());
    expect(result.estimates.toArray().map((e) => [e.soc, e.group])).toEqual([
      ['00-0000', 'total'],
      ['29-0000', 'major'],
      ['29-2000', 'minor'],
      // Broad level but nothing below it in oe.occupation: the workbook's broad-and-detailed code.
      ['29-2010', 'detailed'],
      ['29-2072', 'detailed'],
    ]);
  });

  it('honours groups: series of other groups are dropped before parsing, the rest read as without it', async () => {
    const rows: Row[] = [
      [series('N0000000', '000000', '01'), '155000000'],
      [series('N0000000', '290000', '01'), '9000000'],
      [series('N0000000', '292000', '01'), '3000000'],
      [series('N0000000', '292010', '01'), '340000'],
      [series('S0600000', '292000', '01'), '300000'],
      ...nationalRows(),
      // An occupation missing from oe.occupation is still parsed, and rejected with its line.
      [series('N0000000', '299999', '01'), '10'],
    ];
    const paths = await write('groups-option', dataFile(rows));
    const all = await readOewsFlatFiles(paths, new RejectCollector());
    const rejects = new RejectCollector();
    const detailed = await readOewsFlatFiles(paths, rejects, { groups: ['detailed'] });
    expect(detailed.estimates.toArray().map((e) => e.soc)).toEqual([
      '25-2021',
      '29-1218',
      '29-2010',
      '29-2072',
    ]);
    expect(detailed.estimates.toArray()).toEqual(
      all.estimates.toArray().filter((e) => e.group === 'detailed'),
    );
    expect(detailed.stats.parsed).toBe(all.stats.parsed - 4);
    expect(rejects.rejects.map((r) => [r.row, r.reason])).toEqual([
      [rows.length + 1, 'occupation not in oe.occupation'],
    ]);
  });

  it('honours keepDatatypes: other fields are null and listed as not available', async () => {
    const result = await readOewsFlatFiles(
      await write('keep', dataFile(nationalRows())),
      new RejectCollector(),
      {
        keepDatatypes: ['13'],
      },
    );
    const e = byKey(result.estimates.toArray()).get('national|99|29-2072')!;
    expect(e.annual.median).toBe(50250);
    expect(e.employment).toBeNull();
    expect(e.notAvailable).toHaveLength(12);
    await expect(
      readOewsFlatFiles(await write('keep-bad', dataFile([])), new RejectCollector(), {
        keepDatatypes: ['17'],
      }),
    ).rejects.toThrow(/keepDatatypes 17/);
  });

  it.each(['series_id', 'value'])(
    'fails naming the file and column when the header lacks %s',
    async (column) => {
      const header = HEADER.map((h) => (h === column ? 'something_else' : h));
      const rows: Row[] = [[series('N0000000', '292072', '13'), '50250']];
      const err = await readOewsFlatFiles(
        await write(`no-${column}`, dataFile(rows, header)),
        new RejectCollector(),
      ).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as Error).message).toContain(`oe.data.0.Current has no "${column}" column`);
    },
  );

  it('fails on an empty data file', async () => {
    await expect(readOewsFlatFiles(await write('empty', ''), new RejectCollector())).rejects.toThrow(
      /oe\.data\.0\.Current is empty/,
    );
  });
});

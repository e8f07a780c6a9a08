import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metroRows, nationalRows, stateRows } from '../../fixtures/generate/oewsRows.js';
import {
  OEWS_HEADER,
  oewsReleaseZip,
  oewsSheetRecord,
  oewsWorkbook,
  oewsZip,
  type SheetCell,
} from '../../fixtures/generate/oewsWorkbook.js';
import { ValidationError } from '../../src/errors.js';
import type { OewsEstimate } from '../../src/readers/oewsTypes.js';
import { oewsReleaseYear, readOewsWorkbook } from '../../src/readers/oewsXlsxReader.js';
import { openWorkbookSource } from '../../src/readers/workbook.js';
import { listZipEntries } from '../../src/readers/zip.js';
import { RejectCollector } from '../../src/validate/rejects.js';

const REAL_NATIONAL = path.resolve(import.meta.dirname, '../../..', 'shared/data/national_M2024_dl.xlsx');
const DUPLICATED = ['13-1020', '13-2020', '29-2010', '31-1120', '39-7010', '47-4090', '51-2090'];

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'careerdata-oews-xlsx-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function writeTemp(name: string, bytes: Uint8Array): Promise<string> {
  const file = path.join(tmp, name);
  await writeFile(file, bytes);
  return file;
}

const find = (estimates: OewsEstimate[], soc: string, group = 'detailed', areaCode?: string) =>
  estimates.find(
    (e) => e.soc === soc && e.group === group && (areaCode === undefined || e.areaCode === areaCode),
  );

/** A national workbook from the fixture rows, with `edit` applied to the sheet records. */
async function nationalWorkbook(
  name: string,
  edit: (records: Array<Record<string, SheetCell>>) => void = () => {},
  header: readonly string[] = OEWS_HEADER,
): Promise<string> {
  const records = nationalRows().map(oewsSheetRecord);
  edit(records);
  const xlsx = await oewsWorkbook({ sheetName: 'national_M2024_dl', records, header });
  return writeTemp(name, oewsZip('oesm24nat', 'national_M2024_dl.xlsx', xlsx));
}

/** 1-based sheet row of a record (row 1 is the header). */
const sheetRow = (soc: string, group = 'detailed') =>
  nationalRows().findIndex((r) => r.soc === soc && r.group === group) + 2;

describe('oewsReleaseYear', () => {
  it('reads the release from BLS file names and the Field Descriptions title', () => {
    expect(oewsReleaseYear('oesm24nat/national_M2024_dl.xlsx')).toBe(2024);
    expect(oewsReleaseYear('all_data_M_2022.xlsx')).toBe(2022);
    expect(oewsReleaseYear('oesm20st.zip')).toBe(2020);
    expect(oewsReleaseYear('May 2023 OEWS Estimates')).toBe(2023);
    expect(oewsReleaseYear('3f5a9c0e1b')).toBeUndefined();
  });
});

describe.skipIf(!existsSync(REAL_NATIONAL))('readOewsWorkbook on the real May 2024 national workbook', () => {
  // Skipped when ../shared/data is absent (a clone outside the workplace).
  let result: Awaited<ReturnType<typeof readOewsWorkbook>>;
  let rejects: RejectCollector;
  beforeAll(async () => {
    rejects = new RejectCollector();
    result = await readOewsWorkbook({ path: REAL_NATIONAL }, rejects);
  });

  it('reads every row without a reject and counts the groups BLS publishes', () => {
    expect(rejects.total()).toBe(0);
    expect(result.release).toBe('May 2024');
    expect(result.topCode).toEqual({ annual: 239_200, hourly: 115 });
    expect(result.sheet).toBe('national_M2024_dl');
    const count = (g: string) => result.estimates.toArray().filter((e) => e.group === g).length;
    expect([count('total'), count('major'), count('minor'), count('broad'), count('detailed')]).toEqual([
      1, 22, 94, 455, 831,
    ]);
  });

  it('gives 29-2072 Medical Records Specialists the published figures', () => {
    const e = find(result.estimates.toArray(), '29-2072')!;
    expect(e).toMatchObject({
      areaType: 'national',
      areaCode: '99',
      state: null,
      title: 'Medical Records Specialists',
    });
    expect(e.employment).toBe(187_910);
    expect(e.annual).toEqual({
      p10: 35_780,
      p25: 41_600,
      median: 50_250,
      p75: 64_070,
      p90: 80_950,
      mean: 55_970,
    });
    expect(e.hourly.median).toBe(24.16);
    expect(e.topCoded).toEqual([]);
    expect(e.notAvailable).toEqual([]);
  });

  it('publishes top-coded wages as null and names them, keeping the mean above the cap', () => {
    const e = find(result.estimates.toArray(), '29-1218')!;
    expect(e.annual.median).toBeNull();
    expect(e.annual.mean).toBe(281_130);
    expect(e.topCoded).toEqual([
      'annual.median',
      'annual.p75',
      'annual.p90',
      'hourly.median',
      'hourly.p75',
      'hourly.p90',
    ]);
  });

  it('reads HOURLY-only actors and ANNUAL-only teachers as not available on the other side', () => {
    const actors = find(result.estimates.toArray(), '27-2011')!;
    expect(Object.values(actors.annual).every((v) => v === null)).toBe(true);
    expect(actors.notAvailable).toEqual([
      'annual.p10',
      'annual.p25',
      'annual.median',
      'annual.p75',
      'annual.p90',
      'annual.mean',
    ]);
    expect(actors.hourly.median).toBe(23.33);
    const teachers = find(result.estimates.toArray(), '25-2021')!;
    expect(Object.values(teachers.hourly).every((v) => v === null)).toBe(true);
    expect(teachers.annual.median).toBe(62_340);
  });

  it('keeps the seven broad/detailed duplicate codes under both groups', () => {
    for (const soc of DUPLICATED) {
      const broad = find(result.estimates.toArray(), soc, 'broad');
      const detailed = find(result.estimates.toArray(), soc, 'detailed');
      expect(broad, soc).toBeDefined();
      expect({ ...detailed, group: 'broad' }).toEqual(broad);
    }
  });

  it('reads the same workbook inside a zip as BLS serves it, named only by its entry', async () => {
    const bytes = await readFile(REAL_NATIONAL);
    const zipped = zipSync({ 'oesm24nat/': new Uint8Array(0), 'oesm24nat/national_M2024_dl.xlsx': bytes });
    const blob = await writeTemp('0b70d339f53d', zipped);
    const fromZip = await readOewsWorkbook({ path: blob }, new RejectCollector());
    expect(fromZip.release).toBe('May 2024');
    expect(fromZip.file).toBe('national_M2024_dl.xlsx');
    expect(fromZip.estimates.toArray()).toEqual(result.estimates.toArray());
  });
});

describe('readOewsWorkbook on the generated fixtures', () => {
  let national: Awaited<ReturnType<typeof readOewsWorkbook>>;
  let rejects: RejectCollector;
  beforeAll(async () => {
    rejects = new RejectCollector();
    const file = await writeTemp('oesm24nat.zip', await oewsReleaseZip('nat', nationalRows()));
    national = await readOewsWorkbook({ path: file, fileName: 'oesm24nat.zip' }, rejects);
  });

  it('reads the national zip: release, workbook, sheet and every row', () => {
    expect(rejects.total()).toBe(0);
    expect(national).toMatchObject({
      release: 'May 2024',
      file: 'national_M2024_dl.xlsx',
      sheet: 'national_M2024_dl',
    });
    expect(national.estimates.toArray()).toHaveLength(nationalRows().length);
    expect(national.estimates.toArray().filter((e) => e.group === 'detailed')).toHaveLength(20);
  });

  it('carries the real May 2024 figures of the table', () => {
    const e = find(national.estimates.toArray(), '29-2072')!;
    expect(e.employment).toBe(187_910);
    expect(e.annual).toEqual({
      p10: 35_780,
      p25: 41_600,
      median: 50_250,
      p75: 64_070,
      p90: 80_950,
      mean: 55_970,
    });
    expect(e.hourly.median).toBe(24.16);
    expect(find(national.estimates.toArray(), '11-1021')!.hourly.median).toBe(49.5);
    expect(find(national.estimates.toArray(), '11-1021')!.topCoded).toEqual(['annual.p90', 'hourly.p90']);
    expect(find(national.estimates.toArray(), '11-1011')!.topCoded).toEqual([
      'annual.p75',
      'annual.p90',
      'hourly.p75',
      'hourly.p90',
    ]);
    expect(find(national.estimates.toArray(), '29-1218')!.annual).toMatchObject({
      median: null,
      mean: 281_130,
    });
    expect(find(national.estimates.toArray(), '27-2011')!.hourly.median).toBe(23.33);
    expect(find(national.estimates.toArray(), '25-2021')!.notAvailable).toHaveLength(6);
    for (const soc of ['13-1020', '51-2090'])
      expect(find(national.estimates.toArray(), soc, 'broad')).toBeDefined();
  });

  it('reads states with their FIPS code and postal code, and ** employment as not available', async () => {
    const file = await writeTemp('oesm24st.zip', await oewsReleaseZip('st', stateRows()));
    const collector = new RejectCollector();
    const states = await readOewsWorkbook({ path: file, fileName: 'oesm24st.zip' }, collector);
    expect(collector.total()).toBe(0);
    expect(new Set(states.estimates.toArray().map((e) => `${e.areaCode} ${e.state} ${e.areaType}`))).toEqual(
      new Set(['06 CA state', '36 NY state', '48 TX state']),
    );
    const tx = find(states.estimates.toArray(), '29-1218', 'detailed', '48')!;
    expect(tx.employment).toBeNull();
    expect(tx.notAvailable).toEqual(['employment']);
    expect(find(states.estimates.toArray(), '27-2011', 'detailed', '36')!.notAvailable).toContain(
      'hourly.p90',
    );
  });

  it('reads metro and nonmetro areas with seven-digit codes', async () => {
    const file = await writeTemp('oesm24ma.zip', await oewsReleaseZip('ma', metroRows()));
    const metros = await readOewsWorkbook({ path: file, fileName: 'oesm24ma.zip' }, new RejectCollector());
    const areas = new Set(metros.estimates.toArray().map((e) => `${e.areaType} ${e.areaCode} ${e.state}`));
    expect(areas).toEqual(new Set(['metro 0035620 null', 'nonmetro 3600003 null']));
    expect(find(metros.estimates.toArray(), '29-2072', 'detailed', '0035620')!.areaName).toBe(
      'New York-Newark-Jersey City, NY-NJ-PA',
    );
  });

  it('takes the release from Field Descriptions when a bare xlsx has a content-addressed name', async () => {
    const records = nationalRows().map(oewsSheetRecord);
    const xlsx = await oewsWorkbook({ sheetName: 'national_M2024_dl', records });
    const blob = await writeTemp('9f1c2b7a', xlsx);
    const result = await readOewsWorkbook({ path: blob }, new RejectCollector());
    expect(result.release).toBe('May 2024');
    expect(result.estimates.toArray()).toEqual(national.estimates.toArray());
  });

  it('fails with the column and file named when the header lost a column', async () => {
    const file = await nationalWorkbook(
      'no-median.zip',
      undefined,
      OEWS_HEADER.filter((c) => c !== 'A_MEDIAN'),
    );
    const error = await readOewsWorkbook(
      { path: file, fileName: 'oesm24nat.zip' },
      new RejectCollector(),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(/national_M2024_dl\.xlsx.*lacks required column A_MEDIAN/);
  });

  it('reads the May 2020 layout (no PCT_RPT, lower-case names) with the May 2020 top code', async () => {
    const header = OEWS_HEADER.filter((c) => c !== 'PCT_RPT');
    const records = nationalRows()
      .map(oewsSheetRecord)
      .map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k.toLowerCase(), v])));
    const xlsx = await oewsWorkbook({
      sheetName: 'national_M2020_dl',
      records,
      header: header.map((c) => c.toLowerCase()),
    });
    const file = await writeTemp('oesm20nat.zip', oewsZip('oesm20nat', 'national_M2020_dl.xlsx', xlsx));
    const result = await readOewsWorkbook({ path: file, fileName: 'oesm20nat.zip' }, new RejectCollector());
    expect(result.release).toBe('May 2020');
    expect(result.topCode).toEqual({ annual: 208_000, hourly: 100 });
    expect(find(result.estimates.toArray(), '29-2072')!.annual.median).toBe(50_250);
  });

  it('rejects a non-numeric wage with row, column, expectation and value, and keeps the other rows', async () => {
    const file = await nationalWorkbook('abc.zip', (records) => {
      const r = records.find((x) => x.OCC_CODE === '29-2072')!;
      r.A_MEDIAN = 'abc';
    });
    const collector = new RejectCollector();
    const result = await readOewsWorkbook({ path: file, fileName: 'oesm24nat.zip' }, collector);
    expect(collector.rejects).toEqual([
      expect.objectContaining({
        source: 'oews',
        file: 'national_M2024_dl.xlsx',
        row: sheetRow('29-2072'),
        field: 'A_MEDIAN',
        expected: expect.stringMatching(/wage in dollars/),
        got: '"abc"',
      }),
    ]);
    expect(find(result.estimates.toArray(), '29-2072')).toBeUndefined();
    expect(result.estimates.toArray()).toHaveLength(nationalRows().length - 1);
    expect(collector.counts.get('oews')).toMatchObject({ read: nationalRows().length, rejected: 1 });
  });

  it('rejects rows whose percentiles decrease, whose flags contradict the wages, or that repeat a key', async () => {
    const file = await nationalWorkbook('cross.zip', (records) => {
      records.find((x) => x.OCC_CODE === '47-2111')!.A_PCT75 = 1000;
      records.find((x) => x.OCC_CODE === '35-2014')!.ANNUAL = 'TRUE';
      records.find((x) => x.OCC_CODE === '31-1131')!.A_PCT90 = '#';
      records.push({ ...records.find((x) => x.OCC_CODE === '41-2031')! });
    });
    const collector = new RejectCollector();
    const result = await readOewsWorkbook({ path: file, fileName: 'oesm24nat.zip' }, collector);
    const byCode = (row: number) =>
      collector.rejects.filter((r) => r.row === row).map((r) => [r.field, r.reason]);
    expect(byCode(sheetRow('47-2111'))).toEqual([['A_PCT75', 'percentiles decrease']]);
    expect(byCode(sheetRow('35-2014'))).toContainEqual(['H_MEDIAN', 'ANNUAL/HOURLY flags inconsistent']);
    expect(byCode(sheetRow('31-1131'))).toEqual([]);
    expect(byCode(nationalRows().length + 2)).toEqual([['OCC_CODE', 'duplicate (AREA, OCC_CODE, O_GROUP)']]);
    expect(find(result.estimates.toArray(), '31-1131')!.topCoded).toEqual(['annual.p90']);
    expect(find(result.estimates.toArray(), '41-2031')).toBeDefined();
    expect(result.estimates.toArray()).toHaveLength(nationalRows().length - 2);
  });

  it('words each percentile out of order: below the one before it, or plain above a top-coded one', async () => {
    let p10: SheetCell = null;
    let median: SheetCell = null;
    const file = await nationalWorkbook('percentile-words.zip', (records) => {
      const decreasing = records.find((x) => x.OCC_CODE === '29-2072')!;
      [p10, median] = [decreasing.A_PCT10!, decreasing.A_MEDIAN!];
      decreasing.A_PCT25 = 1;
      decreasing.A_PCT75 = 2;
      records.find((x) => x.OCC_CODE === '47-2111')!.H_PCT25 = '#';
    });
    const collector = new RejectCollector();
    await readOewsWorkbook({ path: file, fileName: 'oesm24nat.zip' }, collector);
    const at = (row: number) =>
      collector.rejects.filter((r) => r.row === row).map((r) => [r.field, r.expected, r.reason]);
    expect(at(sheetRow('29-2072'))).toEqual([
      ['A_PCT25', `≥ A_PCT10 (${p10}): percentiles must not decrease`, 'percentiles decrease'],
      ['A_PCT75', `≥ A_MEDIAN (${median}): percentiles must not decrease`, 'percentiles decrease'],
    ]);
    const aboveCap = '# (a percentile above top-coded H_PCT25 cannot be below the top code)';
    expect(at(sheetRow('47-2111'))).toEqual(
      ['H_MEDIAN', 'H_PCT75', 'H_PCT90'].map((c) => [c, aboveCap, 'percentiles decrease']),
    );
  });

  it('skips industry-specific rows of an all-data workbook and says how many', async () => {
    const file = await nationalWorkbook('industry.zip', (records) => {
      records.push({
        ...records.find((x) => x.OCC_CODE === '29-1141')!,
        NAICS: '622000',
        I_GROUP: '3-digit',
      });
    });
    const collector = new RejectCollector();
    const result = await readOewsWorkbook({ path: file, fileName: 'oesm24all.zip' }, collector);
    expect(result.estimates.toArray()).toHaveLength(nationalRows().length);
    expect(collector.warnings[0]?.message).toMatch(/skipped 1 industry-specific/);
  });

  it('names the file when it is not a workbook at all', async () => {
    const file = await writeTemp(
      'oesm24nat.zip',
      new TextEncoder().encode('<!DOCTYPE html><p>Access Denied'),
    );
    await expect(
      readOewsWorkbook({ path: file, fileName: 'oesm24nat.zip' }, new RejectCollector()),
    ).rejects.toThrow(/oesm24nat\.zip: expected an xlsx workbook or a zip holding one/);
  });

  it('fails when no sheet has an OEWS header', async () => {
    const xlsx = await oewsWorkbook({ sheetName: 'Sheet1', records: [], header: ['foo', 'bar'] });
    const file = await writeTemp('odd.xlsx', xlsx);
    await expect(readOewsWorkbook({ path: file }, new RejectCollector())).rejects.toThrow(
      /expected a column OCC_CODE/,
    );
  });
});

describe('zip containers', () => {
  it('lists entries and streams a stored entry as well as a deflated one', async () => {
    const payload = new TextEncoder().encode('hello, workbook');
    const file = await writeTemp(
      'mixed.zip',
      zipSync({ 'a/stored.xlsx': [payload, { level: 0 }], 'a/deflated.txt': [payload, { level: 9 }] }),
    );
    const entries = await listZipEntries(file);
    expect(entries.map((e) => [e.name, e.method, e.uncompressedSize])).toEqual([
      ['a/stored.xlsx', 0, payload.length],
      ['a/deflated.txt', 8, payload.length],
    ]);
    const source = await openWorkbookSource(file, 'mixed.zip');
    expect(source).toMatchObject({ name: 'stored.xlsx', entryPath: 'a/stored.xlsx' });
    expect(await readFile(source.path, 'utf8')).toBe('hello, workbook');
    await source.remove();
    expect(existsSync(source.path)).toBe(false);
  });

  it('says what it found when a zip holds no workbook', async () => {
    const file = await writeTemp('readme.zip', zipSync({ 'README.txt': new TextEncoder().encode('hi') }));
    await expect(openWorkbookSource(file, 'oesm24nat.zip')).rejects.toThrow(/found entries \[README\.txt\]/);
  });
});

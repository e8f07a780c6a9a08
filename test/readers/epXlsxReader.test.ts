import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EP_PROJECTIONS, type EpProjection } from '../../fixtures/figures.js';
import { epHeader, epWorkbook } from '../../fixtures/generate/epWorkbook.js';
import { oewsWorkbook } from '../../fixtures/generate/oewsWorkbook.js';
import { zipEntries } from '../../fixtures/generate/zip.js';
import { ValidationError } from '../../src/errors.js';
import { EP_EDUCATION, type EpReadResult, readEpWorkbook } from '../../src/readers/epXlsxReader.js';
import { RejectCollector } from '../../src/validate/rejects.js';

const REAL_EP = path.resolve(import.meta.dirname, '../../..', 'shared/data/ep_2024-34_occupation.xlsx');

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'careerdata-ep-xlsx-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function writeTemp(name: string, bytes: Uint8Array): Promise<string> {
  const file = path.join(tmp, name);
  await writeFile(file, bytes);
  return file;
}

const row = (result: EpReadResult, soc: string) => result.rows.find((r) => r.soc === soc);
const count = (result: EpReadResult, type: string) =>
  result.rows.filter((r) => r.occupationType === type).length;

describe.skipIf(!existsSync(REAL_EP))('readEpWorkbook on the real 2024–34 workbook', () => {
  // Skipped when ../shared/data is absent (a clone outside the workplace).
  let result: EpReadResult;
  let rejects: RejectCollector;
  beforeAll(async () => {
    rejects = new RejectCollector();
    result = await readEpWorkbook({ path: REAL_EP }, rejects);
  });

  it('reads Table 1.2 up to the footnotes: 832 Line items and 281 Summary rows, no rejects', () => {
    expect(rejects.total()).toBe(0);
    expect(result).toMatchObject({
      release: '2024-34',
      baseYear: 2024,
      targetYear: 2034,
      sheet: 'Table 1.2',
    });
    expect(count(result, 'Line item')).toBe(832);
    expect(count(result, 'Summary')).toBe(281);
  });

  it('converts thousands to persons and keeps "None" as a category for 29-2072', () => {
    expect(row(result, '29-2072')).toEqual({
      soc: '29-2072',
      title: 'Medical records specialists',
      occupationType: 'Line item',
      employmentBase: 194_800,
      employmentTarget: 208_600,
      employmentChange: 13_800,
      changePercent: 7.1,
      openingsAnnual: 14_200,
      selfEmployedPercent: expect.any(Number),
      medianWage: 50_250,
      medianWageAtLeast: null,
      typicalEducation: 'Postsecondary nondegree award',
      workExperience: 'None',
      onTheJobTraining: 'None',
      row: expect.any(Number),
    });
  });

  it('reads >=$239,200 as a lower bound and — as not available', () => {
    expect(row(result, '29-1218')).toMatchObject({ medianWage: null, medianWageAtLeast: 239_200 });
    expect(row(result, '27-2011')).toMatchObject({ medianWage: null, medianWageAtLeast: null });
    expect(row(result, '00-0000')).toMatchObject({
      typicalEducation: null,
      workExperience: null,
      onTheJobTraining: null,
    });
  });

  it('matches the other figures quoted in docs/bls.md', () => {
    expect(row(result, '15-1252')).toMatchObject({
      employmentBase: 1_693_800,
      employmentTarget: 1_961_400,
      changePercent: 15.8,
      openingsAnnual: 115_200,
      typicalEducation: "Bachelor's degree",
    });
    expect(row(result, '43-4051')).toMatchObject({
      changePercent: -5.5,
      onTheJobTraining: 'Short-term on-the-job training',
    });
    expect(row(result, '29-1171')).toMatchObject({
      changePercent: 40.1,
      typicalEducation: "Master's degree",
    });
    expect(row(result, '45-3031')?.occupationType).toBe('Line item');
  });
});

describe('readEpWorkbook on the generated fixture', () => {
  let result: EpReadResult;
  let rejects: RejectCollector;
  beforeAll(async () => {
    rejects = new RejectCollector();
    result = await readEpWorkbook({ path: await writeTemp('occupation.xlsx', await epWorkbook()) }, rejects);
  });

  it('reads every row of the table of figures, trimmed and typed', () => {
    expect(rejects.total()).toBe(0);
    expect(result).toMatchObject({ release: '2024-34', baseYear: 2024, targetYear: 2034 });
    expect(result.rows.map((r) => r.soc)).toEqual(EP_PROJECTIONS.map((p) => p.soc));
    expect(count(result, 'Line item')).toBe(EP_PROJECTIONS.filter((p) => p.type === 'Line item').length);
    expect(result.rows.every((r) => r.title === r.title.trim())).toBe(true);
  });

  it('carries the real 2024–34 figures of the table', () => {
    expect(row(result, '29-2072')).toMatchObject({
      employmentBase: 194_800,
      employmentTarget: 208_600,
      employmentChange: 13_800,
      changePercent: 7.1,
      openingsAnnual: 14_200,
      medianWage: 50_250,
      typicalEducation: 'Postsecondary nondegree award',
      workExperience: 'None',
      onTheJobTraining: 'None',
    });
    expect(row(result, '29-1218')).toMatchObject({
      medianWage: null,
      medianWageAtLeast: 239_200,
      changePercent: 1.2,
    });
    expect(row(result, '27-2011')).toMatchObject({ medianWage: null, medianWageAtLeast: null });
    expect(row(result, '43-4051')).toMatchObject({ employmentBase: 2_814_000, employmentTarget: 2_660_300 });
    expect(row(result, '45-3031')).toMatchObject({ occupationType: 'Line item', medianWage: null });
  });

  it('still parses the 2023–33 layout ("Numbers in thousands", no " xlsx", other years)', async () => {
    const file = await writeTemp(
      'ep-2023.xlsx',
      await epWorkbook({ baseYear: 2023, targetYear: 2033, layout: '2023-33' }),
    );
    const collector = new RejectCollector();
    const older = await readEpWorkbook({ path: file }, collector);
    expect(collector.total()).toBe(0);
    expect(older).toMatchObject({ release: '2023-33', baseYear: 2023, targetYear: 2033 });
    expect(older.rows).toEqual(result.rows);
  });

  it('reads the workbook from a zip too', async () => {
    const bytes = await epWorkbook();
    const file = await writeTemp('ep.zip', zipEntries([['ep/occupation.xlsx', bytes]]));
    expect((await readEpWorkbook({ path: file }, new RejectCollector())).rows).toEqual(result.rows);
  });

  it('fails naming the column when the header lost one', async () => {
    const file = await writeTemp(
      'no-education.xlsx',
      await epWorkbook({ omitColumns: ['Typical education needed for entry'] }),
    );
    const error = await readEpWorkbook(
      { path: file, fileName: 'occupation.xlsx' },
      new RejectCollector(),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(
      /occupation\.xlsx: sheet "Table 1\.2" lacks column "Typical education needed for entry"/,
    );
  });

  it('fails naming the projection column when its years are unreadable', async () => {
    const header = epHeader({ baseYear: 2024, targetYear: 2034, layout: '2024-34' });
    const file = await writeTemp('no-base.xlsx', await epWorkbook({ omitColumns: [header[3]!] }));
    await expect(readEpWorkbook({ path: file }, new RejectCollector())).rejects.toThrow(/Employment, YYYY/);
  });

  it('rejects a value outside the EP vocabulary, naming the field and the allowed values', async () => {
    const rows: EpProjection[] = EP_PROJECTIONS.map((p) =>
      p.soc === '47-2111'
        ? {
            ...p,
            categories: ['Trade school', 'None', 'Apprenticeship'] as unknown as EpProjection['categories'],
          }
        : p.soc === '35-2014'
          ? { ...p, base: 'n/a' as unknown as number }
          : p,
    );
    const collector = new RejectCollector();
    const bad = await readEpWorkbook(
      { path: await writeTemp('bad.xlsx', await epWorkbook({ rows })) },
      collector,
    );
    const education = collector.rejects.find((r) => r.field === 'typicalEducation');
    expect(education).toMatchObject({ source: 'ep', got: '"Trade school"', row: expect.any(Number) });
    for (const allowed of EP_EDUCATION) expect(education?.expected).toContain(allowed);
    expect(collector.rejects.find((r) => r.field === 'employmentBase')).toMatchObject({
      got: '"n/a"',
      expected: expect.stringMatching(/thousands/),
    });
    expect(row(bad, '47-2111')).toBeUndefined();
    expect(row(bad, '35-2014')).toBeUndefined();
    expect(bad.rows).toHaveLength(EP_PROJECTIONS.length - 2);
  });

  it('fails when the workbook has no Table 1.2', async () => {
    const file = await writeTemp('not-ep.xlsx', await oewsWorkbook({ sheetName: 'Table 1.1', records: [] }));
    await expect(readEpWorkbook({ path: file }, new RejectCollector())).rejects.toThrow(
      /no "Table 1\.2" sheet/,
    );
  });
});

describe('readEpWorkbook: plausible values per row', () => {
  it('rejects a row whose employment, percent or title cannot be real, and keeps the rest', async () => {
    const edits: Record<string, Partial<EpProjection>> = {
      '29-2072': { base: 9_007_199_254_741 }, // thousands: above 2^53 persons
      '15-1252': { percent: 5_000 },
      '43-4051': { selfEmployed: 150 },
      '29-1141': { title: 'Registered\uFFFDnurses' }, // what a decoder makes of bytes that are not UTF-8
      '29-1171': { title: 'N'.repeat(250) },
    };
    const rows = EP_PROJECTIONS.map((r) => ({ ...r, ...edits[r.soc] }));
    const file = await writeTemp('implausible.xlsx', await epWorkbook({ rows }));
    const rejects = new RejectCollector();
    const result = await readEpWorkbook({ path: file }, rejects);
    const bySoc = Object.keys(edits).map((soc) => [soc, row(result, soc)]);
    expect(bySoc).toEqual(Object.keys(edits).map((soc) => [soc, undefined]));
    expect(rejects.rejects.map((r) => r.field).sort()).toEqual(
      ['changePercent', 'employmentBase', 'selfEmployedPercent', 'title', 'title'].sort(),
    );
    const title = rejects.rejects.find((r) => r.field === 'title' && r.got.length > 200)!;
    expect(title.expected).toMatch(/at most 200 characters \(got 250\)/);
    expect(title.got).toMatch(/truncated: 256 characters in all/);
    expect(rejects.rejects.find((r) => r.field === 'employmentBase')!.expected).toMatch(/to 500000/);
    expect(row(result, '11-1021')).toBeDefined();
  });
});

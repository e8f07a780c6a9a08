import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import {
  occupationGroups,
  readOewsAreas,
  readOewsOccupations,
  readOewsRelease,
} from '../../src/readers/oewsFlatFileMeta.js';
import { RejectCollector } from '../../src/validate/rejects.js';

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'oews-meta-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/** A BLS-style TSV: every cell padded with spaces, as the time-series files are. */
async function tsv(name: string, rows: string[][]): Promise<string> {
  const file = path.join(dir, name);
  await fs.writeFile(file, rows.map((r) => r.map((c) => c.padEnd(12)).join('\t')).join('\r\n') + '\r\n');
  return file;
}

describe('readOewsRelease', () => {
  it('reads the description and year, and the top code of that year', async () => {
    const file = await tsv('release-2024', [
      ['release_date', 'description'],
      ['2024A01', 'May 2024'],
    ]);
    expect(await readOewsRelease(file)).toEqual({
      releaseDate: '2024A01',
      year: 2024,
      description: 'May 2024',
      topCode: { annual: 239_200, hourly: 115 },
    });
  });

  it('takes the latest release when several are listed, with the older top code for 2021', async () => {
    const file = await tsv('release-many', [
      ['description', 'release_date', 'note'],
      ['May 2020', '2020A01', 'x'],
      ['May 2021', '2021A01', 'y'],
    ]);
    const r = await readOewsRelease(file);
    expect(r.description).toBe('May 2021');
    expect(r.topCode).toEqual({ annual: 208_000, hourly: 100 });
  });

  it('fails naming the file when no row is usable', async () => {
    const file = await tsv('release-bad', [
      ['release_date', 'description'],
      ['May 2024', ''],
    ]);
    await expect(readOewsRelease(file)).rejects.toThrow(/oe\.release names no release.*2024A01/);
  });

  it('fails naming the missing column', async () => {
    const file = await tsv('release-nocol', [['release_date'], ['2024A01']]);
    const err = await readOewsRelease(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).message).toMatch(/oe\.release has no "description" column/);
  });
});

describe('readOewsOccupations', () => {
  it('reads titles and groups with the real layout (0 total and major, 1 minor, 2 broad, 3 detailed)', async () => {
    const file = await tsv('occupation-real', [
      ['occupation_code', 'occupation_name', 'display_level', 'selectable', 'sort_sequence'],
      ['000000', 'All Occupations', '0', 'T', '0'],
      ['110000', 'Management Occupations', '0', 'T', '1'],
      ['111000', 'Top Executives', '1', 'T', '2'],
      ['111011', 'Chief Executives', '3', 'T', '3'],
      ['112020', 'Marketing and Sales Managers', '2', 'T', '4'],
      ['112021', 'Marketing Managers', '3', 'T', '5'],
      ['131020', 'Buyers and Purchasing Agents', '2', 'T', '6'],
      ['292010', 'Clinical Laboratory Technologists and Technicians', '3', 'T', '7'],
    ]);
    const rejects = new RejectCollector();
    const occ = await readOewsOccupations(file, rejects);
    const groups = Object.fromEntries([...occ.values()].map((o) => [o.soc, o.group]));
    expect(groups).toEqual({
      '00-0000': 'total',
      '11-0000': 'major',
      '11-1000': 'minor',
      '11-1011': 'detailed',
      '11-2020': 'broad',
      '11-2021': 'detailed',
      // Broad level but nothing below it: the workbook's broad-and-detailed code, read as detailed.
      '13-1020': 'detailed',
      // Detailed level: detailed.
      '29-2010': 'detailed',
    });
    expect(occ.get('111011')?.title).toBe('Chief Executives');
    expect(rejects.total()).toBe(0);
  });

  it('reads the 0 total … 4 detailed numbering the same way', () => {
    const groups = occupationGroups([
      { code: '000000', displayLevel: 0 },
      { code: '290000', displayLevel: 1 },
      { code: '292000', displayLevel: 2 },
      { code: '292070', displayLevel: 3 },
      { code: '292072', displayLevel: 4 },
      { code: '292010', displayLevel: 4 },
    ]);
    expect(Object.fromEntries(groups)).toEqual({
      '000000': 'total',
      '290000': 'major',
      '292000': 'minor',
      '292070': 'broad',
      '292072': 'detailed',
      '292010': 'detailed',
    });
  });

  it('keeps NN0000 codes major even when nothing deeper is listed', () => {
    const groups = occupationGroups([
      { code: '000000', displayLevel: 0 },
      { code: '290000', displayLevel: 0 },
    ]);
    expect(Object.fromEntries(groups)).toEqual({ '000000': 'total', '290000': 'major' });
  });

  it('rejects bad rows with file, line and field, and keeps the rest', async () => {
    const file = await tsv('occupation-bad', [
      ['occupation_code', 'occupation_name', 'display_level'],
      ['29-2072', 'Medical Records Specialists', '3'],
      ['292072', 'Medical Records Specialists', 'x'],
      ['151252', 'Software Developers', '3'],
      ['151252', 'Software Developers again', '3'],
    ]);
    const rejects = new RejectCollector();
    const occ = await readOewsOccupations(file, rejects);
    expect([...occ.keys()]).toEqual(['151252']);
    expect(rejects.rejects).toEqual([
      expect.objectContaining({ file: 'oe.occupation', row: 2, field: 'occupation_code', got: '"29-2072"' }),
      expect.objectContaining({ file: 'oe.occupation', row: 3, field: 'display_level', got: '"x"' }),
      expect.objectContaining({
        file: 'oe.occupation',
        row: 5,
        field: 'occupation_code',
        reason: 'duplicate occupation code',
      }),
    ]);
  });

  it('fails naming the file and column when display_level is missing', async () => {
    const file = await tsv('occupation-nocol', [
      ['occupation_code', 'occupation_name'],
      ['292072', 'Medical Records Specialists'],
    ]);
    await expect(readOewsOccupations(file, new RejectCollector())).rejects.toThrow(
      /oe\.occupation has no "display_level" column/,
    );
  });
});

describe('readOewsAreas', () => {
  it('reads codes, types, state codes and names, tolerating extra columns', async () => {
    const file = await tsv('area', [
      ['state_code', 'area_code', 'areatype_code', 'area_name', 'extra'],
      ['00', '0000000', 'N', 'National', ''],
      ['06', '0600000', 'S', 'California', ''],
      ['48', '0010180', 'M', 'Abilene, TX', ''],
    ]);
    const rejects = new RejectCollector();
    const areas = await readOewsAreas(file, rejects);
    expect(areas.get('0010180')).toEqual({
      areaCode: '0010180',
      areaTypeCode: 'M',
      stateCode: '48',
      name: 'Abilene, TX',
    });
    expect(areas.get('0600000')?.name).toBe('California');
    expect(rejects.total()).toBe(0);
  });

  it('rejects a bad area code and a bad area type', async () => {
    const file = await tsv('area-bad', [
      ['state_code', 'area_code', 'areatype_code', 'area_name'],
      ['06', '06', 'S', 'California'],
      ['06', '0600000', 'X', 'California'],
    ]);
    const rejects = new RejectCollector();
    expect((await readOewsAreas(file, rejects)).size).toBe(0);
    expect(rejects.rejects.map((r) => [r.file, r.row, r.field])).toEqual([
      ['oe.area', 2, 'area_code'],
      ['oe.area', 3, 'areatype_code'],
    ]);
  });
});

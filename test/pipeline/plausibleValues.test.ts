import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nationalRows } from '../../fixtures/generate/oewsRows.js';
import {
  oewsSheetRecord,
  oewsWorkbook,
  oewsZip,
  type SheetCell,
} from '../../fixtures/generate/oewsWorkbook.js';
import type { OccupationRecord } from '../../src/model/occupation.js';
import { GENERATED_DIR } from '../../src/offline/offlineEnvironment.js';
import { type OfflineHarness, offlineHarness } from '../support/offlineRun.js';

async function records(h: OfflineHarness, id: string): Promise<OccupationRecord[]> {
  const text = await readFile(path.join(h.dir, 'snapshots', id, 'occupations.ndjson'), 'utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as OccupationRecord);
}

async function nationalZipWith(edit: (bySoc: (soc: string) => Record<string, SheetCell>) => void) {
  const sheet = nationalRows().map(oewsSheetRecord);
  edit((soc) => sheet.find((r) => r.OCC_CODE === soc && r.O_GROUP === 'detailed')!);
  const xlsx = await oewsWorkbook({ sheetName: 'national_M2024_dl', records: sheet });
  return Buffer.from(oewsZip('oesm24nat', 'national_M2024_dl.xlsx', xlsx));
}

describe('implausible values reject their row; the run publishes the rest', { timeout: 180_000 }, () => {
  let h: OfflineHarness;
  beforeEach(async () => {
    h = await offlineHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('workbook: a 1e300 median, a p90 of 99999999999999999999999 and an employment above 2^53', async () => {
    const zip = await nationalZipWith((row) => {
      row('29-2072').A_MEDIAN = 1e300;
      row('43-4051').A_PCT90 = '99999999999999999999999';
      row('15-1252').TOT_EMP = 2 ** 53 + 2;
    });
    h.offline.server.inject('/bls/oes/special-requests/oesm24nat.zip', { kind: 'body', body: zip });
    const summary = await h.refresh({ OEWS_FORMAT: 'xlsx', MAX_REJECTED_SHARE: '0.2' });
    expect(summary.error).toBeUndefined();
    expect(summary.status).toBe('published');
    const rejects = summary.quality.rejects.filter((r) => r.file === 'national_M2024_dl.xlsx');
    expect(rejects.map((r) => [r.field, r.reason])).toEqual(
      expect.arrayContaining([
        ['TOT_EMP', 'invalid TOT_EMP'],
        ['A_MEDIAN', 'wage out of bounds'],
        ['A_PCT90', 'wage out of bounds'],
      ]),
    );
    expect(rejects.find((r) => r.field === 'A_MEDIAN')?.expected).toMatch(/top code 239200/);
    expect(rejects.find((r) => r.field === 'TOT_EMP')?.expected).toMatch(/integer from 0 to 500000000/);
    const recs = await records(h, summary.snapshotId!);
    const bySoc = (soc: string) => recs.find((r) => r.soc === soc)!;
    for (const soc of ['29-2072', '43-4051', '15-1252']) {
      expect(bySoc(soc).wages?.national ?? null).toBeNull();
      expect(bySoc(soc).projections).not.toBeNull(); // the record itself stays (EP)
    }
    expect(bySoc('29-1141').wages?.national?.annual.median).toBe(93600);
    expect(JSON.stringify(recs)).not.toMatch(/e\+300|99999999999999999999999|9007199254740994/);
  });

  it('flat file: an absurd annual p90 and an employment above 2^53 are refused as figures, named in rejected', async () => {
    const dataPath = path.join(GENERATED_DIR, 'bls/pub/time.series/oe/oe.data.0.Current');
    const lines = (await readFile(dataPath, 'utf8')).split('\n');
    const set = (series: string, value: string) => {
      const i = lines.findIndex((l) => l.startsWith(series));
      expect(i).toBeGreaterThan(0);
      const cells = lines[i]!.split('\t');
      cells[3] = value;
      lines[i] = cells.join('\t');
    };
    set('OEUN000000000000029207215', '99999999999999999999999');
    set('OEUN000000000000029207201', '9007199254740993');
    h.offline.server.inject('/bls/pub/time.series/oe/oe.data.0.Current', {
      kind: 'body',
      body: lines.join('\n'),
    });
    const summary = await h.refresh({ MAX_REJECTED_SHARE: '0.05' });
    expect(summary.error).toBeUndefined();
    expect(summary.status).toBe('published');
    expect(summary.quality.rejects.map((r) => r.reason).sort()).toEqual([
      'employment out of bounds',
      'wage out of bounds',
    ]);
    const mrs = (await records(h, summary.snapshotId!)).find((r) => r.soc === '29-2072')!;
    expect(mrs.wages?.national?.annual.p90).toBeNull();
    expect(mrs.wages?.national?.employment).toBeNull();
    expect(mrs.wages?.national?.rejected).toEqual(['employment', 'annual.p90']);
    expect(mrs.wages?.national?.annual.median).toBe(50250);
  });
});

import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EP_2019_PATH, OEWS_XLSX_DIR } from '../../fixtures/generate/all.js';
import { nationalRows2019 } from '../../fixtures/generate/oewsRows.js';
import type { OccupationRecord } from '../../src/model/occupation.js';
import { GENERATED_DIR } from '../../src/offline/offlineEnvironment.js';
import { readEpWorkbook } from '../../src/readers/epXlsxReader.js';
import { readOewsWorkbook } from '../../src/readers/oewsXlsxReader.js';
import { RejectCollector } from '../../src/validate/rejects.js';
import { type OfflineHarness, offlineHarness } from '../support/offlineRun.js';

const OEWS_2019 = path.join(GENERATED_DIR, OEWS_XLSX_DIR, 'oesm19nat.zip');
const EP_2019 = path.join(GENERATED_DIR, EP_2019_PATH);

describe('OEWS May 2019 layout (lowercase headers, no PRIM_STATE, extra columns)', {
  timeout: 180_000,
}, () => {
  it('reads the generated May 2019 national workbook with the May 2019 top code and no rejects', async () => {
    const rejects = new RejectCollector();
    const result = await readOewsWorkbook({ path: OEWS_2019, fileName: 'oesm19nat.zip' }, rejects);
    expect(rejects.rejects).toEqual([]);
    expect(result).toMatchObject({ release: 'May 2019', topCode: { annual: 208_000, hourly: 100 } });
    expect(result.estimates.length).toBe(nationalRows2019().length);
    const mrs = result.estimates.toArray().find((e) => e.soc === '29-2072' && e.group === 'detailed')!;
    // May 2024's 50,250 × 0.85 (RELEASE_2019.scale), to the ten dollars.
    expect(mrs).toMatchObject({
      areaType: 'national',
      areaCode: '99',
      state: null,
      title: 'Medical Records Specialists',
    });
    expect(mrs.annual.median).toBe(42_710);
    // 211,450 × 0.85 = 179,730: under May 2019's top code of 208,000; 15-1252's mean stays a number.
    const dev = result.estimates.toArray().find((e) => e.soc === '15-1252' && e.group === 'detailed')!;
    expect(dev.annual.p90).toBe(179_730);
    const obgyn = result.estimates.toArray().find((e) => e.soc === '29-1218' && e.group === 'detailed')!;
    expect(obgyn.topCoded).toContain('annual.median');
  });
});

describe('EP 2019–29 layout (worker characteristics in Table 1.7)', { timeout: 180_000 }, () => {
  it('reads employment from Table 1.2 and the characteristics from Table 1.7, keeping the wage year as published', async () => {
    const rejects = new RejectCollector();
    const result = await readEpWorkbook({ path: EP_2019 }, rejects);
    expect(rejects.rejects).toEqual([]);
    expect(result).toMatchObject({
      release: '2019-29',
      baseYear: 2019,
      targetYear: 2029,
      sheet: 'Table 1.2',
      characteristicsSheet: 'Table 1.7',
      wageYear: 2020,
    });
    expect(result.rows.find((r) => r.soc === '29-2072')).toMatchObject({
      employmentBase: 194_800,
      medianWage: 42_710,
      typicalEducation: 'Postsecondary nondegree award',
      workExperience: 'None',
      onTheJobTraining: 'None',
    });
    expect(result.rows.find((r) => r.soc === '29-1218')).toMatchObject({
      medianWage: null,
      medianWageAtLeast: 208_000,
      onTheJobTraining: 'Internship/residency',
    });
  });
});

describe('a whole refresh from the 2019 layouts', { timeout: 180_000 }, () => {
  let h: OfflineHarness;
  beforeEach(async () => {
    h = await offlineHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('publishes May 2019 wages and 2019–29 projections with the median wage year 2020', async () => {
    const u = h.offline.server.url;
    const summary = await h.refresh({
      SOURCES: 'oews,ep',
      OEWS_FORMAT: 'xlsx',
      OEWS_XLSX_URLS: `${u}/bls/oes/special-requests/oesm19nat.zip`,
      EP_URL: `${u}/${EP_2019_PATH}`,
    });
    expect(summary.error).toBeUndefined();
    expect(summary.status).toBe('published');
    const { readFile } = await import('node:fs/promises');
    const recs = (
      await readFile(path.join(h.dir, 'snapshots', summary.snapshotId!, 'occupations.ndjson'), 'utf8')
    )
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as OccupationRecord);
    const mrs = recs.find((r) => r.soc === '29-2072')!;
    expect(mrs.wages).toMatchObject({ release: 'May 2019', topCode: { annual: 208_000, hourly: 100 } });
    expect(mrs.wages?.national?.annual.median).toBe(42_710);
    expect(mrs.projections).toMatchObject({ release: '2019-29', medianWage: 42_710, medianWageYear: 2020 });
  });
});

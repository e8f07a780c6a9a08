/**
 * The published JSON Schemas under Ajv 2020-12 strict mode with formats: they compile, every record
 * of two real snapshots (the offline refresh, and one from the real upstream files when
 * ../shared/data is there) passes, and records that break the data's constraints fail.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/log.js';
import type { OccupationRecord } from '../../src/model/occupation.js';
import { embeddedRunIO } from '../../src/pipeline/embeddedRunIO.js';
import { runRefresh } from '../../src/pipeline/refresh.js';
import { closeRunContext, createRunContext, newRunId } from '../../src/pipeline/runContext.js';
import { SCHEMA_NAMES } from '../../src/store/schemas.js';
import { type OfflineHarness, offlineHarness } from '../support/offlineRun.js';
import { strictValidator } from '../support/strictAjv.js';
import { occupation } from './support.js';

const SHARED = path.resolve(import.meta.dirname, '../../..', 'shared/data');
const REAL = {
  oews: path.join(SHARED, 'national_M2024_dl.xlsx'),
  ep: path.join(SHARED, 'ep_2024-34_occupation.xlsx'),
  exposure: path.join(SHARED, 'occ_level.csv'),
};
const haveReal = Object.values(REAL).every((p) => existsSync(p));

async function readSnapshot(snapshotDir: string, id: string) {
  const text = await readFile(path.join(snapshotDir, id, 'occupations.ndjson'), 'utf8');
  const records = text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as OccupationRecord);
  const manifest = JSON.parse(await readFile(path.join(snapshotDir, id, 'manifest.json'), 'utf8'));
  const stored = JSON.parse(await readFile(path.join(snapshotDir, id, 'schema', 'occupation.json'), 'utf8'));
  return { records, manifest, stored };
}

function expectAllValid(records: readonly unknown[], validate: ReturnType<typeof strictValidator>) {
  const failures: string[] = [];
  for (const r of records) {
    if (!validate(r)) {
      failures.push(`${(r as { soc?: string }).soc}: ${JSON.stringify(validate.errors?.slice(0, 3))}`);
    }
  }
  expect(failures.slice(0, 5)).toEqual([]);
}

describe('JSON Schemas under strict Ajv 2020-12', () => {
  it('compile in strict mode with formats, every one of them', () => {
    for (const name of SCHEMA_NAMES) expect(() => strictValidator(name), name).not.toThrow();
  });

  it('refuse a record with a negative wage, a negative employment, a bad SOC or an unknown label', () => {
    const validate = strictValidator('occupation');
    const good = occupation('29-2072');
    expect(validate(good), JSON.stringify(validate.errors)).toBe(true);

    const negativeWage = structuredClone(good);
    negativeWage.wages!.national!.annual.median = -1;
    expect(validate(negativeWage)).toBe(false);
    expect(validate.errors?.[0]?.instancePath).toBe('/wages/national/annual/median');

    const negativeEmployment = structuredClone(good);
    negativeEmployment.wages!.national!.employment = -10;
    expect(validate(negativeEmployment)).toBe(false);

    expect(validate({ ...good, soc: '292072' })).toBe(false);
    const unknownClass = structuredClone(good) as unknown as { resilience: { classification: string } };
    unknownClass.resilience.classification = 'Doomed';
    expect(validate(unknownClass)).toBe(false);
  });
});

describe('every record of the offline snapshot', () => {
  let h: OfflineHarness;
  beforeAll(async () => {
    h = await offlineHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('passes the strict occupation schema, and the manifest the manifest schema', async () => {
    const summary = await h.refresh();
    expect(summary.status).toBe('published');
    const { records, manifest, stored } = await readSnapshot(
      path.join(h.dir, 'snapshots'),
      summary.snapshotId!,
    );
    expect(records.length).toBeGreaterThan(10);
    expectAllValid(records, strictValidator('occupation'));
    // The copy stored in the snapshot is the same schema and compiles the same way.
    expectAllValid(records, strictValidator('occupation', stored));
    const validateManifest = strictValidator('manifest');
    expect(validateManifest(manifest), JSON.stringify(validateManifest.errors)).toBe(true);
  });
});

describe.skipIf(!haveReal)('every record of a snapshot built from the real upstream files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'careerdata-real-schema-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('passes the strict occupation schema', { timeout: 240_000 }, async () => {
    const config = loadConfig({
      SOURCES: 'oews,ep,exposure,epoch',
      OEWS_FORMAT: 'xlsx',
      OEWS_XLSX_URLS: pathToFileURL(REAL.oews).href,
      EP_URL: pathToFileURL(REAL.ep).href,
      EXPOSURE_URL: pathToFileURL(REAL.exposure).href,
      SNAPSHOT_DIR: path.join(dir, 'snapshots'),
      CACHE_DIR: path.join(dir, 'cache'),
      RUNS_DIR: path.join(dir, 'runs'),
    });
    const ctx = createRunContext(config, silentLogger, embeddedRunIO(config, silentLogger));
    try {
      const summary = await runRefresh(ctx, { runId: newRunId(), trigger: 'cli' });
      expect(summary.status).toBe('published');
      const { records, manifest } = await readSnapshot(path.join(dir, 'snapshots'), summary.snapshotId!);
      expect(records.length).toBeGreaterThan(800);
      expectAllValid(records, strictValidator('occupation'));
      const validateManifest = strictValidator('manifest');
      expect(validateManifest(manifest), JSON.stringify(validateManifest.errors)).toBe(true);
    } finally {
      await closeRunContext(ctx);
    }
  });
});

/**
 * The two OEWS readers must decode the same figures identically: the yearly workbooks
 * (oesm24{nat,st,ma}.zip) and the time-series flat files, both generated from one table of figures
 * (`npm run fixtures`). Any difference here is a reader (or generator) bug.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { OewsEstimateTable } from '../../src/readers/oewsEstimateTable.js';
import { readOewsFlatFiles } from '../../src/readers/oewsFlatFileReader.js';
import type { OewsEstimate, OewsReadResult } from '../../src/readers/oewsTypes.js';
import { readOewsWorkbook } from '../../src/readers/oewsXlsxReader.js';
import { RejectCollector } from '../../src/validate/rejects.js';

const BLS = path.resolve(import.meta.dirname, '../../fixtures/generated/bls');
const WORKBOOKS = ['oesm24nat.zip', 'oesm24st.zip', 'oesm24ma.zip'];
const FLAT = path.join(BLS, 'pub/time.series/oe');

const key = (e: OewsEstimate) => `${e.areaType}|${e.areaCode}|${e.soc}|${e.group}`;
const byKey = (estimates: OewsEstimate[]) =>
  [...estimates].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));

let xlsx: OewsReadResult;
let flat: OewsReadResult;
const xlsxRejects = new RejectCollector();
const flatRejects = new RejectCollector();

beforeAll(async () => {
  const results: OewsReadResult[] = [];
  for (const name of WORKBOOKS) {
    results.push(
      await readOewsWorkbook(
        { path: path.join(BLS, 'oes/special-requests', name), fileName: name },
        xlsxRejects,
      ),
    );
  }
  xlsx = {
    release: results[0]!.release,
    estimates: OewsEstimateTable.concat(results.map((r) => r.estimates)),
  };
  flat = await readOewsFlatFiles(
    {
      dataPath: path.join(FLAT, 'oe.data.0.Current'),
      occupationPath: path.join(FLAT, 'oe.occupation'),
      areaPath: path.join(FLAT, 'oe.area'),
      releasePath: path.join(FLAT, 'oe.release'),
    },
    flatRejects,
  );
});

describe('OEWS xlsx and flat-file readers agree on the generated fixtures', () => {
  it('read the same release, without rejecting anything', () => {
    expect(flat.release).toBe('May 2024');
    expect(xlsx.release).toBe(flat.release);
    expect(xlsxRejects.rejects).toEqual([]);
    expect(flatRejects.rejects).toEqual([]);
  });

  const levels: Array<[string, OewsEstimate['areaType'][]]> = [
    ['national', ['national']],
    ['state', ['state', 'territory']],
    ['metro and nonmetro', ['metro', 'nonmetro']],
  ];
  it.each(levels)('give identical estimates for every detailed occupation at %s level', (_level, types) => {
    const pick = (r: OewsReadResult) =>
      byKey(r.estimates.toArray().filter((e) => e.group === 'detailed' && types.includes(e.areaType)));
    const fromXlsx = pick(xlsx);
    const fromFlat = pick(flat);
    expect(fromXlsx.length).toBeGreaterThan(0);
    expect(fromFlat.map(key)).toEqual(fromXlsx.map(key));
    // Whole estimates: figures, nulls, topCoded and notAvailable lists, names and codes.
    expect(fromFlat).toEqual(fromXlsx);
  });

  it('cover national, state, metro and nonmetro areas and both suppression kinds', () => {
    const detailed = flat.estimates.toArray().filter((e) => e.group === 'detailed');
    expect(new Set(detailed.map((e) => e.areaType))).toEqual(
      new Set(['national', 'state', 'metro', 'nonmetro']),
    );
    expect(detailed.some((e) => e.topCoded.length > 0)).toBe(true);
    expect(detailed.some((e) => e.notAvailable.includes('employment'))).toBe(true);
    expect(detailed.some((e) => e.notAvailable.includes('hourly.median'))).toBe(true);
  });

  it('agree on the aggregate groups too, the flat files listing a broad-and-detailed code once', () => {
    const xlsxByKey = new Map(xlsx.estimates.toArray().map((e) => [key(e), e]));
    for (const e of flat.estimates.toArray()) expect(xlsxByKey.get(key(e)), key(e)).toEqual(e);
    const flatKeys = new Set(flat.estimates.toArray().map(key));
    // The only workbook rows the flat files lack are the broad twins of detailed codes.
    const missing = xlsx.estimates.toArray().filter((e) => !flatKeys.has(key(e)));
    for (const e of missing) {
      expect(e.group, key(e)).toBe('broad');
      expect(flatKeys.has(key({ ...e, group: 'detailed' })), key(e)).toBe(true);
    }
  });
});

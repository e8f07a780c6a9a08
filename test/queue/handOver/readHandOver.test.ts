import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../../src/config.js';
import { getMethodology } from '../../../src/methodology/registry.js';
import { buildOccupationRecords } from '../../../src/model/buildRecords.js';
import type { ReadOutput, SourceBundle } from '../../../src/pipeline/stages.js';
import { decodeReadOutput, encodeReadOutput } from '../../../src/queue/handOver/readHandOver.js';
import { readEpochCsv } from '../../../src/readers/epochCsvReader.js';
import { readEpWorkbook } from '../../../src/readers/epXlsxReader.js';
import { readExposureCsv } from '../../../src/readers/exposureCsvReader.js';
import { readOewsFlatFiles } from '../../../src/readers/oewsFlatFileReader.js';
import { readOnetArchive } from '../../../src/readers/onet/onetReader.js';
import { RejectCollector } from '../../../src/validate/rejects.js';

const GENERATED = path.join(PACKAGE_ROOT, 'fixtures', 'generated');
const OE = path.join(GENERATED, 'bls/pub/time.series/oe');

describe('read stage hand-over', () => {
  let read: ReadOutput;

  beforeAll(async () => {
    const rejects = new RejectCollector();
    const bundle: SourceBundle = {
      oews: await readOewsFlatFiles(
        {
          dataPath: path.join(OE, 'oe.data.0.Current'),
          occupationPath: path.join(OE, 'oe.occupation'),
          areaPath: path.join(OE, 'oe.area'),
          releasePath: path.join(OE, 'oe.release'),
        },
        rejects,
      ),
      ep: await readEpWorkbook(
        { path: path.join(GENERATED, 'bls/emp/ind-occ-matrix/occupation.xlsx') },
        rejects,
      ),
      exposure: await readExposureCsv({ path: path.join(GENERATED, 'research/occ_level.csv') }, rejects),
      epoch: await readEpochCsv({ path: path.join(PACKAGE_ROOT, 'data/epoch-ratings.csv') }, rejects),
      onet: await readOnetArchive(
        { path: path.join(GENERATED, 'onet/dl_files/database/db_29_2_text.zip') },
        rejects,
      ),
    };
    rejects.warn({ source: 'oews', message: 'a warning that must survive the hand-over' });
    read = { bundle, rejects, releases: { oews: 'May 2024', ep: '2024-34' } };
  });

  const build = (bundle: SourceBundle) =>
    buildOccupationRecords({
      selected: ['oews', 'ep', 'exposure', 'epoch', 'onet'],
      ...bundle,
      careeronestop: null,
      methodology: getMethodology('2.0'),
    });

  it('gives the build stage on another worker the same records, report, rejects and releases as its own read', () => {
    const back = decodeReadOutput(encodeReadOutput(read));
    expect(back.bundle.oews!.estimates.length).toBe(read.bundle.oews!.estimates.length);
    expect(back.bundle.oews!.estimates.toArray()).toEqual(read.bundle.oews!.estimates.toArray());
    expect(back.bundle.exposure!.bySoc).toBeInstanceOf(Map);
    expect(back.bundle.onet!.jobZones.get(3)?.zone).toBe(3);
    expect(back.bundle.onet!.occupations.get('29-2072.00')).toEqual(
      read.bundle.onet!.occupations.get('29-2072.00'),
    );
    const mine = build(read.bundle);
    const theirs = build(back.bundle);
    expect(mine.records.length).toBeGreaterThan(10);
    expect(JSON.stringify(theirs.records)).toBe(JSON.stringify(mine.records));
    expect(theirs.report).toEqual(mine.report);
    expect(back.rejects.total()).toBe(read.rejects.total());
    expect(back.rejects.warnings).toEqual(read.rejects.warnings);
    expect([...back.rejects.counts]).toEqual([...read.rejects.counts]);
    expect(back.releases).toEqual(read.releases);
  });
});

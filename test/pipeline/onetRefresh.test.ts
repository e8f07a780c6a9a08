/** The O*NET source through the offline refresh: the generated archive, no-op nights, changes and faults. */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ONET_OCCUPATIONS } from '../../fixtures/figures.js';
import { onetTextFiles, onetTextZip } from '../../fixtures/generate/onetArchive.js';
import { zipEntries } from '../../fixtures/generate/zip.js';
import type { OccupationRecord } from '../../src/model/occupation.js';
import { runRescore } from '../../src/pipeline/rescore.js';
import { newRunId } from '../../src/pipeline/runContext.js';
import type { SnapshotDiff } from '../../src/store/diff.js';
import { type OfflineHarness, offlineHarness } from '../support/offlineRun.js';

const ONET_PATH = '/onet/dl_files/database/db_29_2_text.zip';

async function latestId(h: OfflineHarness): Promise<string> {
  return (await readFile(path.join(h.dir, 'snapshots', 'latest'), 'utf8')).trim();
}

async function records(h: OfflineHarness, id: string): Promise<Map<string, OccupationRecord>> {
  const text = await readFile(path.join(h.dir, 'snapshots', id, 'occupations.ndjson'), 'utf8');
  const recs = text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as OccupationRecord);
  return new Map(recs.map((r) => [r.soc, r]));
}

async function treeHash(dir: string): Promise<string> {
  const h = createHash('sha256');
  for (const name of (await readdir(dir, { recursive: true })).sort()) {
    try {
      h.update(name).update(await readFile(path.join(dir, name)));
    } catch {
      h.update(`${name}/`);
    }
  }
  return h.digest('hex');
}

/** The generated archive with files changed, dropped or renamed. */
function archiveWith(change: (files: Record<string, string>) => void): Buffer {
  const files = onetTextFiles();
  change(files);
  const text = new TextEncoder();
  return Buffer.from(
    zipEntries([
      ['db_29_2_text/', new Uint8Array(0)],
      ...Object.keys(files)
        .sort()
        .map((n) => [`db_29_2_text/${n}`, text.encode(files[n]!)] as [string, Uint8Array]),
    ]),
  );
}

describe('O*NET in the offline refresh', () => {
  let h: OfflineHarness;
  beforeEach(async () => {
    h = await offlineHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('publishes the O*NET parts from the generated archive, with provenance and attribution in the manifest', async () => {
    const summary = await h.refresh();
    expect(summary.error).toBeUndefined();
    expect(summary.status).toBe('published');
    const id = await latestId(h);
    const recs = await records(h, id);
    const mrs = recs.get('29-2072')!;
    expect(mrs.onet).toEqual({
      release: '29.2',
      onetCodes: ['29-2072.00'],
      combination: 'exact',
      title: 'Medical Records Specialists',
    });
    expect(mrs.description).toMatch(/^Compile, process, and maintain medical records/);
    expect(mrs.jobZone).toMatchObject({ zone: 3, name: 'Job Zone Three: Medium Preparation Needed' });
    expect(mrs.tasks).toHaveLength(17);
    expect(mrs.technologySkills).toHaveLength(111);
    expect(mrs.onetRelatedOccupations?.items.map((r) => r.onetCode).slice(0, 2)).toEqual([
      '31-9094.00',
      '29-9021.00',
    ]);
    expect(mrs.video).toEqual({
      url: 'https://cdn.careeronestop.org/OccVids/OccupationVideos/29-2071.00.mp4',
      source: 'careeronestop',
    });
    // "Coder" is both an O*NET alternate title and a CareerOneStop title: one entry, both sources.
    expect(mrs.alternateTitles?.find((t) => t.title === 'Coder')?.sources).toEqual(['onet', 'careeronestop']);
    expect(mrs.missing).toEqual({});

    const buyers = recs.get('13-1199')!;
    expect(buyers.onet).toMatchObject({
      combination: 'children-union',
      title: 'Business Operations Specialists, All Other',
    });
    expect(buyers.onet?.onetCodes).toEqual(['13-1199.04', '13-1199.05', '13-1199.06', '13-1199.07']);
    // zones 4, 4, 3, 4 → median 4
    expect(buyers.jobZone).toMatchObject({ zone: 4, combination: 'children-union' });
    expect(new Set(buyers.tasks?.map((t) => t.onetCode))).toEqual(new Set(buyers.onet?.onetCodes));

    const fishers = recs.get('45-3031')!;
    for (const part of [
      'onet',
      'description',
      'tasks',
      'technologySkills',
      'jobZone',
      'onetRelatedOccupations',
    ] as const) {
      expect(fishers[part]).toBeNull();
      expect(fishers.missing[part]).toBe('no O*NET occupation for 45-3031 in O*NET 29.2');
    }

    const manifest = JSON.parse(await readFile(path.join(h.dir, 'snapshots', id, 'manifest.json'), 'utf8'));
    expect(manifest.schemaVersion).toBe('1.2.0');
    expect(manifest.releases.onet).toEqual(['29.2 (February 2025)']);
    expect(manifest.sources.onet[0]).toMatchObject({ name: 'db_29_2_text.zip', license: 'CC-BY-4.0' });
    expect(manifest.sources.onet[0].attribution).toMatch(
      /O\*NET Database by the U\.S\. Department of Labor.*CC BY 4\.0/,
    );
    expect(manifest.quality.unmatched.onetNotInSnapshot).toEqual(['29-9021.00', '31-9094.00']);
    expect(manifest.quality.build.missing.description).toMatchObject({
      count: 3,
      socs: ['13-1020', '45-3031', '51-2090'],
    });
  });

  it('keeps a second run unchanged (the archive answers 304)', async () => {
    expect((await h.refresh()).status).toBe('published');
    const before = h.offline.server.requests.length;
    const second = await h.refresh();
    expect(second.status).toBe('unchanged');
    const onet = h.offline.server.requests.slice(before).filter((r) => r.path === ONET_PATH);
    expect(onet.map((r) => r.status)).toEqual([304]);
  });

  it('rebuilds the same O*NET parts and video offline in a rescore (content unchanged)', async () => {
    expect((await h.refresh()).status).toBe('published');
    await h.offline.close(); // no upstream is reachable from here on
    const summary = await runRescore(h.context(), { runId: newRunId(), from: 'latest' });
    expect(summary.error).toBeUndefined();
    expect(summary.status).toBe('unchanged');
  });

  it('publishes a diff naming the O*NET fields a changed archive changed', async () => {
    await h.refresh();
    const first = await latestId(h);
    const changed = archiveWith((files) => {
      files['Occupation Data.txt'] = files['Occupation Data.txt']!.replace(
        'Compile, process, and maintain medical records',
        'Compile, process, and keep medical records',
      );
      files['Job Zones.txt'] = files['Job Zones.txt']!.replace('29-2072.00\t3\t', '29-2072.00\t4\t');
    });
    h.offline.server.inject(ONET_PATH, { kind: 'body', body: changed, contentType: 'application/zip' });
    const summary = await h.refresh();
    expect(summary.error).toBeUndefined();
    expect(summary.status).toBe('published');
    const id = await latestId(h);
    expect(id).not.toBe(first);
    const diff = JSON.parse(
      await readFile(path.join(h.dir, 'snapshots', id, 'diff.json'), 'utf8'),
    ) as SnapshotDiff;
    expect(diff.changed.map((c) => c.soc)).toEqual(['29-2072']);
    const paths = diff.changed[0]!.changes.map((c) => c.path).sort();
    expect(paths).toEqual(expect.arrayContaining(['description', 'jobZone.zone', 'jobZone.name']));
    expect(diff.summary.fields).toMatchObject({ description: 1, jobZone: 1 });
  });

  const faults: Array<[string, () => Buffer | string, RegExp]> = [
    [
      'an archive without Task Statements.txt',
      () => archiveWith((f) => delete f['Task Statements.txt']),
      /onet: db_29_2_text\.zip lacks "Task Statements\.txt"/,
    ],
    [
      'a renamed column',
      () =>
        archiveWith((f) => {
          f['Technology Skills.txt'] = f['Technology Skills.txt']!.replace('Hot Technology', 'Hot Tech');
        }),
      /Technology Skills\.txt: header lacks column "Hot Technology"/,
    ],
    [
      'an HTML page instead of the zip',
      () => '<!DOCTYPE html><html><body>Moved</body></html>',
      /db_29_2_text\.zip/,
    ],
  ];
  for (const [what, body, message] of faults) {
    it(`fails the run and leaves latest untouched on ${what}`, async () => {
      await h.refresh();
      const id = await latestId(h);
      const before = await treeHash(path.join(h.dir, 'snapshots', id));
      h.offline.server.inject(ONET_PATH, { kind: 'body', body: body(), contentType: 'application/zip' });
      const failed = await h.refresh();
      expect(failed.status).toBe('failed');
      expect(failed.error).toMatch(message);
      expect(await latestId(h)).toBe(id);
      expect(await treeHash(path.join(h.dir, 'snapshots', id))).toBe(before);
    });
  }

  it('the generated fixture is what the offline server serves', async () => {
    const served = await readFile(path.join(import.meta.dirname, '../../fixtures/generated', ONET_PATH));
    expect(served.equals(Buffer.from(onetTextZip()))).toBe(true);
    expect(ONET_OCCUPATIONS.length).toBeGreaterThan(0);
  });
});

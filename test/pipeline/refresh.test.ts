import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OccupationRecord } from '../../src/model/occupation.js';
import { GENERATED_DIR } from '../../src/offline/offlineEnvironment.js';
import { formatSummary } from '../../src/pipeline/summary.js';
import { type OfflineHarness, offlineHarness } from '../support/offlineRun.js';

async function latestId(h: OfflineHarness): Promise<string> {
  return (await readFile(path.join(h.dir, 'snapshots', 'latest'), 'utf8')).trim();
}

async function records(h: OfflineHarness, id: string): Promise<OccupationRecord[]> {
  const text = await readFile(path.join(h.dir, 'snapshots', id, 'occupations.ndjson'), 'utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as OccupationRecord);
}

async function treeHash(dir: string): Promise<string> {
  const h = createHash('sha256');
  for (const name of (await readdir(dir, { recursive: true })).sort()) {
    const p = path.join(dir, name);
    try {
      h.update(name).update(await readFile(p));
    } catch {
      h.update(`${name}/`);
    }
  }
  return h.digest('hex');
}

describe('offline refresh (flat files, all sources)', () => {
  let h: OfflineHarness;
  beforeEach(async () => {
    h = await offlineHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('publishes one record per occupation in the union of OEWS detailed and EP line items, sorted by SOC', async () => {
    const summary = await h.refresh();
    expect(summary.error).toBeUndefined();
    expect(summary.status).toBe('published');
    const id = await latestId(h);
    expect(summary.snapshotId).toBe(id);
    const recs = await records(h, id);
    expect(recs.length).toBe(summary.occupations);
    expect(recs.map((r) => r.soc)).toEqual([...recs.map((r) => r.soc)].sort());

    const mrs = recs.find((r) => r.soc === '29-2072')!;
    expect(mrs.title).toBe('Medical Records Specialists');
    expect(mrs.wages?.release).toBe('May 2024');
    expect(mrs.wages?.national?.annual).toEqual({
      p10: 35780,
      p25: 41600,
      median: 50250,
      p75: 64070,
      p90: 80950,
      mean: 55970,
    });
    expect(mrs.wages?.national?.hourly.median).toBe(24.16);
    expect(mrs.wages?.national?.employment).toBe(187910);
    expect(Object.keys(mrs.wages?.states ?? {}).length).toBeGreaterThan(0);
    expect(mrs.projections).toMatchObject({
      release: '2024-34',
      employmentBase: 194800,
      employmentTarget: 208600,
      changePercent: 7.1,
      typicalEducation: 'Postsecondary nondegree award',
      workExperience: 'None',
      onTheJobTraining: 'None',
    });
    expect(mrs.resilience).toMatchObject({ score: 3, classification: 'AI-Augmented', tier: 2 });

    const fishers = recs.find((r) => r.soc === '45-3031')!;
    expect(fishers.wages).toBeNull();
    expect(fishers.missing.wages).toMatch(/no OEWS/);
    expect(fishers.projections).not.toBeNull();

    const obgyn = recs.find((r) => r.soc === '29-1218')!;
    expect(obgyn.wages?.national?.annual.median).toBeNull();
    expect(obgyn.wages?.national?.topCoded).toContain('annual.median');

    const manifest = JSON.parse(await readFile(path.join(h.dir, 'snapshots', id, 'manifest.json'), 'utf8'));
    const oewsFiles = manifest.sources.oews as Array<Record<string, unknown>>;
    expect(oewsFiles.map((f) => f.name)).toContain('oe.data.0.Current');
    for (const f of oewsFiles) {
      expect(f.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(f.release).toBe('May 2024');
      expect(f.etag ?? f.lastModified).toBeTruthy();
      expect(f.fetchedAt).toBeTruthy();
    }
    expect(manifest.quality.build.missing.wages.count).toBeGreaterThanOrEqual(1);
  });

  it('re-downloads nothing on a second run with unchanged upstream files (304s) and reports unchanged', async () => {
    const first = await h.refresh();
    expect(first.status).toBe('published');
    const before = h.offline.server.requests.length;
    const second = await h.refresh();
    expect(second.status).toBe('unchanged');
    expect(second.downloadedBytes).toBe(0);
    const blsRequests = h.offline.server.requests.slice(before).filter((r) => r.path.startsWith('/bls/'));
    expect(blsRequests.length).toBeGreaterThan(0);
    expect(blsRequests.every((r) => r.status === 304)).toBe(true);
  });

  it('leaves latest and its files untouched when a run fails (an HTML page served instead of the EP workbook)', async () => {
    await h.refresh();
    const id = await latestId(h);
    const before = await treeHash(path.join(h.dir, 'snapshots', id));
    h.offline.server.inject('/bls/emp/ind-occ-matrix/occupation.xlsx', { kind: 'html200' });
    const failed = await h.refresh({}, {});
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/occupation\.xlsx/);
    expect(await latestId(h)).toBe(id);
    expect(await treeHash(path.join(h.dir, 'snapshots', id))).toBe(before);
  });

  it('rejects a row with a non-numeric wage, reports it, and publishes the rest below the threshold', async () => {
    const dataPath = path.join(GENERATED_DIR, 'bls/pub/time.series/oe/oe.data.0.Current');
    const original = await readFile(dataPath, 'utf8');
    const lines = original.split('\n');
    const i = lines.findIndex((l) => l.startsWith('OEUN000000000000029207213'));
    expect(i).toBeGreaterThan(0);
    const cells = lines[i]!.split('\t');
    cells[3] = 'abc';
    lines[i] = cells.join('\t');
    h.offline.server.inject('/bls/pub/time.series/oe/oe.data.0.Current', {
      kind: 'body',
      body: lines.join('\n'),
      contentType: 'text/plain',
    });
    const summary = await h.refresh({ MAX_REJECTED_SHARE: '0.05' });
    expect(summary.status).toBe('published');
    expect(summary.rejectedRows).toBe(1);
    const reject = summary.quality.rejects[0]!;
    expect(reject).toMatchObject({ source: 'oews', file: 'oe.data.0.Current', row: i + 1 });
    expect(reject.got).toContain('abc');
    const recs = await records(h, summary.snapshotId!);
    const mrs = recs.find((r) => r.soc === '29-2072')!;
    expect(mrs.wages?.national?.annual.median).toBeNull();
    // The snapshot says why: refused upstream row, not a figure BLS withheld.
    expect(mrs.wages?.national?.rejected).toEqual(['annual.median']);
    expect(mrs.wages?.national?.notAvailable).not.toContain('annual.median');
    expect(mrs.careerProgression?.find((l) => l.percentile === 50)?.annual).toBeNull();
  });

  it('reads the yearly workbooks (national, state, metro) when OEWS_FORMAT=xlsx', async () => {
    const summary = await h.refresh({ OEWS_FORMAT: 'xlsx' });
    expect(summary.error).toBeUndefined();
    expect(summary.status).toBe('published');
    const recs = await records(h, summary.snapshotId!);
    const mrs = recs.find((r) => r.soc === '29-2072')!;
    expect(mrs.wages?.national?.annual.median).toBe(50250);
    expect(Object.keys(mrs.wages?.areas ?? {}).length).toBeGreaterThan(0);
  });

  it('limits a run to the sources given, explaining the parts it did not load', async () => {
    const summary = await h.refresh({ SOURCES: 'ep' });
    expect(summary.status).toBe('published');
    const recs = await records(h, summary.snapshotId!);
    expect(recs.every((r) => r.wages === null && /not selected/.test(r.missing.wages ?? ''))).toBe(true);
    expect(recs.some((r) => r.soc === '45-3031')).toBe(true);
  });
});

describe('quality gates in a refresh', () => {
  let h: OfflineHarness;
  beforeEach(async () => {
    h = await offlineHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('blocks a candidate whose median wages shift too much, keeps latest, and publishes with force', async () => {
    const first = await h.refresh();
    expect(first.status).toBe('published');
    const dataPath = path.join(GENERATED_DIR, 'bls/pub/time.series/oe/oe.data.0.Current');
    const lines = (await readFile(dataPath, 'utf8')).split('\n');
    const i = lines.findIndex((l) => l.startsWith('OEUN000000000000029207213'));
    const cells = lines[i]!.split('\t');
    cells[3] = '63500'; // 29-2072's median moves 26 %, still below its p75
    lines[i] = cells.join('\t');
    h.offline.server.inject(
      '/bls/pub/time.series/oe/oe.data.0.Current',
      { kind: 'body', body: lines.join('\n') },
      2,
    );
    const blocked = await h.refresh({ GATE_MAX_WAGE_SHIFT_SHARE: '0.01' });
    expect(blocked.status).toBe('blocked');
    expect(blocked.snapshotId).toBe(first.snapshotId);
    expect(await latestId(h)).toBe(first.snapshotId);
    expect(formatSummary(blocked, 'var/snapshots')).toMatch(/gate failed: .*median/i);

    const forced = await h.refresh({ GATE_MAX_WAGE_SHIFT_SHARE: '0.01' }, { force: true });
    expect(forced.status).toBe('published');
    const manifest = JSON.parse(
      await readFile(path.join(h.dir, 'snapshots', forced.snapshotId!, 'manifest.json'), 'utf8'),
    );
    expect(manifest.forced).toBe(true);
  });
});

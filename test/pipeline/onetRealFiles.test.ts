/**
 * The record for 29-2072 built from the real O*NET 29.2 files (../shared/data/onet), zipped the way
 * O*NET serves them and fetched through a file:// ONET_URL, with the rest of the offline fixtures.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OccupationRecord } from '../../src/model/occupation.js';
import { type OfflineHarness, offlineHarness } from '../support/offlineRun.js';
import { SHARED_ONET, zipOnetFolder } from '../support/onetArchive.js';

/** The lines of a real O*NET file for one code, split into cells. */
function rowsOf(file: string, code: string): string[][] {
  return readFileSync(path.join(SHARED_ONET, file), 'utf8')
    .split(/\r\n|\n|\r/)
    .filter((l) => l.startsWith(`${code}\t`))
    .map((l) => l.split('\t'));
}

describe.skipIf(!existsSync(SHARED_ONET))('O*NET 29.2 real files through the refresh', () => {
  let h: OfflineHarness;
  let recs: Map<string, OccupationRecord>;
  beforeAll(async () => {
    h = await offlineHarness();
    const zip = zipOnetFolder(SHARED_ONET);
    const summary = await h.refresh({ ONET_URL: pathToFileURL(zip).href });
    expect(summary.error).toBeUndefined();
    expect(summary.status).toBe('published');
    const id = (await readFile(path.join(h.dir, 'snapshots', 'latest'), 'utf8')).trim();
    const text = await readFile(path.join(h.dir, 'snapshots', id, 'occupations.ndjson'), 'utf8');
    recs = new Map(
      text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as OccupationRecord)
        .map((r) => [r.soc, r]),
    );
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it('gives 29-2072 the figures of docs/real-files.md', () => {
    const mrs = recs.get('29-2072')!;
    expect(mrs.onet).toEqual({
      release: '29.2',
      onetCodes: ['29-2072.00'],
      combination: 'exact',
      title: 'Medical Records Specialists',
    });
    expect(mrs.description).toMatch(
      /^Compile, process, and maintain medical records of hospital and clinic patients/,
    );
    expect(mrs.jobZone).toMatchObject({ zone: 3, name: 'Job Zone Three: Medium Preparation Needed' });
    expect(mrs.jobZone?.education).toMatch(/\S/);
    expect(mrs.tasks).toHaveLength(17);
    expect(mrs.tasks?.every((t) => t.onetCode === '29-2072.00' && /^\d+$/.test(t.taskId))).toBe(true);
    const tech = mrs.technologySkills!;
    expect(tech).toHaveLength(111);
    expect(tech.filter((t) => t.hot)).toHaveLength(24);
    expect(tech.filter((t) => t.category === 'Medical software')).toHaveLength(40);
    // An earlier description of these files said none are In Demand; the 29.2 file marks these five "Y".
    expect(
      tech
        .filter((t) => t.inDemand)
        .map((t) => t.example)
        .sort(),
    ).toEqual([
      'Epic Systems',
      'Microsoft Excel',
      'Microsoft Office software',
      'Microsoft Outlook',
      'Microsoft Word',
    ]);
    // Sorted by category, then example.
    const keys = tech.map((t) => `${t.category}\u0000${t.example}`);
    expect(keys).toEqual([...keys].sort());
    const related = mrs.onetRelatedOccupations!;
    expect(related.source).toBe('onet');
    expect(related.items).toHaveLength(20);
    expect(related.items[0]).toMatchObject({
      soc: '31-9094',
      onetCode: '31-9094.00',
      tier: 'Primary-Short',
      index: 1,
    });
    expect(related.items[1]?.onetCode).toBe('29-9021.00');
    // CareerOneStop's list stays beside it.
    expect(mrs.relatedOccupations).toHaveLength(8);
  });

  it('merges the 53 alternate and 8 reported titles with CareerOneStop’s, without case-insensitive duplicates', () => {
    const mrs = recs.get('29-2072')!;
    const titles = mrs.alternateTitles!;
    const lower = titles.map((t) => t.title.toLowerCase());
    expect(new Set(lower).size).toBe(lower.length);
    const alternate = rowsOf('Alternate Titles.txt', '29-2072.00').map((r) => r[1]!);
    const reported = rowsOf('Sample of Reported Titles.txt', '29-2072.00').map((r) => r[1]!);
    expect(alternate).toHaveLength(53);
    expect(reported).toHaveLength(8);
    const has = (title: string, source: string) =>
      titles.find((t) => t.title.toLowerCase() === title.toLowerCase())?.sources.includes(source as never);
    for (const t of alternate) expect(has(t, 'onet'), t).toBe(true);
    for (const t of reported) expect(has(t, 'onet-reported'), t).toBe(true);
    for (const t of mrs.alsoKnownAs!) expect(has(t, 'careeronestop'), t).toBe(true);
    const distinct = new Set([...alternate, ...reported, ...mrs.alsoKnownAs!].map((t) => t.toLowerCase()));
    expect(titles).toHaveLength(distinct.size);
    expect(titles.find((t) => t.title === 'Coder')?.sources).toEqual([
      'onet',
      'onet-reported',
      'careeronestop',
    ]);
  });

  it('combines the children of 13-1199, which has no data under 13-1199.00', () => {
    const r = recs.get('13-1199')!;
    expect(r.onet).toEqual({
      release: '29.2',
      onetCodes: ['13-1199.04', '13-1199.05', '13-1199.06', '13-1199.07'],
      combination: 'children-union',
      title: 'Business Operations Specialists, All Other',
    });
    // Children's zones 4, 4, 4, 4 → 4.
    expect(r.jobZone).toMatchObject({ zone: 4, combination: 'children-union' });
    const expectedTasks = r.onet!.onetCodes.flatMap((c) => rowsOf('Task Statements.txt', c));
    expect(r.tasks).toHaveLength(expectedTasks.length);
    expect(new Set(r.tasks!.map((t) => t.onetCode))).toEqual(new Set(r.onet!.onetCodes));
  });
});

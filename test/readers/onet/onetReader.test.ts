import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { onetTextFiles } from '../../../fixtures/generate/onetArchive.js';
import { parseReadMe, readOnetArchive } from '../../../src/readers/onet/onetReader.js';
import { RejectCollector } from '../../../src/validate/rejects.js';
import { SHARED_ONET, zipOnetFolder } from '../../support/onetArchive.js';

describe.skipIf(!existsSync(SHARED_ONET))('O*NET reader on the real 29.2 files (../shared/data/onet)', () => {
  it('reads 29-2072.00 with the figures of docs/real-files.md and the release from Read Me.txt', async () => {
    const rejects = new RejectCollector();
    const data = await readOnetArchive({ path: zipOnetFolder(SHARED_ONET) }, rejects);
    expect(data.release).toBe('29.2');
    expect(data.releaseDate).toBe('February 2025');
    expect(data.occupations.size).toBe(1016);
    expect([...data.occupations.keys()].filter((c) => c.endsWith('.00'))).toHaveLength(867);
    expect(rejects.total()).toBe(0);
    const mrs = data.occupations.get('29-2072.00')!;
    expect(mrs.title).toBe('Medical Records Specialists');
    expect(mrs.description).toMatch(
      /^Compile, process, and maintain medical records of hospital and clinic patients/,
    );
    expect(mrs.jobZone).toBe(3);
    expect(data.jobZones.get(3)?.name).toBe('Job Zone Three: Medium Preparation Needed');
    expect(mrs.alternateTitles).toHaveLength(53);
    expect(mrs.alternateTitles.map((t) => t.title)).toEqual(
      expect.arrayContaining(['Certified Coding Specialist', 'Coder', 'Medical Biller Coder']),
    );
    expect(mrs.reportedTitles).toHaveLength(8);
    expect(mrs.technologySkills).toHaveLength(111);
    expect(mrs.technologySkills.filter((t) => t.commodityTitle === 'Medical software')).toHaveLength(40);
    expect(mrs.technologySkills.filter((t) => t.hot)).toHaveLength(24);
    expect(mrs.technologySkills.filter((t) => t.hot).map((t) => t.example)).toEqual(
      expect.arrayContaining(['Epic Systems', 'MEDITECH software']),
    );
    // An earlier description of these files said "none In Demand", but the published file marks five
    // rows of 29-2072.00 "Y" in its "In Demand" column: the reader reports what the file says.
    expect(
      mrs.technologySkills
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
    expect(mrs.tasks).toHaveLength(17);
    expect(mrs.related).toHaveLength(20);
    expect(mrs.related.slice(0, 2)).toEqual([
      { code: '31-9094.00', tier: 'Primary-Short', index: 1 },
      { code: '29-9021.00', tier: 'Primary-Short', index: 2 },
    ]);
  });

  it('reads the same data whatever the line ends (LF, lone CR) and without the "In Demand" column', async () => {
    const toLf = (t: string) => t.replace(/\r\n/g, '\n');
    const toCr = (t: string) => t.replace(/\r\n/g, '\r');
    const dropInDemand = (t: string) =>
      t
        .split('\r\n')
        .map((l) => l.split('\t').slice(0, 5).join('\t'))
        .join('\r\n');
    const rejects = new RejectCollector();
    const data = await readOnetArchive(
      {
        path: zipOnetFolder(SHARED_ONET, {
          edit: {
            'Task Statements.txt': toLf,
            'Alternate Titles.txt': toCr,
            'Technology Skills.txt': (t) => toCr(dropInDemand(t)),
          },
        }),
      },
      rejects,
    );
    expect(rejects.total()).toBe(0);
    const mrs = data.occupations.get('29-2072.00')!;
    expect(mrs.tasks).toHaveLength(17);
    expect(mrs.alternateTitles).toHaveLength(53);
    expect(mrs.technologySkills).toHaveLength(111);
    expect(mrs.technologySkills.every((t) => t.inDemand === null)).toBe(true);
  });
});

describe('O*NET reader faults', () => {
  it('names the release lines it could not find in Read Me.txt', () => {
    expect(parseReadMe('O*NET 30.1 Database\nNovember 2025 Release\n')).toEqual({
      release: '30.1',
      releaseDate: 'November 2025',
    });
    expect(() => parseReadMe('hello')).toThrow(/Read Me\.txt does not name the release/);
  });
});

describe('O*NET reader rows', () => {
  it('reports a bad row with file, line, field, expected and got, and keeps the rest', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'onet-rows-'));
    const files = onetTextFiles();
    files['Job Zones.txt'] = files['Job Zones.txt']!.replace('29-2072.00\t3\t', '29-2072.00\t7\t');
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
    const rejects = new RejectCollector();
    const data = await readOnetArchive({ path: zipOnetFolder(dir) }, rejects);
    const line = files['Job Zones.txt']!.split('\r\n').findIndex((l) => l.startsWith('29-2072.00')) + 1;
    expect(rejects.rejects).toEqual([
      {
        source: 'onet',
        file: 'Job Zones.txt',
        row: line,
        field: 'jobZone',
        expected: 'a job zone 1–5',
        got: '"7"',
        reason: 'invalid jobZone',
      },
    ]);
    expect(data.occupations.get('29-2072.00')?.jobZone).toBeNull();
    expect(data.occupations.get('29-1141.00')?.jobZone).toBe(3);
  });

  it('refuses a file that is not a zip, naming it', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'onet-html-')), 'db_29_2_text.zip');
    writeFileSync(file, '<!DOCTYPE html><html></html>');
    await expect(readOnetArchive({ path: file }, new RejectCollector())).rejects.toThrow(
      /onet: db_29_2_text\.zip: expected the O\*NET text release as a zip/,
    );
  });
});

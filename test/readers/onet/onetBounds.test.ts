import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { onetTextFiles } from '../../../fixtures/generate/onetArchive.js';
import { readOnetArchive } from '../../../src/readers/onet/onetReader.js';
import { DEFAULT_READ_LIMITS } from '../../../src/readers/readLimits.js';
import { RejectCollector } from '../../../src/validate/rejects.js';
import { zipOnetFolder } from '../../support/onetArchive.js';

/** The fixture text files, with `name` replaced by `bytes`, zipped as O*NET serves them. */
function archiveWith(name: string, bytes: (text: string) => Buffer): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'onet-bounds-'));
  for (const [file, text] of Object.entries(onetTextFiles())) {
    writeFileSync(path.join(dir, file), file === name ? bytes(text) : text);
  }
  return zipOnetFolder(dir);
}

const LATIN1_E_ACUTE = Buffer.from([0xe9]); // "é" in latin1: not UTF-8 on its own

describe('O*NET reader bounds and encoding', () => {
  it('rejects a row whose bytes are not UTF-8 instead of publishing U+FFFD, and keeps the others', async () => {
    const file = archiveWith('Occupation Data.txt', (text) => {
      const [head, tail] = text.split('Medical Records Specialists');
      return Buffer.concat([
        Buffer.from(`${head}Medical Records Sp`),
        LATIN1_E_ACUTE,
        Buffer.from(`cialists${tail}`),
      ]);
    });
    const rejects = new RejectCollector();
    const data = await readOnetArchive({ path: file }, rejects);
    expect(rejects.rejects).toEqual([
      expect.objectContaining({
        source: 'onet',
        file: 'Occupation Data.txt',
        field: '(row)',
        expected: 'UTF-8 text',
        reason: 'invalid encoding',
      }),
    ]);
    expect(JSON.stringify([...data.occupations.values()])).not.toContain('\uFFFD');
    expect(data.occupations.get('29-1141.00')?.title).toBe('Registered Nurses');
  });

  it('fails the file when its header is not UTF-8, naming the file', async () => {
    const file = archiveWith('Job Zones.txt', (text) =>
      Buffer.concat([
        Buffer.from('O*NET-SOC Code\tJob Zone'),
        LATIN1_E_ACUTE,
        Buffer.from(text.slice(text.indexOf('\t', 15))),
      ]),
    );
    await expect(readOnetArchive({ path: file }, new RejectCollector())).rejects.toThrow(
      /Job Zones\.txt: the header \(line 1\) is not valid UTF-8/,
    );
  });

  it('refuses a line longer than READ_MAX_LINE_BYTES without gathering it whole', async () => {
    const file = archiveWith('Task Statements.txt', (text) =>
      Buffer.from(`${text}29-2072.00\t${'x'.repeat(600_000)}`),
    );
    const limits = { ...DEFAULT_READ_LIMITS, maxLineBytes: 100_000 };
    await expect(readOnetArchive({ path: file }, new RejectCollector(), limits)).rejects.toThrow(
      /onet: Task Statements\.txt: .*exceeds the limit of 100000 \(READ_MAX_LINE_BYTES/,
    );
  });

  it('refuses an entry that declares more than ZIP_MAX_ENTRY_BYTES before inflating it', async () => {
    const file = archiveWith('Task Statements.txt', (text) => Buffer.from(text));
    const limits = { ...DEFAULT_READ_LIMITS, maxZipEntryBytes: 1_000 };
    await expect(readOnetArchive({ path: file }, new RejectCollector(), limits)).rejects.toThrow(
      /ZIP_MAX_ENTRY_BYTES/,
    );
  });
});

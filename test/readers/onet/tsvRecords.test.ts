import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { tsvRecordBatches } from '../../../src/readers/onet/tsvRecords.js';

async function records(bytes: Buffer, chunk: number): Promise<string[][]> {
  const pieces: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunk) pieces.push(bytes.subarray(i, i + chunk));
  const out: string[][] = [];
  for await (const batch of tsvRecordBatches(Readable.from(pieces))) out.push(...batch);
  return out;
}

describe('tab-separated records in whole-line batches', () => {
  it('gives one record per line whatever the line ends and wherever the chunks split them', async () => {
    const ends = ['\r\n', '\n', '\r'];
    const lines = Array.from({ length: 20_000 }, (_, i) => [
      `29-2072.00`,
      `Title "${i}" 12" ruler`,
      String(i),
    ]);
    let text = '\uFEFFcode\ttitle\tn\r\n';
    lines.forEach((cells, i) => {
      text += cells.join('\t') + ends[i % 3];
    });
    const bytes = Buffer.from(text, 'utf8');
    expect(bytes.length).toBeGreaterThan(3 * 256 * 1024);
    for (const chunk of [1, 4093, 65_536]) {
      const got = await records(bytes, chunk);
      expect(got[0]).toEqual(['code', 'title', 'n']);
      expect(got.slice(1)).toEqual(lines);
    }
  });

  it('passes empty lines through as [""] so line numbers stay right', async () => {
    const got = await records(Buffer.from('a\tb\r\n\r\nc\td\n'), 3);
    expect(got).toEqual([['a', 'b'], [''], ['c', 'd']]);
  });
});

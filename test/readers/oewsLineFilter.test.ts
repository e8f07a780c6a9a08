import { parse as parseSync } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { LineQueue } from '../../src/readers/lineQueue.js';
import { BLS_TSV_OPTIONS } from '../../src/readers/oewsFlatFileMeta.js';
import { SeriesLineFilter } from '../../src/readers/oewsLineFilter.js';
import { datatypeMask, PUBLISHED_DATATYPES } from '../../src/readers/oewsSeriesId.js';

describe('SeriesLineFilter', () => {
  const header = 'series_id                     \tyear\tperiod\t       value\tfootnote_codes';
  const lines = [
    header,
    'OEUN000000000000029207213     \t2024\tA01\t       50250\t',
    'OEUN000000062110029207213     \t2024\tA01\t       61000\t',
    '',
    'OEUN000000000000029207202     \t2024\tA01\t         1.9\t',
    'OEUN000000000000029207201     \t2024\tA01\t      187910\t',
    'bad line',
    'OEUN000000000000029207212     \t2024\tA01\t       41600\t',
  ];

  function run(text: string, chunkSize: number) {
    const queue = new LineQueue();
    const filter = new SeriesLineFilter(datatypeMask(PUBLISHED_DATATYPES), queue);
    const chunks: Buffer[] = [];
    const bytes = Buffer.from(text, 'latin1');
    for (let i = 0; i < bytes.length; i += chunkSize) chunks.push(bytes.subarray(i, i + chunkSize));
    const out: Buffer[] = [];
    for (const c of chunks) {
      const kept = filter.filterChunk(c);
      if (kept) out.push(kept);
    }
    const rest = filter.filterRest();
    if (rest) out.push(Buffer.from(rest));
    const numbers: number[] = [];
    for (let n = queue.shift(); n !== undefined; n = queue.shift()) numbers.push(n);
    return { text: Buffer.concat(out).toString('latin1'), numbers, lines: filter.lines };
  }

  /** A data line without the spaces padding its cells (what the filter passes on). */
  const unpadded = (line: string) =>
    line
      .split('\t')
      .map((cell) => cell.replace(/^ +| +$/g, ''))
      .join('\t');
  const passed = [lines[0]!, ...[lines[1]!, lines[5]!, lines[6]!, lines[7]!].map(unpadded)];

  it.each([1, 7, 64, 1 << 20])(
    'passes the header and wanted lines with their line numbers, whatever the chunk size (%i)',
    async (size) => {
      const r = run(lines.join('\n'), size);
      expect(r.text).toBe(passed.join('\n'));
      expect(r.numbers).toEqual([1, 2, 6, 7, 8]);
      expect(r.lines).toBe(8);
    },
  );

  it('keeps CRLF line ends intact', async () => {
    const r = run(lines.join('\r\n') + '\r\n', 5);
    expect(r.text).toBe(passed.join('\r\n') + '\r\n');
    expect(r.numbers).toEqual([1, 2, 6, 7, 8]);
  });

  it('drops only cell padding: csv-parse gives the same records as for the padded lines', async () => {
    const padded = [
      lines[0]!,
      lines[1]!,
      '  OEUN000000000000029207203   \t 2024 \tA01\t   -  \t 5 , 8 ',
      'OEUN000000000000029207204\t2024\tA01\t  12 345  \t',
    ].join('\n');
    const r = run(padded, 4);
    expect(r.text.length).toBeLessThan(padded.length);
    expect(parseSync(r.text, BLS_TSV_OPTIONS)).toEqual(parseSync(padded, BLS_TSV_OPTIONS));
  });

  it('passes every non-blank line when series_id is not the first column', async () => {
    const reordered = [
      'year\tseries_id\tvalue\tfootnote_codes',
      '2024\tOEUN000000062110029207213\t1\t',
      '',
      '2024\tx\t2\t',
    ];
    const r = run(reordered.join('\n'), 3);
    expect(r.text).toBe([reordered[0], reordered[1], reordered[3]].join('\n'));
    expect(r.numbers).toEqual([1, 2, 4]);
  });
});

/**
 * Baseline (a), the ceiling of the chosen parser: csv-parse over the whole file with the reader's
 * own options (BLS_TSV_OPTIONS) and read size, every record discarded.
 */
import { createReadStream } from 'node:fs';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse';
import { BLS_TSV_OPTIONS } from '../../src/readers/oewsFlatFileMeta.js';
import { reportResult } from '../lib/report.js';

const file = process.argv[2]!;
const t0 = performance.now();
let records = 0;
let bytes = 0;
const source = createReadStream(file, { highWaterMark: 1 << 20 });
source.on('data', (chunk) => {
  bytes += chunk.length;
});
await pipeline(
  source,
  parse(BLS_TSV_OPTIONS),
  new Writable({
    objectMode: true,
    write(_record, _enc, cb) {
      records++;
      cb();
    },
  }),
);
reportResult({ ms: performance.now() - t0, bytes, rows: Math.max(0, records - 1) });

/** Baseline (b), the ceiling of the machine: read the bytes and count newlines, nothing else. */
import { createReadStream } from 'node:fs';
import { reportResult } from '../lib/report.js';

const file = process.argv[2]!;
const t0 = performance.now();
let bytes = 0;
let newlines = 0;
for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
  bytes += chunk.length;
  let pos = chunk.indexOf(10);
  while (pos !== -1) {
    newlines++;
    pos = chunk.indexOf(10, pos + 1);
  }
}
reportResult({ ms: performance.now() - t0, bytes, rows: Math.max(0, newlines - 1) });

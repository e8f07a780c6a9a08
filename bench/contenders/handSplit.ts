/**
 * Context only (no goal): a hand-written splitter over the same file — lines on `\n`, cells on
 * `\t`, each cell trimmed into a string — to show what a parser with no options could reach.
 */
import { createReadStream } from 'node:fs';
import { reportResult } from '../lib/report.js';

const file = process.argv[2]!;
const t0 = performance.now();
let bytes = 0;
let rows = 0;
let cells = 0;
let carry = '';
for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
  bytes += chunk.length;
  const text = carry + chunk.toString('latin1');
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    if (nl === -1) break;
    const fields = text.slice(start, nl).split('\t');
    for (const f of fields) if (f.trim().length > 0) cells++;
    rows++;
    start = nl + 1;
  }
  carry = text.slice(start);
}
if (carry.length > 0) rows++;
reportResult({ ms: performance.now() - t0, bytes, rows: Math.max(0, rows - 1), cells });

/**
 * The project's OEWS flat-file reader over a generated `oe` folder: parse, decode, validate, keep,
 * called as the pipeline calls it (src/sources/oews.ts: the groups the snapshot publishes). Also reports the heap the kept estimates occupy (after a GC, with and without the result held),
 * so peak RSS can be split into streaming cost and output.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { PUBLISHED_GROUPS, readOewsFlatFiles } from '../../src/readers/oewsFlatFileReader.js';
import { RejectCollector } from '../../src/validate/rejects.js';
import { reportResult } from '../lib/report.js';

const dir = process.argv[2]!;
const dataPath = path.join(dir, 'oe.data.0.Current');
const gc = (globalThis as { gc?: () => void }).gc;
const heap = () => {
  gc?.();
  return process.memoryUsage().heapUsed;
};

/** Read once; the result lives only in this frame, so the heap can be measured without it after. */
async function read() {
  const rejects = new RejectCollector();
  const t0 = performance.now();
  const result = await readOewsFlatFiles(
    {
      dataPath,
      occupationPath: path.join(dir, 'oe.occupation'),
      areaPath: path.join(dir, 'oe.area'),
      releasePath: path.join(dir, 'oe.release'),
    },
    rejects,
    { groups: PUBLISHED_GROUPS },
  );
  const ms = performance.now() - t0;
  const maxRssDuringReadKiB = process.resourceUsage().maxRSS;
  return {
    ms,
    maxRssDuringReadKiB,
    heapWithResult: heap(),
    rows: result.stats.lines,
    stats: result.stats,
    estimates: result.estimates.length,
    rejected: rejects.total(),
  };
}

const heapBefore = heap();
const { heapWithResult, ...outcome } = await read();
const heapAfter = heap();
reportResult({
  ...outcome,
  bytes: statSync(dataPath).size,
  resultHeapBytes: Math.max(0, heapWithResult - heapAfter),
  baseHeapBytes: heapBefore,
});

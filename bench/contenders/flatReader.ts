/**
 * The project's OEWS flat-file reader over a generated `oe` folder: parse, decode, validate, keep,
 * called as the pipeline calls it (src/sources/oews.ts: the groups the snapshot publishes). Also reports the memory the kept estimates occupy (heap plus array buffers after a GC, with the
 * result held, less the same before the read), so peak RSS can be split into streaming cost and output.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { PUBLISHED_GROUPS, readOewsFlatFiles } from '../../src/readers/oewsFlatFileReader.js';
import { RejectCollector } from '../../src/validate/rejects.js';
import { peakRssKiB } from '../lib/peakRssKiB.js';
import { reportResult } from '../lib/report.js';

const dir = process.argv[2]!;
const dataPath = path.join(dir, 'oe.data.0.Current');
const gc = (globalThis as { gc?: () => void }).gc;
/** JS heap plus ArrayBuffers: the estimate table keeps its figures in typed arrays, off the heap. */
const heap = () => {
  gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
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
  const maxRssDuringReadKiB = peakRssKiB();
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
reportResult({
  ...outcome,
  bytes: statSync(dataPath).size,
  // Against the heap before the read: array buffers are released lazily after a GC, so "after"
  // could still count the dropped result.
  resultHeapBytes: Math.max(0, heapWithResult - heapBefore),
  baseHeapBytes: heapBefore,
});

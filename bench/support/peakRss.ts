/**
 * Preloaded (`node --import`) into every benchmarked process: when the process exits, however it
 * exits, write its peak RSS (KiB, see peakRssKiB) to BENCH_RSS_FILE.
 */
import { writeFileSync } from 'node:fs';
import { peakRssKiB } from '../lib/peakRssKiB.js';

const file = process.env.BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    try {
      writeFileSync(file, JSON.stringify({ maxRssKiB: peakRssKiB() }));
    } catch {}
  });
}

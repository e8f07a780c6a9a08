/**
 * Preloaded (`node --import`) into every benchmarked process: when the process exits, however it
 * exits, write its peak RSS (KiB, `process.resourceUsage().maxRSS`) to BENCH_RSS_FILE.
 */
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    try {
      writeFileSync(file, JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS }));
    } catch {}
  });
}

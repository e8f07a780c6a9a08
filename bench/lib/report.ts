/**
 * What a contender process prints: its result as the last stdout line, prefixed `BENCH_RESULT `,
 * with its own peak RSS. Imports nothing beyond node:fs so it adds nothing to the memory it measures.
 */
import { peakRssKiB } from './peakRssKiB.js';

export const RESULT_PREFIX = 'BENCH_RESULT ';

export function reportResult(result: object): void {
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify({ ...result, maxRssKiB: peakRssKiB() })}\n`);
}

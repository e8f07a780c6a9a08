/**
 * What a contender process prints: its result as the last stdout line, prefixed `BENCH_RESULT `,
 * with its own peak RSS. Kept free of imports so it adds nothing to the memory it measures.
 */
export const RESULT_PREFIX = 'BENCH_RESULT ';

export function reportResult(result: object): void {
  process.stdout.write(
    `${RESULT_PREFIX}${JSON.stringify({ ...result, maxRssKiB: process.resourceUsage().maxRSS })}\n`,
  );
}

/** Run-level checks over what the readers kept and rejected (pure). */
import type { Config } from '../config.js';
import { ValidationError } from '../errors.js';
import type { OewsReadResult } from '../readers/oewsTypes.js';
import type { RejectCollector } from '../validate/rejects.js';

/** A source whose rejected share exceeds MAX_REJECTED_SHARE fails the run, naming the top reasons. */
export function checkRejectionThresholds(
  rejects: RejectCollector,
  config: Pick<Config, 'MAX_REJECTED_SHARE'>,
): void {
  const failures: string[] = [];
  for (const [source, c] of rejects.counts) {
    if (c.read === 0) continue;
    const share = c.rejected / c.read;
    if (share > config.MAX_REJECTED_SHARE) {
      const reasons = Object.entries(c.byReason)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 3)
        .map(([r, n]) => `${r} ×${n}`)
        .join('; ');
      failures.push(
        `${source}: ${c.rejected} of ${c.read} rows rejected (${(share * 100).toFixed(1)} %, limit ${(config.MAX_REJECTED_SHARE * 100).toFixed(1)} %): ${reasons}`,
      );
    }
  }
  if (failures.length > 0) {
    throw new ValidationError(`Too many rejected rows:\n  ${failures.join('\n  ')}`, failures.join(', '));
  }
}

/**
 * A national release with far fewer detailed occupations than expected is a broken or partial file
 * (BLS publishes ~830): fail rather than publish a thin snapshot.
 */
export function checkExpectedCounts(
  oews: OewsReadResult,
  expected: { minDetailed: number; previousCount: number | null },
): void {
  const table = oews.estimates;
  let national = 0;
  for (let i = 0; i < table.length; i++)
    if (table.areaType(i) === 'national' && table.group(i) === 'detailed') national++;
  if (national === 0 && table.length > 0) return; // state/metro-only load: nothing national to count
  if (national < expected.minDetailed) {
    throw new ValidationError(
      `oews: the national ${oews.release} data has ${national} detailed occupations; expected at least ${expected.minDetailed} (MIN_DETAILED_OCCUPATIONS). Is the file complete?`,
      'oews',
      { detailed: national },
    );
  }
  if (expected.previousCount !== null && national < expected.previousCount * 0.8) {
    throw new ValidationError(
      `oews: the national ${oews.release} data has ${national} detailed occupations, far fewer than the ${expected.previousCount} of the previous snapshot`,
      'oews',
      { detailed: national, previous: expected.previousCount },
    );
  }
}

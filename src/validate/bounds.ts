/**
 * What a figure or a text can plausibly be, applied by every reader's row schema so that an absurd
 * value rejects its row (with the reason) instead of being published or failing the whole run late
 * at the candidate check. The limits are documented in the README ("Plausible values").
 */

/**
 * Persons: the whole U.S. employs about 170 M (with the self-employed). No occupation, area or
 * projection can exceed this; it also keeps every count a safe integer.
 */
export const EMPLOYMENT_CEILING = 500_000_000;

/**
 * An OEWS mean is never top-coded and may exceed the top code (OB/GYN: $281,130 over $239,200),
 * but not by this factor.
 */
export const MEAN_TOP_CODE_FACTOR = 4;

/** Employment change, percent (EP): a decline cannot pass −100 %; growth beyond 1,000 % is no projection. */
export const CHANGE_PERCENT_RANGE = [-100, 1_000] as const;

export const TITLE_MAX_LENGTH = 200;

/** Letters, digits, punctuation, symbols and spaces: no control characters, no U+FFFD. */
const TITLE_CHARACTERS = /^[\p{L}\p{M}\p{N}\p{P}\p{S}\p{Zs}]+$/u;

/** Why a title (occupation or area name) is not plausible, or null when it is. */
export function titleProblem(text: string): string | null {
  if (text.length > TITLE_MAX_LENGTH) return `at most ${TITLE_MAX_LENGTH} characters (got ${text.length})`;
  if (text.includes('\uFFFD')) return 'no U+FFFD replacement characters (the file was not valid text)';
  if (!TITLE_CHARACTERS.test(text))
    return 'letters, digits, punctuation and spaces only (no control characters)';
  return null;
}

/** True for a count of persons: a safe integer in 0 … EMPLOYMENT_CEILING. */
export function plausibleEmployment(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0 && n <= EMPLOYMENT_CEILING;
}

export type WageSide = 'annual' | 'hourly';

/**
 * Why a wage figure is not plausible for a release with this top code, or null. Percentiles above
 * the top code are published as `#` / footnote 5, never as numbers.
 */
export function wageProblem(
  value: number,
  kind: 'percentile' | 'mean',
  side: WageSide,
  topCode: { annual: number; hourly: number },
): string | null {
  const cap = kind === 'percentile' ? topCode[side] : topCode[side] * MEAN_TOP_CODE_FACTOR;
  if (Number.isFinite(value) && value >= 0 && value <= cap) return null;
  return kind === 'percentile'
    ? `an ${side} wage from 0 to the release's top code ${cap} (higher percentiles are published as top-coded)`
    : `an ${side} mean wage from 0 to ${cap} (${MEAN_TOP_CODE_FACTOR} × the release's top code)`;
}

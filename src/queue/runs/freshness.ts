/** The freshness watchdog's rule (pure): is latest older than MAX_SNAPSHOT_AGE with no run under way? */

export interface FreshnessInput {
  /** createdAt of latest; null before the first publish. */
  latestCreatedAt: string | null;
  activeRunId: string | null;
  /** `careerdata schedule pause` also holds back catch-up runs. */
  schedulePaused?: boolean;
  maxAgeMs: number;
  now: Date;
}

export type FreshnessDecision =
  | { action: 'none'; reason: string; ageMs: number | null }
  | { action: 'catch-up'; reason: string; ageMs: number | null };

export function freshnessDecision(input: FreshnessInput): FreshnessDecision {
  const ageMs =
    input.latestCreatedAt === null ? null : input.now.getTime() - Date.parse(input.latestCreatedAt);
  if (input.schedulePaused) return { action: 'none', reason: 'the schedule is paused', ageMs };
  if (input.activeRunId) return { action: 'none', reason: `run ${input.activeRunId} is under way`, ageMs };
  if (ageMs === null) return { action: 'catch-up', reason: 'no snapshot has been published yet', ageMs };
  if (!Number.isFinite(ageMs))
    return { action: 'catch-up', reason: 'latest has an unreadable creation time', ageMs: null };
  if (ageMs > input.maxAgeMs) {
    const hours = (n: number) => `${(n / 3_600_000).toFixed(1)} h`;
    return {
      action: 'catch-up',
      reason: `latest is ${hours(ageMs)} old, more than MAX_SNAPSHOT_AGE (${hours(input.maxAgeMs)})`,
      ageMs,
    };
  }
  return { action: 'none', reason: 'latest is fresh', ageMs };
}

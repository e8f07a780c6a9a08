/**
 * Snapshot ids: `20261127T030000Z-3f9a2c1b` — UTC time to the second, then the first 8 hex digits of
 * the canonical content hash. Ids sort lexically in time order, so directory listings need no manifest.
 */

export const SNAPSHOT_ID_PATTERN = /^\d{8}T\d{6}Z-[0-9a-f]{8}$/;

export function isSnapshotId(value: string): boolean {
  return SNAPSHOT_ID_PATTERN.test(value);
}

/** `2026-11-27T03:00:00.123Z` → `20261127T030000Z` (milliseconds dropped). */
export function compactTime(date: Date): string {
  return date
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

/** The time encoded in an id, as a Date. */
export function idTime(id: string): Date {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z-/.exec(id);
  if (!m) throw new Error(`not a snapshot id: "${id}" (expected e.g. 20261127T030000Z-3f9a2c1b)`);
  return new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
}

/**
 * A new id for content `contentSha256` created at `now`. When `newestExisting` is at or after `now`
 * (a clock step back, or two publishes within one second) the time is moved to one second past it,
 * so a newer snapshot always sorts after every older one.
 */
export function newSnapshotId(now: Date, contentSha256: string, newestExisting: string | null): string {
  let t = Math.floor(now.getTime() / 1000) * 1000;
  if (newestExisting) t = Math.max(t, idTime(newestExisting).getTime() + 1000);
  return `${compactTime(new Date(t))}-${contentSha256.slice(0, 8)}`;
}

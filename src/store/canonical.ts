/** Content hashing helpers: sha256, and which record fields say *when* rather than *what*. */
import { createHash } from 'node:crypto';

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Fields of a record that say *when* rather than *what*: a run that only refreshed them has not
 * changed the content. They are left out of the content hash and of diffs.
 */
export function isVolatilePath(path: readonly (string | number)[]): boolean {
  // sourceStatus.<source>.fetchedAt / .ageSeconds
  return (
    path.length === 3 && path[0] === 'sourceStatus' && (path[2] === 'fetchedAt' || path[2] === 'ageSeconds')
  );
}

/** A copy of a record without its volatile fields. */
export function withoutVolatile<T extends { sourceStatus?: Record<string, object> }>(record: T): T {
  if (!record.sourceStatus) return record;
  const sourceStatus: Record<string, object> = {};
  for (const [source, status] of Object.entries(record.sourceStatus)) {
    const { fetchedAt: _f, ageSeconds: _a, ...rest } = status as Record<string, unknown>;
    sourceStatus[source] = rest;
  }
  return { ...record, sourceStatus };
}

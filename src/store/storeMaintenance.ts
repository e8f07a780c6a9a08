/**
 * Changes to the store other than a publish, each run under the publish lock and recorded in the
 * history: moving `latest` back (or forward) to an existing snapshot, pins, and expiring old
 * snapshots.
 */
import path from 'node:path';
import { ValidationError } from '../errors.js';
import { SnapshotIntegrityError, SnapshotNotFoundError } from './errors.js';
import { removeDirAtomic, replaceFileAtomic } from './fsAtomic.js';
import type { HeldLock } from './lock.js';
import { verifySnapshotDir } from './snapshotFiles.js';
import { LATEST_FILE } from './snapshotReader.js';
import type { StoreParts } from './storeParts.js';

export interface PruneResult {
  removed: string[];
  kept: string[];
}

export interface RollbackResult {
  snapshotId: string;
  previousId: string | null;
  changed: boolean;
}

/** Point latest at `target`; refuses a snapshot that fails verification. */
export async function rollbackUnderLock(
  parts: StoreParts,
  lock: HeldLock,
  target: string,
  opts: { who: string; why: string },
): Promise<RollbackResult> {
  if (!(await parts.reader.exists(target))) throw new SnapshotNotFoundError(target);
  const check = await verifySnapshotDir(path.join(parts.dir, target), target);
  if (!check.ok) throw new SnapshotIntegrityError(target, check.problems);
  const previousId = await parts.reader.latestId();
  if (previousId === target) return { snapshotId: target, previousId, changed: false };
  lock.assertHeld();
  await replaceFileAtomic(path.join(parts.dir, LATEST_FILE), target + '\n');
  await parts.history.append({
    type: 'rolled_back',
    at: parts.now().toISOString(),
    id: target,
    previous: previousId,
    who: opts.who,
    why: opts.why,
  });
  parts.log.warn({ snapshotId: target, previousId, who: opts.who, why: opts.why }, 'latest rolled back');
  return { snapshotId: target, previousId, changed: true };
}

export async function pinUnderLock(
  parts: StoreParts,
  id: string,
  opts: { who?: string; why?: string },
): Promise<void> {
  if (!(await parts.reader.exists(id))) throw new SnapshotNotFoundError(id);
  const pins = await parts.history.pins();
  const at = parts.now().toISOString();
  pins[id] = { at, ...(opts.who ? { who: opts.who } : {}), ...(opts.why ? { why: opts.why } : {}) };
  await parts.history.writePins(pins);
  await parts.history.append({ type: 'pinned', at, id, ...opts });
}

export async function unpinUnderLock(
  parts: StoreParts,
  id: string,
  opts: { who?: string; why?: string },
): Promise<void> {
  const pins = await parts.history.pins();
  if (!Object.hasOwn(pins, id)) return;
  delete pins[id];
  await parts.history.writePins(pins);
  await parts.history.append({ type: 'unpinned', at: parts.now().toISOString(), id, ...opts });
}

/** Checked before the lock is taken: a bad `keep` never waits for a publisher. */
export function pruneKeep(keep: number | undefined): number {
  const k = keep ?? 30;
  if (!Number.isInteger(k) || k < 1)
    throw new ValidationError(`prune: keep must be an integer ≥ 1, got ${k}`, 'prune');
  return k;
}

/**
 * Keeps the newest `keep`, latest, pinned ones, and everything newer than latest (roll-forward
 * targets after a rollback); removes the rest, oldest first.
 */
export async function pruneUnderLock(
  parts: StoreParts,
  keep: number,
  opts: { dryRun?: boolean; who?: string },
): Promise<PruneResult> {
  const ids = await parts.reader.listIds();
  const latest = await parts.reader.latestId();
  const pins = await parts.history.pins();
  const newest = new Set(ids.slice(-keep));
  const protectedIds = (id: string) =>
    newest.has(id) || id === latest || Object.hasOwn(pins, id) || (latest !== null && id > latest);
  const removed = ids.filter((id) => !protectedIds(id));
  const kept = ids.filter(protectedIds);
  if (opts.dryRun || removed.length === 0) return { removed, kept };
  for (const id of removed) {
    await removeDirAtomic(path.join(parts.dir, id));
    parts.reader.manifests.delete(id);
  }
  await parts.history.append({
    type: 'pruned',
    at: parts.now().toISOString(),
    id: null,
    removed,
    keep,
    ...(opts.who ? { who: opts.who } : {}),
  });
  parts.log.info({ removed, keep }, 'snapshots pruned');
  return { removed, kept };
}

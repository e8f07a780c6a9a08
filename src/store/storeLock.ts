/**
 * Every change to the store holds the publish lock, and the first thing done under it is cleaning
 * what a killed holder left behind (only safe then: no other publisher can be mid-write).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { removeDirAtomic, TMP_PREFIX, TRASH_PREFIX } from './fsAtomic.js';
import { isSnapshotId } from './ids.js';
import { acquirePublishLock, type HeldLock } from './lock.js';
import type { StoreParts } from './storeParts.js';

export const BLOCKED_DIR = 'blocked';

export interface StoreLockOptions {
  /** When set, publishers are also serialised across machines through a Redis lock. */
  redis?: Redis;
  redisLockKey?: string;
  lockWaitMs?: number;
  lockStaleMs?: number;
}

export interface CleanupResult {
  removedTemp: string[];
  removedOrphans: string[];
  /** Latest was switched by a publisher that died before recording it; now recorded. */
  recoveredLatest: string | null;
}

export async function withStoreLock<T>(
  parts: StoreParts,
  opts: StoreLockOptions,
  fn: (lock: HeldLock, cleanup: CleanupResult) => Promise<T>,
): Promise<T> {
  await fs.mkdir(parts.dir, { recursive: true });
  const lock = await acquirePublishLock({
    dir: parts.dir,
    log: parts.log,
    redis: opts.redis,
    ...(opts.redisLockKey ? { redisKey: opts.redisLockKey } : {}),
    ...(opts.lockWaitMs !== undefined ? { waitMs: opts.lockWaitMs } : {}),
    ...(opts.lockStaleMs !== undefined ? { staleMs: opts.lockStaleMs } : {}),
  });
  try {
    const cleanup = await cleanUnderLock(parts);
    return await fn(lock, cleanup);
  } finally {
    await lock.release();
  }
}

/**
 * Only ever run while holding the lock, so no other publisher can be mid-write:
 * - `.tmp-*` / `.trash-*` directories and `*.tmp-*` files are leftovers of a killed process;
 * - a snapshot newer than latest and than anything in the history never became latest (killed
 *   between rename and pointer switch): an orphan, removed;
 * - a latest with no `published` entry was switched by a process killed just after: recorded now.
 */
async function cleanUnderLock(parts: StoreParts): Promise<CleanupResult> {
  const result: CleanupResult = { removedTemp: [], removedOrphans: [], recoveredLatest: null };
  for (const name of await fs.readdir(parts.dir)) {
    if (name.startsWith(TMP_PREFIX) || name.startsWith(TRASH_PREFIX) || name.includes(TMP_PREFIX)) {
      await fs.rm(path.join(parts.dir, name), { recursive: true, force: true });
      result.removedTemp.push(name);
    }
  }
  const blockedDir = path.join(parts.dir, BLOCKED_DIR);
  for (const name of (await fs.readdir(blockedDir).catch(() => [] as string[])).filter((n) =>
    n.includes(TMP_PREFIX),
  )) {
    await fs.rm(path.join(blockedDir, name), { force: true });
    result.removedTemp.push(`${BLOCKED_DIR}/${name}`);
  }
  await parts.history.repairTornLine();
  const entries = await parts.history.entries();
  const latest = await parts.reader.latestId();
  const known = new Set<string>();
  for (const e of entries ?? []) {
    if (e.id) known.add(e.id);
    if (typeof e.previous === 'string') known.add(e.previous);
  }
  // Without a history file (a store copied by hand) nothing can be called an orphan, unless
  // there is no latest at all (the very first publish was interrupted).
  if (entries !== null || latest === null) {
    const newestKnown = [...known].filter(isSnapshotId).sort().at(-1);
    for (const id of await parts.reader.listIds()) {
      const orphan =
        id !== latest &&
        !known.has(id) &&
        (latest === null || id > latest) &&
        (newestKnown === undefined || id > newestKnown);
      if (!orphan) continue;
      await removeDirAtomic(path.join(parts.dir, id));
      parts.reader.manifests.delete(id);
      result.removedOrphans.push(id);
      await parts.history.append({ type: 'orphan_removed', at: parts.now().toISOString(), id });
    }
  }
  if (latest && !known.has(latest)) {
    const m = await parts.reader.manifest(latest);
    await parts.history.append({
      type: 'published',
      at: parts.now().toISOString(),
      id: latest,
      parent: m.parent,
      forced: m.forced,
      recovered: true,
      run: m.run,
    });
    result.recoveredLatest = latest;
  }
  if (result.removedTemp.length || result.removedOrphans.length || result.recoveredLatest) {
    parts.log.warn(result, 'cleaned up after an interrupted publish');
  }
  return result;
}

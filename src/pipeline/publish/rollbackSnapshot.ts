/** An operator's rollback (CLI or console): the store moves latest, consumers are told. */
import { type Logger, silentLogger } from '../../log.js';
import type { EventSink } from '../../notify/events.js';
import type { DiffSummary } from '../../store/diff.js';
import type { Locked, SnapshotStore } from '../../store/snapshotStore.js';
import type { RollbackResult } from '../../store/storeMaintenance.js';
import { announceRecovered, rolledBackEvent, safeEmit } from './changeEvents.js';

export async function rollbackSnapshot(
  store: SnapshotStore,
  target: string,
  opts: { who: string; why: string; notifier?: EventSink; log?: Logger; now?: () => Date },
): Promise<Locked<RollbackResult>> {
  const log = opts.log ?? silentLogger;
  const now = opts.now ?? (() => new Date());
  const result = await store.rollback(target, { who: opts.who, why: opts.why });
  if (!opts.notifier) return result;
  if (result.recoveredLatest) await announceRecovered(store, result.recoveredLatest, opts.notifier, log, now);
  if (!result.changed) return result;
  let diffSummary: DiffSummary | null = null;
  try {
    diffSummary = result.previousId ? (await store.diff(result.previousId, target)).summary : null;
  } catch (err) {
    log.warn({ err }, 'could not compute the rollback diff summary');
  }
  await safeEmit(
    opts.notifier,
    rolledBackEvent(
      {
        snapshotId: target,
        previousId: result.previousId,
        counts: (await store.manifest(target)).counts,
        diffSummary,
        who: opts.who,
        why: opts.why,
      },
      now(),
    ),
    log,
  );
  return result;
}

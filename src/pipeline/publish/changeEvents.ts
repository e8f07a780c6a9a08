/**
 * The change events a publish or a rollback tells consumers, sent after the pointer switch. A
 * receiver that fails never fails or delays the change beyond the notifier's own deadline.
 */
import type { Logger } from '../../log.js';
import { type ChangeEvent, type EventSink, makeEvent } from '../../notify/events.js';
import type { DiffSummary } from '../../store/diff.js';
import type { SnapshotStore } from '../../store/snapshotStore.js';

export async function safeEmit(sink: EventSink, event: ChangeEvent, log: Logger): Promise<void> {
  try {
    await sink.emit(event);
  } catch (err) {
    log.warn({ err, eventType: event.type }, 'could not emit change event');
  }
}

/** A snapshot a killed publisher switched to without telling anyone: announced by the next change. */
export async function announceRecovered(
  store: SnapshotStore,
  id: string,
  notifier: EventSink,
  log: Logger,
  now: () => Date,
): Promise<void> {
  const m = await store.manifest(id);
  await safeEmit(
    notifier,
    makeEvent(
      'snapshot.published',
      {
        snapshotId: id,
        previousId: m.parent,
        counts: m.counts,
        diffSummary: m.diffSummary,
        forced: m.forced,
        recovered: true,
        run: m.run,
      },
      now(),
    ),
    log,
  );
}

export function rolledBackEvent(
  f: {
    snapshotId: string;
    previousId: string | null;
    counts: ChangeEvent['counts'];
    diffSummary: DiffSummary | null;
    who: string;
    why: string;
  },
  now: Date,
): ChangeEvent {
  return makeEvent(
    'snapshot.rolled_back',
    {
      snapshotId: f.snapshotId,
      previousId: f.previousId,
      counts: f.counts,
      diffSummary: f.diffSummary,
      rollback: { who: f.who, why: f.why },
    },
    now,
  );
}

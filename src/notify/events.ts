/** Change events told to consumers: a snapshot landed, latest was rolled back, a refresh failed. */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ReplacedDamaged } from '../store/damaged.js';
import { DiffSummary } from '../store/diff.js';
import { RunInfo, SnapshotCounts } from '../store/manifest.js';

export const EVENT_TYPES = ['snapshot.published', 'snapshot.rolled_back', 'refresh.failed'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const ChangeEvent = z.object({
  /** Unique per event; receivers use it to drop duplicate deliveries. */
  id: z.string(),
  type: z.enum(EVENT_TYPES),
  occurredAt: z.string(),
  /** The snapshot that is latest after the event (null for a failed refresh with no snapshot). */
  snapshotId: z.string().nullable(),
  /** The snapshot that was latest before. */
  previousId: z.string().nullable(),
  counts: SnapshotCounts.nullable(),
  /** previous → snapshotId. */
  diffSummary: DiffSummary.nullable(),
  forced: z.boolean().optional(),
  /** Published by a process that crashed before telling; announced by the next one. */
  recovered: z.boolean().optional(),
  run: RunInfo.nullable().optional(),
  /** The published snapshot replaced a damaged latest (kept for inspection). */
  replacedDamaged: ReplacedDamaged.optional(),
  rollback: z.object({ who: z.string(), why: z.string() }).optional(),
  error: z.looseObject({ message: z.string(), stage: z.string().optional() }).optional(),
});
export type ChangeEvent = z.infer<typeof ChangeEvent>;

/** Anything that can be told about an event. `emit` must never throw and must return in bounded time. */
export interface EventSink {
  emit(event: ChangeEvent): Promise<void>;
}

type Fields = Omit<ChangeEvent, 'id' | 'type' | 'occurredAt'>;

export function makeEvent(type: EventType, fields: Fields, now: Date = new Date()): ChangeEvent {
  return { id: randomUUID(), type, occurredAt: now.toISOString(), ...fields };
}

/** A failed refresh (the worker emits it); `message` must already be scrubbed of secrets. */
export function refreshFailedEvent(
  fields: { message: string; stage?: string; run?: RunInfo | null; latestId?: string | null },
  now: Date = new Date(),
): ChangeEvent {
  return makeEvent(
    'refresh.failed',
    {
      snapshotId: fields.latestId ?? null,
      previousId: fields.latestId ?? null,
      counts: null,
      diffSummary: null,
      run: fields.run ?? null,
      error: { message: fields.message, ...(fields.stage ? { stage: fields.stage } : {}) },
    },
    now,
  );
}

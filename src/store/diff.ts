/**
 * What changed between two snapshots: added and removed SOC codes, and for each changed
 * occupation the changed field paths with old → new values. Volatile fields (fetch times) are
 * ignored, like in the content hash. Pure.
 */
import { z } from 'zod';
import type { OccupationRecord } from '../model/occupation.js';
import { isVolatilePath } from './canonical.js';

/** An occupation whose whole record changed (a new release) would list thousands of paths; cap it. */
export const MAX_CHANGES_PER_OCCUPATION = 200;

export const FieldChange = z.object({
  /** `wages.national.annual.median`, `careerProgression[2].annual`. */
  path: z.string(),
  op: z.enum(['add', 'remove', 'replace']),
  old: z.unknown(),
  new: z.unknown(),
});
export type FieldChange = z.infer<typeof FieldChange>;

export const ChangedOccupation = z.object({
  soc: z.string(),
  title: z.string(),
  /** Number of changed leaf paths, including any left out of `changes` by the cap. */
  changeCount: z.number().int(),
  changes: z.array(FieldChange),
  truncated: z.boolean(),
});
export type ChangedOccupation = z.infer<typeof ChangedOccupation>;

export const DiffSummary = z.object({
  added: z.number().int(),
  removed: z.number().int(),
  changed: z.number().int(),
  unchanged: z.number().int(),
  /** Per top-level field (`wages`, `resilience`, …): how many occupations changed in it. */
  fields: z.record(z.string(), z.number().int()),
});
export type DiffSummary = z.infer<typeof DiffSummary>;

export const SnapshotDiff = z.object({
  /** Null when the newer side has no parent (the first snapshot: everything is added). */
  from: z.string().nullable(),
  to: z.string(),
  summary: DiffSummary,
  added: z.array(z.string()),
  removed: z.array(z.string()),
  changed: z.array(ChangedOccupation),
});
export type SnapshotDiff = z.infer<typeof SnapshotDiff>;

type Path = (string | number)[];

function formatPath(path: Path): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? part : `.${part}`;
  }
  return out;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** Leaf-level differences between two JSON values. Absent keys are reported as null with op add/remove. */
export function diffValues(a: unknown, b: unknown, path: Path = [], out: FieldChange[] = []): FieldChange[] {
  if (isVolatilePath(path)) return out;
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const k of keys) {
      const inA = a[k] !== undefined;
      const inB = b[k] !== undefined;
      const p = [...path, k];
      if (isVolatilePath(p)) continue;
      if (inA && inB) diffValues(a[k], b[k], p, out);
      else if (inA) out.push({ path: formatPath(p), op: 'remove', old: a[k], new: null });
      else if (inB) out.push({ path: formatPath(p), op: 'add', old: null, new: b[k] });
    }
    return out;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = Math.max(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const p = [...path, i];
      if (i >= a.length) out.push({ path: formatPath(p), op: 'add', old: null, new: b[i] });
      else if (i >= b.length) out.push({ path: formatPath(p), op: 'remove', old: a[i], new: null });
      else diffValues(a[i], b[i], p, out);
    }
    return out;
  }
  if (!Object.is(a, b)) out.push({ path: formatPath(path), op: 'replace', old: a ?? null, new: b ?? null });
  return out;
}

/**
 * A diff built one older record at a time (`add`), so the older snapshot can be streamed from its
 * file rather than held: the publish path.
 */
export class RecordDiffer {
  private readonly after: Map<string, OccupationRecord>;
  private readonly seen = new Set<string>();
  private readonly removed: string[] = [];
  private readonly changed: ChangedOccupation[] = [];
  private readonly fields: Record<string, number> = {};
  private unchanged = 0;

  constructor(
    to: readonly OccupationRecord[],
    private readonly maxChangesPerOccupation = MAX_CHANGES_PER_OCCUPATION,
  ) {
    this.after = new Map(to.map((r) => [r.soc, r]));
  }

  add(old: OccupationRecord): void {
    this.seen.add(old.soc);
    const now = this.after.get(old.soc);
    if (!now) {
      this.removed.push(old.soc);
      return;
    }
    const changes = diffValues(old, now);
    if (changes.length === 0) {
      this.unchanged += 1;
      return;
    }
    const tops = new Set(changes.map((c) => /^[^.[]+/.exec(c.path)?.[0] ?? c.path));
    for (const t of tops) this.fields[t] = (this.fields[t] ?? 0) + 1;
    this.changed.push({
      soc: old.soc,
      title: now.title,
      changeCount: changes.length,
      changes: changes.slice(0, this.maxChangesPerOccupation),
      truncated: changes.length > this.maxChangesPerOccupation,
    });
  }

  finish(fromId: string | null, toId: string): SnapshotDiff {
    const added = [...this.after.keys()].filter((s) => !this.seen.has(s)).sort();
    const removed = [...this.removed].sort();
    const changed = [...this.changed].sort((a, b) => (a.soc < b.soc ? -1 : a.soc > b.soc ? 1 : 0));
    return {
      from: fromId,
      to: toId,
      summary: {
        added: added.length,
        removed: removed.length,
        changed: changed.length,
        unchanged: this.unchanged,
        fields: { ...this.fields },
      },
      added,
      removed,
      changed,
    };
  }
}

/** The diff from `from` to `to`; `from.records` is read once, in one pass. */
export function diffRecords(
  from: { id: string | null; records: Iterable<OccupationRecord> },
  to: { id: string; records: readonly OccupationRecord[] },
  maxChangesPerOccupation = MAX_CHANGES_PER_OCCUPATION,
): SnapshotDiff {
  const differ = new RecordDiffer(to.records, maxChangesPerOccupation);
  for (const old of from.records) differ.add(old);
  return differ.finish(from.id, to.id);
}

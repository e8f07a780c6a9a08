/**
 * What changed between two snapshots: added and removed SOC codes, and for each changed
 * occupation an RFC 6902 JSON Patch (JSON Pointer paths) that turns the old record into the new
 * one, plus the changed field paths with old → new values for people. Volatile fields (fetch
 * times) are ignored, like in the content hash. Pure.
 */
import { z } from 'zod';
import type { OccupationRecord } from '../model/occupation.js';
import { isVolatilePath } from './canonical.js';

/** An occupation whose whole record changed (a new release) would list thousands of paths; cap it. */
export const MAX_CHANGES_PER_OCCUPATION = 200;

/** One RFC 6902 operation; `path` is a JSON Pointer (RFC 6901) into the occupation record. */
export const JsonPatchOperation = z.discriminatedUnion('op', [
  z.object({ op: z.literal('add'), path: z.string(), value: z.unknown() }),
  z.object({ op: z.literal('remove'), path: z.string() }),
  z.object({ op: z.literal('replace'), path: z.string(), value: z.unknown() }),
]);
export type JsonPatchOperation = z.infer<typeof JsonPatchOperation>;

export const FieldChange = z.object({
  /**
   * `wages.national.annual.median`, `careerProgression[2].annual`: for people. Deprecated for
   * programs (ambiguous when a key holds a dot): use the occupation's `patch`; removed in schema 2.0.
   */
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
  /**
   * RFC 6902 operations, applied in order, that turn the old record into the new one (volatile
   * fetch times aside). Always complete: when `changes` is truncated it is one `replace` of "".
   * Absent in diffs written before schema 1.2.0.
   */
  patch: z.array(JsonPatchOperation).optional(),
  changes: z.array(FieldChange),
  /** True when `changes` lists only the first of `changeCount` paths. */
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

/** RFC 6901: `~` → `~0`, `/` → `~1`; the empty path is the whole document. */
export function toJsonPointer(path: Path): string {
  let out = '';
  for (const part of path) out += `/${String(part).replaceAll('~', '~0').replaceAll('/', '~1')}`;
  return out;
}

interface RawChange {
  path: Path;
  op: FieldChange['op'];
  old: unknown;
  new: unknown;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** Both objects' keys, sorted, once each; records usually have the same keys on both sides. */
function sortedKeys(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  let same = ka.length === kb.length;
  for (let i = 0; same && i < ka.length; i++) same = ka[i] === kb[i];
  return (same ? ka : [...new Set([...ka, ...kb])]).sort();
}

/**
 * Leaf-level differences in an order a JSON Patch can apply: an array's surplus elements are
 * removed from the last one down, so earlier indexes stay valid. `path` is one stack, pushed and
 * popped, and copied only into a change: a new night's diff walks ~500-key area maps in every
 * record, and a copy per key made enough garbage to push each older record into V8's old space.
 */
function rawDiff(a: unknown, b: unknown, path: Path, out: RawChange[]): RawChange[] {
  if (isVolatilePath(path)) return out;
  if (isPlainObject(a) && isPlainObject(b)) {
    for (const k of sortedKeys(a, b)) {
      path.push(k);
      const inA = a[k] !== undefined;
      const inB = b[k] !== undefined;
      if (inA && inB) rawDiff(a[k], b[k], path, out);
      else if (isVolatilePath(path)) {
        // fetch times come and go with their source: not a change
      } else if (inA) out.push({ path: [...path], op: 'remove', old: a[k], new: null });
      else if (inB) out.push({ path: [...path], op: 'add', old: null, new: b[k] });
      path.pop();
    }
    return out;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const common = Math.min(a.length, b.length);
    for (let i = 0; i < common; i++) {
      path.push(i);
      rawDiff(a[i], b[i], path, out);
      path.pop();
    }
    for (let i = common; i < b.length; i++) out.push({ path: [...path, i], op: 'add', old: null, new: b[i] });
    for (let i = a.length - 1; i >= common; i--) {
      out.push({ path: [...path, i], op: 'remove', old: a[i], new: null });
    }
    return out;
  }
  if (!Object.is(a, b)) out.push({ path: [...path], op: 'replace', old: a ?? null, new: b ?? null });
  return out;
}

const toFieldChange = (c: RawChange): FieldChange => ({
  path: formatPath(c.path),
  op: c.op,
  old: c.old,
  new: c.new,
});

function toPatchOperation(c: RawChange): JsonPatchOperation {
  const path = toJsonPointer(c.path);
  if (c.op === 'remove') return { op: 'remove', path };
  return { op: c.op, path, value: c.new };
}

/** Leaf-level differences between two JSON values. Absent keys are reported as null with op add/remove. */
export function diffValues(a: unknown, b: unknown): FieldChange[] {
  return rawDiff(a, b, [], []).map(toFieldChange);
}

/** RFC 6902 operations turning `a` into `b` (volatile fetch times aside). */
export function jsonPatch(a: unknown, b: unknown): JsonPatchOperation[] {
  return rawDiff(a, b, [], []).map(toPatchOperation);
}

/**
 * A diff built one older record at a time (`add`), so the older snapshot can be streamed from its
 * file rather than held: the publish path. With `keepChanged: false` the changed occupations are
 * only returned by `add` (the publish spools them to disk) and `finish()` lists none.
 */
export class RecordDiffer {
  private readonly after: Map<string, OccupationRecord>;
  private readonly seen = new Set<string>();
  private readonly removed: string[] = [];
  private readonly changed: ChangedOccupation[] = [];
  private readonly fields: Record<string, number> = {};
  private unchanged = 0;
  private changedCount = 0;
  private readonly maxChangesPerOccupation: number;
  private readonly keepChanged: boolean;

  constructor(
    to: readonly OccupationRecord[],
    opts: { maxChangesPerOccupation?: number; keepChanged?: boolean } = {},
  ) {
    this.after = new Map(to.map((r) => [r.soc, r]));
    this.maxChangesPerOccupation = opts.maxChangesPerOccupation ?? MAX_CHANGES_PER_OCCUPATION;
    this.keepChanged = opts.keepChanged ?? true;
  }

  /** Compares one older record with its newer version; returns the entry when it changed. */
  add(old: OccupationRecord): ChangedOccupation | null {
    this.seen.add(old.soc);
    const now = this.after.get(old.soc);
    if (!now) {
      this.removed.push(old.soc);
      return null;
    }
    const raw = rawDiff(old, now, [], []);
    if (raw.length === 0) {
      this.unchanged += 1;
      return null;
    }
    const tops = new Set(raw.map((c) => String(c.path[0])));
    for (const t of tops) this.fields[t] = (this.fields[t] ?? 0) + 1;
    const truncated = raw.length > this.maxChangesPerOccupation;
    const entry: ChangedOccupation = {
      soc: old.soc,
      title: now.title,
      changeCount: raw.length,
      // The values are the new record's own (not copies): held only as long as the record is.
      patch: truncated ? [{ op: 'replace', path: '', value: now }] : raw.map(toPatchOperation),
      changes: raw.slice(0, this.maxChangesPerOccupation).map(toFieldChange),
      truncated,
    };
    this.changedCount += 1;
    if (this.keepChanged) this.changed.push(entry);
    return entry;
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
        changed: this.changedCount,
        unchanged: this.unchanged,
        fields: { ...this.fields },
      },
      added,
      removed,
      changed,
    };
  }
}

/**
 * `JSON.stringify(diff)` in pieces, byte for byte: the changed occupations one at a time, so a diff
 * whose patches carry whole new records (a night that adds a source) is never one string. `changed`
 * (the JSON of each entry, in SOC order) replaces `diff.changed` when the entries were spooled.
 */
export async function* diffJsonPieces(
  diff: SnapshotDiff,
  changed: Iterable<string> | AsyncIterable<string> = diff.changed.map((c) => JSON.stringify(c)),
): AsyncGenerator<string> {
  let first = true;
  for (const [key, value] of Object.entries(diff)) {
    if (value === undefined) continue;
    yield `${first ? '{' : ','}${JSON.stringify(key)}:`;
    first = false;
    if (key !== 'changed') {
      yield JSON.stringify(value);
      continue;
    }
    yield '[';
    let i = 0;
    for await (const entry of changed) yield (i++ === 0 ? '' : ',') + entry;
    yield ']';
  }
  yield first ? '{}' : '}';
}

/** The diff from `from` to `to`; `from.records` is read once, in one pass. */
export function diffRecords(
  from: { id: string | null; records: Iterable<OccupationRecord> },
  to: { id: string; records: readonly OccupationRecord[] },
  maxChangesPerOccupation = MAX_CHANGES_PER_OCCUPATION,
): SnapshotDiff {
  const differ = new RecordDiffer(to.records, { maxChangesPerOccupation });
  for (const old of from.records) differ.add(old);
  return differ.finish(from.id, to.id);
}

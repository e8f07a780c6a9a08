/**
 * A diff as one RFC 6902 JSON Patch document (`application/json-patch+json`). The document it
 * applies to is the snapshot's occupations keyed by SOC, `{ "29-2072": record, … }`: a removed
 * occupation is `remove /<soc>`, an added one `add /<soc>` with its record, a changed one its own
 * operations under `/<soc>`. Volatile fetch times are not patched (they are not content).
 */
import { diffRecords, type SnapshotDiff, toJsonPointer } from '../store/diff.js';
import type { SnapshotStore } from '../store/snapshotStore.js';
import type { LoadedSnapshot } from './snapshotCache.js';

export const JSON_PATCH_TYPE = 'application/json-patch+json';

/** Diffs written before schema 1.2.0 have no per-occupation patch: compute one from the records. */
async function withPatches(diff: SnapshotDiff, store: SnapshotStore): Promise<SnapshotDiff> {
  if (diff.changed.every((c) => c.patch !== undefined)) return diff;
  if (diff.from === null) return diff; // nothing is "changed" against no parent
  const [a, b] = await Promise.all([store.records(diff.from), store.records(diff.to)]);
  return diffRecords({ id: diff.from, records: a }, { id: diff.to, records: b });
}

export async function snapshotPatchBody(
  diff: SnapshotDiff,
  to: LoadedSnapshot,
  store: SnapshotStore,
): Promise<Buffer> {
  const full = await withPatches(diff, store);
  const parts: Buffer[] = [];
  const op = (json: string) => parts.push(Buffer.from(parts.length === 0 ? json : `,${json}`));
  for (const soc of full.removed) op(JSON.stringify({ op: 'remove', path: toJsonPointer([soc]) }));
  for (const soc of full.added) {
    const record = to.records.get(soc);
    if (!record) throw new Error(`snapshot ${to.id} lacks added occupation ${soc}`);
    op(`{"op":"add","path":${JSON.stringify(toJsonPointer([soc]))},"value":`);
    parts.push(record.body, Buffer.from('}'));
  }
  for (const changed of full.changed) {
    for (const o of changed.patch ?? []) {
      op(JSON.stringify({ ...o, path: toJsonPointer([changed.soc]) + o.path }));
    }
  }
  return Buffer.concat([Buffer.from('['), ...parts, Buffer.from(']')]);
}

/** Canonical content of a snapshot, its hash, and summary counts. Pure. */
import { createHash } from 'node:crypto';
import type { OccupationRecord } from '../model/occupation.js';
import type { ArtifactRecord } from '../sources/artifact.js';
import { canonicalJson, withoutVolatile } from './canonical.js';
import type { SnapshotCounts } from './manifest.js';

export interface ContentHeader {
  schemaVersion: string;
  methodology: string | null;
  releases: Record<string, string[]>;
}

/** Per source, the distinct releases its files carry (sorted), for the manifest and the content hash. */
export function releasesOf(
  sources: Record<string, readonly Pick<ArtifactRecord, 'release'>[]>,
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [source, artifacts] of Object.entries(sources)) {
    out[source] = [...new Set(artifacts.map((a) => a.release).filter((r): r is string => !!r))].sort();
  }
  return out;
}

/**
 * sha256 over the header and every record without its fetch times. Takes the record lines as the
 * canonical JSON of each (stripped) record, so verify() can recompute it from the stored file.
 */
export function contentSha256(header: ContentHeader, records: Iterable<OccupationRecord>): string {
  const h = createHash('sha256');
  h.update(canonicalJson(header) + '\n');
  for (const r of records) h.update(canonicalJson(withoutVolatile(r)) + '\n');
  return h.digest('hex');
}

export function countsOf(records: readonly OccupationRecord[]): SnapshotCounts {
  const scored = records.filter((r) => r.resilience?.score != null).length;
  return {
    occupations: records.length,
    withNationalWages: records.filter((r) => r.wages?.national != null).length,
    withProjections: records.filter((r) => r.projections != null).length,
    scored,
    unscored: records.length - scored,
  };
}

/**
 * One record per line, canonical JSON, sorted by SOC: the bytes of occupations.ndjson, made one at a
 * time as they are written (a full-size snapshot's lines are ~60 MB).
 */
export function* recordLineStream(records: readonly OccupationRecord[]): Generator<string> {
  for (const r of records) yield canonicalJson(r);
}

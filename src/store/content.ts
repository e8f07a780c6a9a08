/** Canonical content of a snapshot, its hash, and summary counts. Pure. */
import { createHash } from 'node:crypto';
import { canonicalJson, canonicalJsonPieces } from '../model/canonicalJson.js';
import type { OccupationRecord } from '../model/occupation.js';
import type { ArtifactRecord } from '../sources/artifact.js';
import { withoutVolatile } from './canonical.js';
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
  const h = new ContentHasher(header);
  for (const r of records) h.add(r);
  return h.digest();
}

/** contentSha256 fed one record at a time, so one pass over the records can do several things. */
export class ContentHasher {
  private readonly h = createHash('sha256');
  constructor(header: ContentHeader) {
    this.h.update(canonicalJson(header) + '\n');
  }
  add(r: OccupationRecord): void {
    for (const piece of canonicalJsonPieces(withoutVolatile(r))) this.h.update(piece);
    this.h.update('\n');
  }
  digest(): string {
    return this.h.digest('hex');
  }
}

export function countsOf(records: Iterable<OccupationRecord>): SnapshotCounts {
  const counts = emptyCounts();
  for (const r of records) countRecord(counts, r);
  return counts;
}

export const emptyCounts = (): SnapshotCounts => ({
  occupations: 0,
  withNationalWages: 0,
  withProjections: 0,
  scored: 0,
  unscored: 0,
});

export function countRecord(counts: SnapshotCounts, r: OccupationRecord): void {
  counts.occupations += 1;
  if (r.wages?.national != null) counts.withNationalWages += 1;
  if (r.projections != null) counts.withProjections += 1;
  if (r.resilience?.score != null) counts.scored += 1;
  else counts.unscored += 1;
}

/**
 * The bytes of occupations.ndjson (one record per line, canonical JSON, sorted by SOC) in small
 * pieces, made as they are written (a full-size snapshot is ~55 MB).
 */
export function* recordFilePieces(records: readonly OccupationRecord[]): Generator<string> {
  for (const r of records) {
    yield* canonicalJsonPieces(r);
    yield '\n';
  }
}

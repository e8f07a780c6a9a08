/**
 * The publish transaction, run under the publish lock: compare the candidate with the baseline
 * (latest when intact, else the newest intact snapshot), ask the caller's decider whether to
 * publish, then write the snapshot under a temporary name, rename it into place and switch
 * `latest` (the commit). What blocks a publish is not decided here: src/pipeline/publish/ passes a
 * decider that evaluates the gates.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { GateReport } from '../model/gateReport.js';
import { type OccupationRecord, SNAPSHOT_SCHEMA_VERSION } from '../model/occupation.js';
import { QualityReport, type QualityReportInput } from '../model/qualityReport.js';
import { duplicateSocError, validateRecord } from '../model/recordValidation.js';
import type { ArtifactRecord } from '../sources/artifact.js';
import { ContentHasher, countRecord, emptyCounts, recordFilePieces, releasesOf } from './content.js';
import type { ReplacedDamaged } from './damaged.js';
import { type DiffSummary, diffJsonPieces, RecordDiffer, type SnapshotDiff } from './diff.js';
import { SnapshotIntegrityError } from './errors.js';
import { fsyncDir, randomSuffix, replaceFileAtomic, TMP_PREFIX, writeFileDurable } from './fsAtomic.js';
import { compactTime, newSnapshotId } from './ids.js';
import { LineSpool } from './lineSpool.js';
import type { HeldLock } from './lock.js';
import {
  type Manifest,
  ManifestSchema,
  type RunInfo,
  SNAPSHOT_FILES,
  type SnapshotCounts,
} from './manifest.js';
import { jsonSchema } from './schemas.js';
import { sealTree, writeChunksDurable, writeDigested } from './snapshotFiles.js';
import { LATEST_FILE } from './snapshotReader.js';
import { BLOCKED_DIR } from './storeLock.js';
import type { StoreParts } from './storeParts.js';

export interface CandidateSnapshot {
  /** Occupation records; validated again here and sorted by SOC. */
  records: readonly OccupationRecord[];
  /** Upstream files per source id. */
  sources: Record<string, ArtifactRecord[]>;
  quality: QualityReportInput;
  methodology: string | null;
  /** For a rescore: the snapshot whose inputs were reused. */
  derivedFrom?: string | null;
  run?: RunInfo | null;
}

/** What the decider answers once it has seen the candidate and the baseline. */
export interface PublishDecision {
  /** Stored in the manifest, or in the blocked report. */
  gates: GateReport;
  /** Leave latest as it is and keep the report under blocked/. */
  block: boolean;
  /** One line per failed check, recorded in the history. */
  failures: string[];
}

/** Sees every record of both sides as the transaction streams them, then decides. */
export interface PublishDecider {
  /** Each candidate record, validated, in SOC order. */
  candidateRecord(r: OccupationRecord): void;
  /** Each record of the baseline, in SOC order (before its sha256 is confirmed at the end). */
  baselineRecord(r: OccupationRecord): void;
  decide(input: { baselineId: string | null; quality: QualityReport }): PublishDecision;
}

export type PublishResult =
  | {
      status: 'published';
      snapshotId: string;
      previousId: string | null;
      diffSummary: DiffSummary;
      manifest: Manifest;
      /** Latest was damaged: this snapshot replaced it (the damaged one is kept, listed in damaged.json). */
      replacedDamaged?: ReplacedDamaged;
    }
  | { status: 'unchanged'; snapshotId: string }
  | {
      status: 'blocked';
      previousId: string | null;
      gateReport: GateReport;
      reportPath: string;
      failures: string[];
    };

/** Named moments of a publish, for crash tests (a hook that kills the process there). */
export type PublishPoint = 'before-write' | 'during-write' | 'after-write' | 'before-switch' | 'after-switch';

/** The candidate read once, before the lock: validated, sorted, hashed and counted. */
export interface PreparedCandidate {
  records: OccupationRecord[];
  hash: string;
  counts: SnapshotCounts;
  quality: QualityReport;
  releases: Record<string, string[]>;
  candidate: CandidateSnapshot;
}

/** One pass, one parse per record: validated, hashed, counted and shown to the decider. */
export function prepareCandidate(candidate: CandidateSnapshot, decider: PublishDecider): PreparedCandidate {
  const quality = QualityReport.parse(candidate.quality);
  const releases = releasesOf(candidate.sources);
  const hasher = new ContentHasher({
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    methodology: candidate.methodology,
    releases,
  });
  const counts = emptyCounts();
  const records = sortedBySoc(candidate.records);
  records.forEach((r, i) => {
    validateRecord(r, i);
    hasher.add(r);
    countRecord(counts, r);
    decider.candidateRecord(r);
  });
  return { records, hash: hasher.digest(), counts, quality, releases, candidate };
}

export async function publishUnderLock(
  parts: StoreParts,
  lock: HeldLock,
  prepared: PreparedCandidate,
  decider: PublishDecider,
  onPublishPoint?: (point: PublishPoint) => void,
): Promise<PublishResult> {
  const { records, hash, counts, quality, releases, candidate } = prepared;
  const run = candidate.run ?? null;
  // A damaged latest is never a baseline nor "unchanged": the candidate replaces it, compared
  // with the newest intact snapshot (or none).
  const state = await parts.reader.latestState();
  const replacedDamaged = state.damaged;
  const previousId = state.intactId;
  const previous = previousId ? await parts.reader.manifest(previousId) : null;
  const at = parts.now();
  if (replacedDamaged) {
    parts.log.warn(
      { damaged: replacedDamaged.id, problems: replacedDamaged.problems.slice(0, 5), baseline: previousId },
      'latest snapshot is damaged: this run replaces it',
    );
  }

  if (!replacedDamaged && previous && previous.contentSha256 === hash) {
    await parts.history.append({ type: 'unchanged', at: at.toISOString(), id: previous.id, run });
    parts.log.info({ snapshotId: previous.id }, 'content identical to latest: no new snapshot');
    return { status: 'unchanged', snapshotId: previous.id };
  }

  // Changed occupations go to a spool file as they are found (kept in memory, a night that adds
  // a source would hold a patch for every record) and are read back into diff.json.
  const spool = await LineSpool.create(path.join(parts.dir, `${TMP_PREFIX}changed-${randomSuffix()}`));
  try {
    // The baseline's records are parsed one at a time, compared with the candidate and dropped
    // (a full snapshot is ~70 MB of objects); read in pieces, checked against the manifest's
    // sha256 at the end, before anything is decided on it.
    const differ = new RecordDiffer(records, { keepChanged: false });
    if (previousId) {
      let lastSoc = '';
      for await (const r of parts.reader.streamRecords(previousId)) {
        // Snapshots are written sorted by SOC, so the spooled entries are in diff.json's order.
        if (r.soc <= lastSoc) {
          throw new SnapshotIntegrityError(previousId, [
            `occupations.ndjson is not sorted by SOC at ${r.soc}`,
          ]);
        }
        lastSoc = r.soc;
        const changed = differ.add(r);
        if (changed) await spool.add(JSON.stringify(changed));
        decider.baselineRecord(r);
      }
    }
    const decision = decider.decide({ baselineId: previousId, quality });
    const { gates, failures } = decision;
    if (decision.block) {
      const reportPath = await writeBlockedReport(parts.dir, at, hash, {
        run,
        previousId,
        gateReport: gates,
        quality,
        counts,
        replacedDamaged,
      });
      await parts.history.append({
        type: 'blocked',
        at: at.toISOString(),
        id: null,
        baseline: previousId,
        contentSha256: hash,
        failures,
        report: path.relative(parts.dir, reportPath),
        run,
      });
      return { status: 'blocked', previousId, gateReport: gates, reportPath, failures };
    }
    const forced = gates.forced;
    const derivedFrom = candidate.derivedFrom ?? null;

    const ids = await parts.reader.listIds();
    const id = newSnapshotId(at, hash, ids.at(-1) ?? null);
    const diff = differ.finish(previousId, id);
    const manifest = await writeSnapshot(parts, lock, onPublishPoint, {
      id,
      at,
      hash,
      records,
      diff,
      changed: spool.lines(),
      partial: {
        schemaVersion: SNAPSHOT_SCHEMA_VERSION,
        parent: previousId,
        ...(replacedDamaged ? { replacedDamaged } : {}),
        sources: candidate.sources,
        releases,
        counts,
        quality,
        gates,
        diffSummary: diff.summary,
        methodology: candidate.methodology,
        forced,
        derivedFrom,
        run,
      },
    });
    if (replacedDamaged) {
      await parts.damagedList.mark(replacedDamaged.id, {
        at: at.toISOString(),
        problems: replacedDamaged.problems,
        replacedBy: id,
      });
      await parts.history.append({
        type: 'damaged',
        at: at.toISOString(),
        id: replacedDamaged.id,
        problems: replacedDamaged.problems,
        replacedBy: id,
        run,
      });
    }
    await parts.history.append({
      type: 'published',
      at: at.toISOString(),
      id,
      parent: previousId,
      forced,
      ...(forced ? { failures } : {}),
      ...(replacedDamaged ? { replacedDamaged: replacedDamaged.id } : {}),
      run,
    });
    parts.log.info({ snapshotId: id, previousId, summary: diff.summary, forced }, 'snapshot published');
    return {
      status: 'published',
      snapshotId: id,
      previousId,
      diffSummary: diff.summary,
      manifest,
      ...(replacedDamaged ? { replacedDamaged } : {}),
    };
  } finally {
    await spool.discard();
  }
}

async function writeSnapshot(
  parts: StoreParts,
  lock: HeldLock,
  onPublishPoint: ((point: PublishPoint) => void) | undefined,
  w: {
    id: string;
    at: Date;
    hash: string;
    records: readonly OccupationRecord[];
    diff: SnapshotDiff;
    /** The JSON of each changed occupation, in SOC order (diff.changed is empty: they were spooled). */
    changed: AsyncIterable<string>;
    partial: Omit<Manifest, 'id' | 'createdAt' | 'contentSha256' | 'files'>;
  },
): Promise<Manifest> {
  const point = (p: PublishPoint) => onPublishPoint?.(p);
  point('before-write');
  const tmp = path.join(parts.dir, `${TMP_PREFIX}${randomSuffix()}`);
  await fs.mkdir(tmp);
  const files: Manifest['files'] = {};
  files[SNAPSHOT_FILES.occupations] = await writeChunksDurable(
    path.join(tmp, SNAPSHOT_FILES.occupations),
    recordFilePieces(w.records),
  );
  point('during-write');
  files[SNAPSHOT_FILES.diff] = await writeChunksDurable(
    path.join(tmp, SNAPSHOT_FILES.diff),
    diffJsonPieces(w.diff, w.changed),
  );
  files[SNAPSHOT_FILES.occupationSchema] = await writeDigested(
    path.join(tmp, SNAPSHOT_FILES.occupationSchema),
    JSON.stringify(jsonSchema('occupation'), null, 2) + '\n',
  );
  files[SNAPSHOT_FILES.manifestSchema] = await writeDigested(
    path.join(tmp, SNAPSHOT_FILES.manifestSchema),
    JSON.stringify(jsonSchema('manifest'), null, 2) + '\n',
  );
  const manifest = ManifestSchema.parse({
    id: w.id,
    createdAt: w.at.toISOString(),
    contentSha256: w.hash,
    files,
    ...w.partial,
  });
  await writeFileDurable(path.join(tmp, SNAPSHOT_FILES.manifest), JSON.stringify(manifest, null, 2) + '\n');
  await sealTree(tmp);
  point('after-write');

  lock.assertHeld();
  await fs.rename(tmp, path.join(parts.dir, w.id));
  await fsyncDir(parts.dir);
  point('before-switch');

  lock.assertHeld();
  await replaceFileAtomic(path.join(parts.dir, LATEST_FILE), w.id + '\n');
  point('after-switch');
  parts.reader.manifests.set(w.id, manifest);
  return manifest;
}

async function writeBlockedReport(
  dir: string,
  at: Date,
  hash: string,
  r: {
    run: RunInfo | null;
    previousId: string | null;
    gateReport: GateReport;
    quality: QualityReport;
    counts: SnapshotCounts;
    replacedDamaged: ReplacedDamaged | null;
  },
): Promise<string> {
  const blockedDir = path.join(dir, BLOCKED_DIR);
  await fs.mkdir(blockedDir, { recursive: true });
  const file = path.join(blockedDir, `${compactTime(at)}-${hash.slice(0, 8)}-${randomSuffix()}.json`);
  const body = {
    at: at.toISOString(),
    run: r.run,
    baseline: r.previousId,
    contentSha256: hash,
    counts: r.counts,
    gateReport: r.gateReport,
    quality: r.quality,
    ...(r.replacedDamaged ? { latestDamaged: r.replacedDamaged } : {}),
  };
  await replaceFileAtomic(file, JSON.stringify(body, null, 2) + '\n');
  return file;
}

/** The candidate's records sorted by SOC (a copy of the list, not of the records); a repeated SOC throws. */
function sortedBySoc(records: readonly OccupationRecord[]): OccupationRecord[] {
  const out = [...records].sort((a, b) => (a.soc < b.soc ? -1 : a.soc > b.soc ? 1 : 0));
  for (let i = 1; i < out.length; i++)
    if (out[i]!.soc === out[i - 1]!.soc) throw duplicateSocError(out[i]!.soc);
  return out;
}

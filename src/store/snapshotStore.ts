/**
 * The snapshot store, modelled on table formats such as Apache Iceberg: a snapshot is a directory
 * written once under a temporary name and renamed into place; `latest` is a one-line pointer file
 * replaced atomically (the commit); rollback moves the pointer back; prune expires old snapshots.
 * Every publish, rollback, pin and prune holds the publish lock and is recorded in history.ndjson.
 *
 * Layout of `dir`:
 *   latest                      the id of the latest snapshot
 *   <id>/manifest.json          (+ occupations.ndjson, diff.json, schema/occupation.json, schema/manifest.json)
 *   history.ndjson, pins.json   audit log and pins
 *   blocked/<time>-<hash>.json  gate reports of blocked publishes
 *   .tmp-*, .trash-*            leftovers of interrupted writes/removals, cleaned under the lock
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { ValidationError } from '../errors.js';
import { evaluateGates, type GateFacts, gateFacts } from '../gates/evaluate.js';
import { QualityReport, type QualityReportInput } from '../gates/quality.js';
import { describeFailures, type GateConfig, type GateReport } from '../gates/report.js';
import { type Logger, silentLogger } from '../log.js';
import { type OccupationRecord, SNAPSHOT_SCHEMA_VERSION } from '../model/occupation.js';
import { duplicateSocError, validateRecord } from '../model/recordValidation.js';
import { type ChangeEvent, type EventSink, makeEvent } from '../notify/events.js';
import type { ArtifactRecord } from '../sources/artifact.js';
import { sha256 } from './canonical.js';
import { ContentHasher, countRecord, emptyCounts, recordFilePieces, releasesOf } from './content.js';
import { DamagedList, type ReplacedDamaged } from './damaged.js';
import { type DiffSummary, diffJsonPieces, diffRecords, RecordDiffer, type SnapshotDiff } from './diff.js';
import {
  InvalidSnapshotIdError,
  NoLatestSnapshotError,
  SnapshotIntegrityError,
  SnapshotNotFoundError,
} from './errors.js';
import {
  fsyncDir,
  randomSuffix,
  readFileIfExists,
  removeDirAtomic,
  replaceFileAtomic,
  TMP_PREFIX,
  TRASH_PREFIX,
  writeFileDurable,
} from './fsAtomic.js';
import { type HistoryEntry, StoreHistory } from './history.js';
import { compactTime, isSnapshotId, newSnapshotId } from './ids.js';
import { LineSpool } from './lineSpool.js';
import { acquirePublishLock, type HeldLock } from './lock.js';
import {
  type Manifest,
  ManifestSchema,
  type RunInfo,
  SNAPSHOT_FILES,
  type SnapshotCounts,
} from './manifest.js';
import { parseLines, readVerifiedLines } from './ndjson.js';
import { jsonSchema } from './schemas.js';
import {
  fileDigestProblems,
  sealTree,
  type VerifyResult,
  verifySnapshotDir,
  writeChunksDurable,
  writeDigested,
} from './snapshotFiles.js';

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

export interface PublishOptions {
  gates: GateConfig;
  /** Publish even when a gate fails; recorded in the manifest (`forced`, `gates.forced`). */
  force?: boolean;
  /** Told after the pointer switch; never delays or fails the publish beyond its own bound. */
  notifier?: EventSink;
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

export interface SnapshotSummary {
  id: string;
  createdAt: string;
  parent: string | null;
  schemaVersion: string;
  methodology: string | null;
  releases: Record<string, string[]>;
  counts: SnapshotCounts;
  diffSummary: DiffSummary;
  forced: boolean;
  derivedFrom: string | null;
  latest: boolean;
  pinned: boolean;
}

export interface SnapshotStoreOptions {
  dir: string;
  log?: Logger;
  /** When set, publishers are also serialised across machines through a Redis lock. */
  redis?: Redis;
  redisLockKey?: string;
  now?: () => Date;
  lockWaitMs?: number;
  lockStaleMs?: number;
  /** Test-only: called at each PublishPoint. */
  onPublishPoint?: (point: PublishPoint) => void;
}

/** Latest, checked against its manifest's sha256s before a refresh relies on it. */
export interface LatestState {
  latestId: string | null;
  /** Set when latest's files no longer match its manifest. */
  damaged: ReplacedDamaged | null;
  /** The snapshot to compare with and serve: latest when intact, else the newest intact one before it. */
  intactId: string | null;
}

export interface CleanupResult {
  removedTemp: string[];
  removedOrphans: string[];
  /** Latest was switched by a publisher that died before recording it; now recorded. */
  recoveredLatest: string | null;
}

export interface PruneResult {
  removed: string[];
  kept: string[];
}

const LATEST_FILE = 'latest';
const BLOCKED_DIR = 'blocked';

export class SnapshotStore {
  readonly dir: string;
  private readonly log: Logger;
  private readonly now: () => Date;
  private readonly history: StoreHistory;
  private readonly damagedList: DamagedList;
  /** Manifests never change once written: cache them by id. */
  private readonly manifests = new Map<string, Manifest>();

  constructor(private readonly opts: SnapshotStoreOptions) {
    this.dir = path.resolve(opts.dir);
    this.log = opts.log ?? silentLogger;
    this.now = opts.now ?? (() => new Date());
    this.history = new StoreHistory(this.dir);
    this.damagedList = new DamagedList(this.dir);
  }

  /**
   * Latest checked by the sha256 of its files (streamed), and when it is damaged the newest intact
   * snapshot before it (or null). Read-only: a publish marks the damaged one under the lock.
   */
  async latestState(): Promise<LatestState> {
    const latestId = await this.latestId();
    if (!latestId) return { latestId, damaged: null, intactId: null };
    const problems = await fileDigestProblems(path.join(this.dir, latestId), latestId);
    if (problems.length === 0) return { latestId, damaged: null, intactId: latestId };
    return {
      latestId,
      damaged: { id: latestId, problems },
      intactId: await this.newestIntactBefore(latestId),
    };
  }

  /** The newest snapshot older than `id` whose files match its manifest and that is not listed as damaged. */
  async newestIntactBefore(id: string): Promise<string | null> {
    const known = await this.damagedList.read();
    for (const candidate of (await this.listIds()).filter((c) => c < id).reverse()) {
      if (Object.hasOwn(known, candidate)) continue;
      if ((await fileDigestProblems(path.join(this.dir, candidate), candidate)).length === 0)
        return candidate;
    }
    return null;
  }

  /** The manifest a refresh compares with: latest when intact, else the newest intact one (or null). */
  async baselineManifest(state?: LatestState): Promise<Manifest | null> {
    const { intactId } = state ?? (await this.latestState());
    return intactId ? this.manifest(intactId) : null;
  }

  /** Snapshots found damaged by a refresh, kept for inspection. */
  async damaged(): Promise<Record<string, { at: string; problems: string[]; replacedBy: string | null }>> {
    return this.damagedList.read();
  }

  // ---------------------------------------------------------------- reading

  /** The id in the `latest` pointer, or null before the first publish. */
  async latestId(): Promise<string | null> {
    const text = await readFileIfExists(path.join(this.dir, LATEST_FILE));
    if (text === null) return null;
    const id = text.trim();
    if (!isSnapshotId(id))
      throw new Error(`${path.join(this.dir, LATEST_FILE)} holds "${id}", not a snapshot id`);
    return id;
  }

  /** The manifest of the latest snapshot, or null before the first publish. */
  async latestManifest(): Promise<Manifest | null> {
    const id = await this.latestId();
    return id ? this.manifest(id) : null;
  }

  /** `latest` or an id → an existing id. */
  async resolve(ref: string): Promise<string> {
    if (ref === 'latest') {
      const id = await this.latestId();
      if (!id) throw new NoLatestSnapshotError();
      return id;
    }
    this.assertId(ref);
    if (!(await this.exists(ref))) throw new SnapshotNotFoundError(ref);
    return ref;
  }

  /** Ids of complete snapshots, oldest first. Temporary and trashed directories are never listed. */
  async listIds(): Promise<string[]> {
    let entries: string[];
    try {
      entries = await fs.readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    return entries.filter(isSnapshotId).sort();
  }

  /** Summaries, newest first; `before` (an id) and `limit` page through them. */
  async list(opts: { limit?: number; before?: string } = {}): Promise<SnapshotSummary[]> {
    if (opts.before !== undefined) this.assertId(opts.before);
    const [ids, latest, pins] = await Promise.all([this.listIds(), this.latestId(), this.history.pins()]);
    const out: SnapshotSummary[] = [];
    for (const id of ids.reverse()) {
      if (opts.before !== undefined && id >= opts.before) continue;
      if (opts.limit !== undefined && out.length >= opts.limit) break;
      try {
        out.push(this.summarise(await this.manifest(id), latest, pins));
      } catch (err) {
        if (err instanceof SnapshotNotFoundError) continue; // pruned meanwhile
        throw err;
      }
    }
    return out;
  }

  async summary(id: string): Promise<SnapshotSummary> {
    const [m, latest, pins] = await Promise.all([this.manifest(id), this.latestId(), this.history.pins()]);
    return this.summarise(m, latest, pins);
  }

  private summarise(m: Manifest, latest: string | null, pins: Record<string, unknown>): SnapshotSummary {
    return {
      id: m.id,
      createdAt: m.createdAt,
      parent: m.parent,
      schemaVersion: m.schemaVersion,
      methodology: m.methodology,
      releases: m.releases,
      counts: m.counts,
      diffSummary: m.diffSummary,
      forced: m.forced,
      derivedFrom: m.derivedFrom,
      latest: m.id === latest,
      pinned: Object.hasOwn(pins, m.id),
    };
  }

  async manifest(id: string): Promise<Manifest> {
    this.assertId(id);
    const cached = this.manifests.get(id);
    if (cached) return cached;
    const text = await readFileIfExists(path.join(this.dir, id, SNAPSHOT_FILES.manifest));
    if (text === null) throw new SnapshotNotFoundError(id);
    const parsed = ManifestSchema.safeParse(JSON.parse(text));
    if (!parsed.success) {
      throw new SnapshotIntegrityError(
        id,
        parsed.error.issues.map((i) => `manifest.json ${i.path.join('.')}: ${i.message}`),
      );
    }
    this.manifests.set(id, parsed.data);
    return parsed.data;
  }

  /** The raw occupations.ndjson, checked against the manifest's sha256 (so a damaged file is never served). */
  async occupationsFile(id: string): Promise<Buffer> {
    return this.checkedFile(id, SNAPSHOT_FILES.occupations);
  }

  /** A JSON Schema file as stored in the snapshot, checked against the manifest. */
  async schemaFile(id: string, name: 'occupation' | 'manifest'): Promise<Buffer> {
    const rel = name === 'occupation' ? SNAPSHOT_FILES.occupationSchema : SNAPSHOT_FILES.manifestSchema;
    return this.checkedFile(id, rel);
  }

  private async checkedFile(id: string, rel: string): Promise<Buffer> {
    const m = await this.manifest(id);
    const entry = m.files[rel];
    let buf: Buffer;
    try {
      buf = await fs.readFile(path.join(this.dir, id, rel));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new SnapshotNotFoundError(id);
      throw err;
    }
    if (!entry || sha256(buf) !== entry.sha256) {
      throw new SnapshotIntegrityError(id, [`${rel} does not match its manifest sha256`]);
    }
    return buf;
  }

  async records(id: string): Promise<OccupationRecord[]> {
    return parseLines<OccupationRecord>(await this.occupationsFile(id));
  }

  /** A snapshot's records one at a time, read in pieces; throws at the end if the file's sha256 is off. */
  private async *streamRecords(id: string): AsyncGenerator<OccupationRecord> {
    const m = await this.manifest(id);
    const rel = SNAPSHOT_FILES.occupations;
    const entry = m.files[rel];
    if (!entry) throw new SnapshotIntegrityError(id, [`manifest does not list ${rel}`]);
    try {
      yield* readVerifiedLines<OccupationRecord>(
        path.join(this.dir, id, rel),
        entry.sha256,
        () => new SnapshotIntegrityError(id, [`${rel} does not match its manifest sha256`]),
      );
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new SnapshotNotFoundError(id);
      throw err;
    }
  }

  /** One record (the API keeps its own per-record cache; this is for the CLI and tests). */
  async record(id: string, soc: string): Promise<OccupationRecord | null> {
    return (await this.records(id)).find((r) => r.soc === soc) ?? null;
  }

  /** The stored diff against the parent. */
  async storedDiff(id: string): Promise<SnapshotDiff> {
    return JSON.parse((await this.checkedFile(id, SNAPSHOT_FILES.diff)).toString('utf8')) as SnapshotDiff;
  }

  /** What changed from snapshot `from` to snapshot `to` (any two; the stored diff when `from` is the parent). */
  async diff(from: string, to: string): Promise<SnapshotDiff> {
    const [a, b] = await Promise.all([this.resolve(from), this.resolve(to)]);
    const mb = await this.manifest(b);
    if (mb.parent === a) return this.storedDiff(b);
    const [ra, rb] = await Promise.all([this.records(a), this.records(b)]);
    return diffRecords({ id: a, records: ra }, { id: b, records: rb });
  }

  async verify(ref: string): Promise<VerifyResult> {
    const id = await this.resolve(ref);
    return verifySnapshotDir(path.join(this.dir, id), id);
  }

  async historyEntries(): Promise<HistoryEntry[]> {
    return (await this.history.entries()) ?? [];
  }

  async pins(): Promise<string[]> {
    return Object.keys(await this.history.pins()).sort();
  }

  // ---------------------------------------------------------------- publishing

  async publish(candidate: CandidateSnapshot, opts: PublishOptions): Promise<PublishResult> {
    const quality = QualityReport.parse(candidate.quality);
    const releases = releasesOf(candidate.sources);
    const methodology = candidate.methodology;
    // One pass, one parse per record: validated, hashed, counted and reduced to what the gates read.
    const hasher = new ContentHasher({ schemaVersion: SNAPSHOT_SCHEMA_VERSION, methodology, releases });
    const counts = emptyCounts();
    const candidateFacts: GateFacts[] = [];
    const records = sortedBySoc(candidate.records);
    records.forEach((r, i) => {
      validateRecord(r, i);
      hasher.add(r);
      countRecord(counts, r);
      candidateFacts.push(gateFacts(r));
    });
    const hash = hasher.digest();
    const run = candidate.run ?? null;
    const derivedFrom = candidate.derivedFrom ?? null;
    if (derivedFrom !== null) this.assertId(derivedFrom);

    let recovered: string | null = null;
    const result = await this.withLock(async (lock, cleanup) => {
      recovered = cleanup.recoveredLatest;
      // A damaged latest is never a baseline nor "unchanged": the candidate replaces it, compared
      // with the newest intact snapshot (or none).
      const state = await this.latestState();
      const replacedDamaged = state.damaged;
      const previousId = state.intactId;
      const previous = previousId ? await this.manifest(previousId) : null;
      const at = this.now();
      if (replacedDamaged) {
        this.log.warn(
          {
            damaged: replacedDamaged.id,
            problems: replacedDamaged.problems.slice(0, 5),
            baseline: previousId,
          },
          'latest snapshot is damaged: this run replaces it',
        );
      }

      if (!replacedDamaged && previous && previous.contentSha256 === hash) {
        await this.history.append({ type: 'unchanged', at: at.toISOString(), id: previous.id, run });
        this.log.info({ snapshotId: previous.id }, 'content identical to latest: no new snapshot');
        return { status: 'unchanged', snapshotId: previous.id } as const;
      }

      // Changed occupations go to a spool file as they are found (kept in memory, a night that adds
      // a source would hold a patch for every record) and are read back into diff.json.
      const spool = await LineSpool.create(path.join(this.dir, `${TMP_PREFIX}changed-${randomSuffix()}`));
      try {
        // The latest snapshot's records are parsed one at a time, compared with the candidate and
        // dropped: only what the gates read of them is kept (a full snapshot is ~70 MB of objects).
        const differ = new RecordDiffer(records, { keepChanged: false });
        const previousFacts: GateFacts[] = [];
        if (previousId) {
          // Read in pieces, checked against the manifest's sha256 at the end (before anything is
          // decided on it): the latest snapshot is never held whole, neither as bytes nor as objects.
          let lastSoc = '';
          for await (const r of this.streamRecords(previousId)) {
            // Snapshots are written sorted by SOC, so the spooled entries are in diff.json's order.
            if (r.soc <= lastSoc) {
              throw new SnapshotIntegrityError(previousId, [
                `occupations.ndjson is not sorted by SOC at ${r.soc}`,
              ]);
            }
            lastSoc = r.soc;
            const changed = differ.add(r);
            if (changed) await spool.add(JSON.stringify(changed));
            previousFacts.push(gateFacts(r));
          }
        }
        const gateReport = evaluateGates({
          candidate: candidateFacts,
          quality,
          baseline: previousId ? { id: previousId, records: previousFacts } : null,
          config: opts.gates,
        });
        const failures = describeFailures(gateReport);
        if (!gateReport.passed && !opts.force) {
          const reportPath = await this.writeBlockedReport(at, hash, {
            run,
            previousId,
            gateReport,
            quality,
            counts,
            replacedDamaged,
          });
          await this.history.append({
            type: 'blocked',
            at: at.toISOString(),
            id: null,
            baseline: previousId,
            contentSha256: hash,
            failures,
            report: path.relative(this.dir, reportPath),
            run,
          });
          this.log.warn({ failures, reportPath }, 'quality gates failed: publish blocked');
          return { status: 'blocked', previousId, gateReport, reportPath, failures } as const;
        }
        const forced = !gateReport.passed;
        if (forced) {
          gateReport.forced = true;
          this.log.warn({ failures }, 'quality gates failed: publishing anyway (--force)');
        }

        const ids = await this.listIds();
        const id = newSnapshotId(at, hash, ids.at(-1) ?? null);
        const diff = differ.finish(previousId, id);
        const manifest = await this.writeSnapshot(lock, {
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
            gates: gateReport,
            diffSummary: diff.summary,
            methodology,
            forced,
            derivedFrom,
            run,
          },
        });
        if (replacedDamaged) {
          await this.damagedList.mark(replacedDamaged.id, {
            at: at.toISOString(),
            problems: replacedDamaged.problems,
            replacedBy: id,
          });
          await this.history.append({
            type: 'damaged',
            at: at.toISOString(),
            id: replacedDamaged.id,
            problems: replacedDamaged.problems,
            replacedBy: id,
            run,
          });
        }
        await this.history.append({
          type: 'published',
          at: at.toISOString(),
          id,
          parent: previousId,
          forced,
          ...(forced ? { failures } : {}),
          ...(replacedDamaged ? { replacedDamaged: replacedDamaged.id } : {}),
          run,
        });
        this.log.info({ snapshotId: id, previousId, summary: diff.summary, forced }, 'snapshot published');
        return {
          status: 'published',
          snapshotId: id,
          previousId,
          diffSummary: diff.summary,
          manifest,
          ...(replacedDamaged ? { replacedDamaged } : {}),
        } as const;
      } finally {
        await spool.discard();
      }
    });

    if (opts.notifier) {
      if (recovered) await this.announceRecovered(recovered, opts.notifier);
      if (result.status === 'published') {
        await safeEmit(
          opts.notifier,
          makeEvent(
            'snapshot.published',
            {
              snapshotId: result.snapshotId,
              previousId: result.previousId,
              counts: result.manifest.counts,
              diffSummary: result.diffSummary,
              forced: result.manifest.forced,
              ...(result.replacedDamaged ? { replacedDamaged: result.replacedDamaged } : {}),
              run,
            },
            this.now(),
          ),
          this.log,
        );
      }
    }
    return result;
  }

  private async writeSnapshot(
    lock: HeldLock,
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
    const point = (p: PublishPoint) => this.opts.onPublishPoint?.(p);
    point('before-write');
    const tmp = path.join(this.dir, `${TMP_PREFIX}${randomSuffix()}`);
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
    await fs.rename(tmp, path.join(this.dir, w.id));
    await fsyncDir(this.dir);
    point('before-switch');

    lock.assertHeld();
    await replaceFileAtomic(path.join(this.dir, LATEST_FILE), w.id + '\n');
    point('after-switch');
    this.manifests.set(w.id, manifest);
    return manifest;
  }

  private async writeBlockedReport(
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
    const dir = path.join(this.dir, BLOCKED_DIR);
    await fs.mkdir(dir, { recursive: true });
    const file = path.join(dir, `${compactTime(at)}-${hash.slice(0, 8)}-${randomSuffix()}.json`);
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

  // ---------------------------------------------------------------- rollback, pins, prune

  /** Make an older (or newer) existing snapshot latest. Refuses a snapshot that fails verification. */
  async rollback(
    target: string,
    opts: { who: string; why: string; notifier?: EventSink },
  ): Promise<{ snapshotId: string; previousId: string | null; changed: boolean }> {
    this.assertId(target);
    let recovered: string | null = null;
    const result = await this.withLock(async (lock, cleanup) => {
      recovered = cleanup.recoveredLatest;
      if (!(await this.exists(target))) throw new SnapshotNotFoundError(target);
      const check = await verifySnapshotDir(path.join(this.dir, target), target);
      if (!check.ok) throw new SnapshotIntegrityError(target, check.problems);
      const previousId = await this.latestId();
      if (previousId === target) return { snapshotId: target, previousId, changed: false };
      lock.assertHeld();
      await replaceFileAtomic(path.join(this.dir, LATEST_FILE), target + '\n');
      await this.history.append({
        type: 'rolled_back',
        at: this.now().toISOString(),
        id: target,
        previous: previousId,
        who: opts.who,
        why: opts.why,
      });
      this.log.warn({ snapshotId: target, previousId, who: opts.who, why: opts.why }, 'latest rolled back');
      return { snapshotId: target, previousId, changed: true };
    });
    if (opts.notifier) {
      if (recovered) await this.announceRecovered(recovered, opts.notifier);
      if (result.changed) {
        let diffSummary: DiffSummary | null = null;
        try {
          diffSummary = result.previousId ? (await this.diff(result.previousId, target)).summary : null;
        } catch (err) {
          this.log.warn({ err }, 'could not compute the rollback diff summary');
        }
        await safeEmit(
          opts.notifier,
          makeEvent(
            'snapshot.rolled_back',
            {
              snapshotId: target,
              previousId: result.previousId,
              counts: (await this.manifest(target)).counts,
              diffSummary,
              rollback: { who: opts.who, why: opts.why },
            },
            this.now(),
          ),
          this.log,
        );
      }
    }
    return result;
  }

  async pin(id: string, opts: { who?: string; why?: string } = {}): Promise<void> {
    this.assertId(id);
    await this.withLock(async () => {
      if (!(await this.exists(id))) throw new SnapshotNotFoundError(id);
      const pins = await this.history.pins();
      const at = this.now().toISOString();
      pins[id] = { at, ...(opts.who ? { who: opts.who } : {}), ...(opts.why ? { why: opts.why } : {}) };
      await this.history.writePins(pins);
      await this.history.append({ type: 'pinned', at, id, ...opts });
    });
  }

  async unpin(id: string, opts: { who?: string; why?: string } = {}): Promise<void> {
    this.assertId(id);
    await this.withLock(async () => {
      const pins = await this.history.pins();
      if (!Object.hasOwn(pins, id)) return;
      delete pins[id];
      await this.history.writePins(pins);
      await this.history.append({ type: 'unpinned', at: this.now().toISOString(), id, ...opts });
    });
  }

  /**
   * Expire old snapshots: keeps the newest `keep`, latest, pinned ones, and everything newer than
   * latest (roll-forward targets after a rollback); removes the rest, oldest first.
   */
  async prune(opts: { keep?: number; dryRun?: boolean; who?: string } = {}): Promise<PruneResult> {
    const keep = opts.keep ?? 30;
    if (!Number.isInteger(keep) || keep < 1)
      throw new ValidationError(`prune: keep must be an integer ≥ 1, got ${keep}`, 'prune');
    return this.withLock(async () => {
      const ids = await this.listIds();
      const latest = await this.latestId();
      const pins = await this.history.pins();
      const newest = new Set(ids.slice(-keep));
      const protectedIds = (id: string) =>
        newest.has(id) || id === latest || Object.hasOwn(pins, id) || (latest !== null && id > latest);
      const removed = ids.filter((id) => !protectedIds(id));
      const kept = ids.filter(protectedIds);
      if (opts.dryRun || removed.length === 0) return { removed, kept };
      for (const id of removed) {
        await removeDirAtomic(path.join(this.dir, id));
        this.manifests.delete(id);
      }
      await this.history.append({
        type: 'pruned',
        at: this.now().toISOString(),
        id: null,
        removed,
        keep,
        ...(opts.who ? { who: opts.who } : {}),
      });
      this.log.info({ removed, keep }, 'snapshots pruned');
      return { removed, kept };
    });
  }

  /** Remove what interrupted publishes left behind (takes the lock; publish does this itself). */
  async cleanLeftovers(): Promise<CleanupResult> {
    return this.withLock(async (_lock, cleanup) => cleanup);
  }

  // ---------------------------------------------------------------- internals

  private async withLock<T>(fn: (lock: HeldLock, cleanup: CleanupResult) => Promise<T>): Promise<T> {
    await fs.mkdir(this.dir, { recursive: true });
    const lock = await acquirePublishLock({
      dir: this.dir,
      log: this.log,
      redis: this.opts.redis,
      ...(this.opts.redisLockKey ? { redisKey: this.opts.redisLockKey } : {}),
      ...(this.opts.lockWaitMs !== undefined ? { waitMs: this.opts.lockWaitMs } : {}),
      ...(this.opts.lockStaleMs !== undefined ? { staleMs: this.opts.lockStaleMs } : {}),
    });
    try {
      const cleanup = await this.cleanUnderLock();
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
  private async cleanUnderLock(): Promise<CleanupResult> {
    const result: CleanupResult = { removedTemp: [], removedOrphans: [], recoveredLatest: null };
    for (const name of await fs.readdir(this.dir)) {
      if (name.startsWith(TMP_PREFIX) || name.startsWith(TRASH_PREFIX) || name.includes(TMP_PREFIX)) {
        await fs.rm(path.join(this.dir, name), { recursive: true, force: true });
        result.removedTemp.push(name);
      }
    }
    const blockedDir = path.join(this.dir, BLOCKED_DIR);
    for (const name of (await fs.readdir(blockedDir).catch(() => [] as string[])).filter((n) =>
      n.includes(TMP_PREFIX),
    )) {
      await fs.rm(path.join(blockedDir, name), { force: true });
      result.removedTemp.push(`${BLOCKED_DIR}/${name}`);
    }
    await this.history.repairTornLine();
    const entries = await this.history.entries();
    const latest = await this.latestId();
    const known = new Set<string>();
    for (const e of entries ?? []) {
      if (e.id) known.add(e.id);
      if (typeof e.previous === 'string') known.add(e.previous);
    }
    // Without a history file (a store copied by hand) nothing can be called an orphan, unless
    // there is no latest at all (the very first publish was interrupted).
    if (entries !== null || latest === null) {
      const newestKnown = [...known].filter(isSnapshotId).sort().at(-1);
      for (const id of await this.listIds()) {
        const orphan =
          id !== latest &&
          !known.has(id) &&
          (latest === null || id > latest) &&
          (newestKnown === undefined || id > newestKnown);
        if (!orphan) continue;
        await removeDirAtomic(path.join(this.dir, id));
        this.manifests.delete(id);
        result.removedOrphans.push(id);
        await this.history.append({ type: 'orphan_removed', at: this.now().toISOString(), id });
      }
    }
    if (latest && !known.has(latest)) {
      const m = await this.manifest(latest);
      await this.history.append({
        type: 'published',
        at: this.now().toISOString(),
        id: latest,
        parent: m.parent,
        forced: m.forced,
        recovered: true,
        run: m.run,
      });
      result.recoveredLatest = latest;
    }
    if (result.removedTemp.length || result.removedOrphans.length || result.recoveredLatest) {
      this.log.warn(result, 'cleaned up after an interrupted publish');
    }
    return result;
  }

  private async announceRecovered(id: string, notifier: EventSink): Promise<void> {
    const m = await this.manifest(id);
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
        this.now(),
      ),
      this.log,
    );
  }

  private assertId(id: string): void {
    if (!isSnapshotId(id)) throw new InvalidSnapshotIdError(id);
  }

  private async exists(id: string): Promise<boolean> {
    try {
      await fs.access(path.join(this.dir, id, SNAPSHOT_FILES.manifest));
      return true;
    } catch {
      return false;
    }
  }
}

/** The candidate's records sorted by SOC (a copy of the list, not of the records); a repeated SOC throws. */
function sortedBySoc(records: readonly OccupationRecord[]): OccupationRecord[] {
  const out = [...records].sort((a, b) => (a.soc < b.soc ? -1 : a.soc > b.soc ? 1 : 0));
  for (let i = 1; i < out.length; i++)
    if (out[i]!.soc === out[i - 1]!.soc) throw duplicateSocError(out[i]!.soc);
  return out;
}

async function safeEmit(sink: EventSink, event: ChangeEvent, log: Logger): Promise<void> {
  try {
    await sink.emit(event);
  } catch (err) {
    log.warn({ err, eventType: event.type }, 'could not emit change event');
  }
}

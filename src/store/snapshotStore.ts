/**
 * The snapshot store, modelled on table formats such as Apache Iceberg: a snapshot is a directory
 * written once under a temporary name and renamed into place; `latest` is a one-line pointer file
 * replaced atomically (the commit); rollback moves the pointer back; prune expires old snapshots.
 * Every publish, rollback, pin and prune holds the publish lock and is recorded in history.ndjson.
 * The store only stores: whether a candidate may be published (the gates) and who is told about it
 * (change events) are decided by src/pipeline/publish/.
 *
 * Layout of `dir`:
 *   latest                      the id of the latest snapshot
 *   <id>/manifest.json          (+ occupations.ndjson, diff.json, schema/occupation.json, schema/manifest.json)
 *   history.ndjson, pins.json   audit log and pins
 *   damaged.json                snapshots found damaged and replaced, kept for inspection
 *   blocked/<time>-<hash>.json  gate reports of blocked publishes
 *   .tmp-*, .trash-*            leftovers of interrupted writes/removals, cleaned under the lock
 *
 * This class is the one door; the work is in snapshotReader.ts (reading, verifying),
 * publishTransaction.ts (the publish), storeMaintenance.ts (rollback, pins, prune) and
 * storeLock.ts (the lock and the cleanup of killed holders).
 */
import path from 'node:path';
import { type Logger, silentLogger } from '../log.js';
import type { OccupationRecord } from '../model/occupation.js';
import { type DamagedEntry, DamagedList } from './damaged.js';
import type { SnapshotDiff } from './diff.js';
import { type HistoryEntry, StoreHistory } from './history.js';
import type { HeldLock } from './lock.js';
import { type Manifest, SNAPSHOT_FILES } from './manifest.js';
import {
  type CandidateSnapshot,
  type PublishDecider,
  type PublishPoint,
  type PublishResult,
  prepareCandidate,
  publishUnderLock,
} from './publishTransaction.js';
import type { VerifyResult } from './snapshotFiles.js';
import { type LatestState, SnapshotReader, type SnapshotSummary } from './snapshotReader.js';
import { type CleanupResult, type StoreLockOptions, withStoreLock } from './storeLock.js';
import {
  type PruneResult,
  pinUnderLock,
  pruneKeep,
  pruneUnderLock,
  type RollbackResult,
  rollbackUnderLock,
  unpinUnderLock,
} from './storeMaintenance.js';
import type { StoreParts } from './storeParts.js';

export interface SnapshotStoreOptions extends StoreLockOptions {
  dir: string;
  log?: Logger;
  now?: () => Date;
  /** Test-only: called at each PublishPoint. */
  onPublishPoint?: (point: PublishPoint) => void;
}

/** A change under the lock, and the latest a killed publisher had switched without recording (now recorded). */
export type Locked<T> = T & { recoveredLatest: string | null };

export class SnapshotStore {
  readonly dir: string;
  private readonly parts: StoreParts;
  private readonly reader: SnapshotReader;

  constructor(private readonly opts: SnapshotStoreOptions) {
    this.dir = path.resolve(opts.dir);
    const history = new StoreHistory(this.dir);
    const damagedList = new DamagedList(this.dir);
    this.reader = new SnapshotReader(this.dir, history, damagedList);
    this.parts = {
      dir: this.dir,
      log: opts.log ?? silentLogger,
      now: opts.now ?? (() => new Date()),
      history,
      damagedList,
      reader: this.reader,
    };
  }

  // ---------------------------------------------------------------- reading (snapshotReader.ts)

  latestState(): Promise<LatestState> {
    return this.reader.latestState();
  }
  /** The newest snapshot older than `id` whose files match its manifest and that is not listed as damaged. */
  newestIntactBefore(id: string): Promise<string | null> {
    return this.reader.newestIntactBefore(id);
  }
  /** The manifest a refresh compares with: latest when intact, else the newest intact one (or null). */
  async baselineManifest(state?: LatestState): Promise<Manifest | null> {
    const { intactId } = state ?? (await this.reader.latestState());
    return intactId ? this.reader.manifest(intactId) : null;
  }
  /** Snapshots found damaged by a refresh, kept for inspection. */
  damaged(): Promise<Record<string, DamagedEntry>> {
    return this.parts.damagedList.read();
  }
  latestId(): Promise<string | null> {
    return this.reader.latestId();
  }
  /** The manifest of the latest snapshot, or null before the first publish. */
  async latestManifest(): Promise<Manifest | null> {
    const id = await this.reader.latestId();
    return id ? this.reader.manifest(id) : null;
  }
  resolve(ref: string): Promise<string> {
    return this.reader.resolve(ref);
  }
  listIds(): Promise<string[]> {
    return this.reader.listIds();
  }
  list(opts: { limit?: number; before?: string } = {}): Promise<SnapshotSummary[]> {
    return this.reader.list(opts);
  }
  summary(id: string): Promise<SnapshotSummary> {
    return this.reader.summary(id);
  }
  manifest(id: string): Promise<Manifest> {
    return this.reader.manifest(id);
  }
  /** The raw occupations.ndjson, checked against the manifest's sha256 (so a damaged file is never served). */
  occupationsFile(id: string): Promise<Buffer> {
    return this.reader.checkedFile(id, SNAPSHOT_FILES.occupations);
  }
  /** A JSON Schema file as stored in the snapshot, checked against the manifest. */
  schemaFile(id: string, name: 'occupation' | 'manifest'): Promise<Buffer> {
    return this.reader.checkedFile(
      id,
      name === 'occupation' ? SNAPSHOT_FILES.occupationSchema : SNAPSHOT_FILES.manifestSchema,
    );
  }
  records(id: string): Promise<OccupationRecord[]> {
    return this.reader.records(id);
  }
  /** One record (the API keeps its own per-record cache; this is for the CLI and tests). */
  async record(id: string, soc: string): Promise<OccupationRecord | null> {
    return (await this.reader.records(id)).find((r) => r.soc === soc) ?? null;
  }
  storedDiff(id: string): Promise<SnapshotDiff> {
    return this.reader.storedDiff(id);
  }
  diff(from: string, to: string): Promise<SnapshotDiff> {
    return this.reader.diff(from, to);
  }
  verify(ref: string): Promise<VerifyResult> {
    return this.reader.verify(ref);
  }
  async historyEntries(): Promise<HistoryEntry[]> {
    return (await this.parts.history.entries()) ?? [];
  }
  async pins(): Promise<string[]> {
    return Object.keys(await this.parts.history.pins()).sort();
  }

  // ---------------------------------------------------------------- changes (under the lock)

  /**
   * Validate, compare with the baseline, let `decider` publish or block, and commit. Callers go
   * through src/pipeline/publish/publishSnapshot.ts, which brings the gates and the change events.
   */
  async publish(candidate: CandidateSnapshot, decider: PublishDecider): Promise<Locked<PublishResult>> {
    const prepared = prepareCandidate(candidate, decider);
    if (candidate.derivedFrom != null) this.reader.assertId(candidate.derivedFrom);
    return this.locked((lock) =>
      publishUnderLock(this.parts, lock, prepared, decider, this.opts.onPublishPoint),
    );
  }

  /** Make an older (or newer) existing snapshot latest. Refuses a snapshot that fails verification. */
  async rollback(target: string, opts: { who: string; why: string }): Promise<Locked<RollbackResult>> {
    this.reader.assertId(target);
    return this.locked((lock) => rollbackUnderLock(this.parts, lock, target, opts));
  }

  async pin(id: string, opts: { who?: string; why?: string } = {}): Promise<void> {
    this.reader.assertId(id);
    await withStoreLock(this.parts, this.opts, () => pinUnderLock(this.parts, id, opts));
  }

  async unpin(id: string, opts: { who?: string; why?: string } = {}): Promise<void> {
    this.reader.assertId(id);
    await withStoreLock(this.parts, this.opts, () => unpinUnderLock(this.parts, id, opts));
  }

  /** Expire old snapshots (storeMaintenance.ts says which are kept). */
  async prune(opts: { keep?: number; dryRun?: boolean; who?: string } = {}): Promise<PruneResult> {
    const keep = pruneKeep(opts.keep);
    return withStoreLock(this.parts, this.opts, () => pruneUnderLock(this.parts, keep, opts));
  }

  /** Remove what interrupted publishes left behind (takes the lock; publish does this itself). */
  async cleanLeftovers(): Promise<CleanupResult> {
    return withStoreLock(this.parts, this.opts, async (_lock, cleanup) => cleanup);
  }

  private locked<T extends object>(fn: (lock: HeldLock) => Promise<T>): Promise<Locked<T>> {
    return withStoreLock(this.parts, this.opts, async (lock, cleanup) => ({
      ...(await fn(lock)),
      recoveredLatest: cleanup.recoveredLatest,
    }));
  }
}

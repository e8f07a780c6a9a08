/**
 * Reading and verifying snapshots: the `latest` pointer, manifests (cached: they never change once
 * written), files checked against their manifest's sha256, records, diffs, listings and the
 * damaged-latest check. Nothing here takes the publish lock or writes.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { OccupationRecord } from '../model/occupation.js';
import { sha256 } from './canonical.js';
import type { DamagedList, ReplacedDamaged } from './damaged.js';
import { type DiffSummary, diffRecords, type SnapshotDiff } from './diff.js';
import {
  InvalidSnapshotIdError,
  NoLatestSnapshotError,
  SnapshotIntegrityError,
  SnapshotNotFoundError,
} from './errors.js';
import { readFileIfExists } from './fsAtomic.js';
import type { StoreHistory } from './history.js';
import { isSnapshotId } from './ids.js';
import { type Manifest, ManifestSchema, SNAPSHOT_FILES, type SnapshotCounts } from './manifest.js';
import { parseLines, readVerifiedLines } from './ndjson.js';
import { fileDigestProblems, type VerifyResult, verifySnapshotDir } from './snapshotFiles.js';

export const LATEST_FILE = 'latest';

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

/** Latest, checked against its manifest's sha256s before a refresh relies on it. */
export interface LatestState {
  latestId: string | null;
  /** Set when latest's files no longer match its manifest. */
  damaged: ReplacedDamaged | null;
  /** The snapshot to compare with and serve: latest when intact, else the newest intact one before it. */
  intactId: string | null;
}

export class SnapshotReader {
  /** Manifests never change once written: cached by id (prune and orphan removal forget them). */
  readonly manifests = new Map<string, Manifest>();

  constructor(
    readonly dir: string,
    private readonly history: StoreHistory,
    private readonly damagedList: DamagedList,
  ) {}

  assertId(id: string): void {
    if (!isSnapshotId(id)) throw new InvalidSnapshotIdError(id);
  }

  async exists(id: string): Promise<boolean> {
    try {
      await fs.access(path.join(this.dir, id, SNAPSHOT_FILES.manifest));
      return true;
    } catch {
      return false;
    }
  }

  /** The id in the `latest` pointer, or null before the first publish. */
  async latestId(): Promise<string | null> {
    const text = await readFileIfExists(path.join(this.dir, LATEST_FILE));
    if (text === null) return null;
    const id = text.trim();
    if (!isSnapshotId(id))
      throw new Error(`${path.join(this.dir, LATEST_FILE)} holds "${id}", not a snapshot id`);
    return id;
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
        out.push(summarise(await this.manifest(id), latest, pins));
      } catch (err) {
        if (err instanceof SnapshotNotFoundError) continue; // pruned meanwhile
        throw err;
      }
    }
    return out;
  }

  async summary(id: string): Promise<SnapshotSummary> {
    const [m, latest, pins] = await Promise.all([this.manifest(id), this.latestId(), this.history.pins()]);
    return summarise(m, latest, pins);
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

  /** A file of a snapshot, checked against the manifest's sha256 (so a damaged file is never served). */
  async checkedFile(id: string, rel: string): Promise<Buffer> {
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
    return parseLines<OccupationRecord>(await this.checkedFile(id, SNAPSHOT_FILES.occupations));
  }

  /** A snapshot's records one at a time, read in pieces; throws at the end if the file's sha256 is off. */
  async *streamRecords(id: string): AsyncGenerator<OccupationRecord> {
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
}

function summarise(m: Manifest, latest: string | null, pins: Record<string, unknown>): SnapshotSummary {
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

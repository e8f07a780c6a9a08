/**
 * Parsed snapshots for the read API. Snapshots are immutable, so each is loaded once (its
 * occupations file checked against the manifest), split into pre-serialised per-record buffers
 * with their ETags, and kept (least recently used first out). The `latest` pointer is re-read at
 * most every `latestTtlMs`, so a publish or rollback shows within that time without a file read
 * per request.
 */

import { NoLatestSnapshotError, SnapshotIntegrityError } from '../store/errors.js';
import type { Manifest } from '../store/manifest.js';
import { splitLines } from '../store/ndjson.js';
import type { SnapshotStore } from '../store/snapshotStore.js';
import { etagOf } from './etag.js';

export interface CachedBody {
  body: Buffer;
  etag: string;
}

export interface LoadedSnapshot {
  id: string;
  manifest: Manifest;
  manifestBody: CachedBody;
  records: Map<string, CachedBody>;
  /** Record lines in SOC order (the NDJSON / JSON array bodies are streamed from these). */
  lines: Buffer[];
  /** Total bytes of the lines, without separators. */
  bytes: number;
}

/** Latest failed its integrity check: the newest intact snapshot is served in its place. */
export interface LatestFallback {
  damagedId: string;
  problems: string[];
  /** What is served instead (null: nothing intact, so latest-based routes fail). */
  servingId: string | null;
}

export interface SnapshotCacheOptions {
  maxSnapshots?: number;
  latestTtlMs?: number;
  now?: () => number;
}

export class SnapshotCache {
  private readonly loaded = new Map<string, Promise<LoadedSnapshot>>();
  private latest: { id: string | null; checkedAt: number } | null = null;
  private latestInFlight: Promise<string | null> | null = null;
  /** By damaged latest id: snapshots never change, so a damaged one is looked at once. */
  private readonly fallbacks = new Map<string, Promise<LatestFallback>>();
  private readonly maxSnapshots: number;
  private readonly latestTtlMs: number;
  private readonly now: () => number;

  constructor(
    private readonly store: SnapshotStore,
    opts: SnapshotCacheOptions = {},
  ) {
    this.maxSnapshots = opts.maxSnapshots ?? 4;
    this.latestTtlMs = opts.latestTtlMs ?? 1_000;
    this.now = opts.now ?? Date.now;
  }

  /** The latest id, re-read from the store when the cached value is older than the TTL. */
  async latestId(): Promise<string | null> {
    const cached = this.latest;
    if (cached && this.now() - cached.checkedAt < this.latestTtlMs) return cached.id;
    this.latestInFlight ??= this.store
      .latestId()
      .then((id) => {
        this.latest = { id, checkedAt: this.now() };
        return id;
      })
      .finally(() => {
        this.latestInFlight = null;
      });
    return this.latestInFlight;
  }

  /** Forget the cached latest pointer (after a publish or rollback in this process). */
  invalidateLatest(): void {
    this.latest = null;
  }

  /**
   * The latest snapshot, or when it fails its integrity check the newest intact one before it (a
   * refresh will replace the damaged one); `fallback` says so. Nothing intact: the integrity error.
   */
  async getLatest(): Promise<LoadedSnapshot> {
    return (await this.latestServed()).snap;
  }

  async latestServed(): Promise<{ snap: LoadedSnapshot; fallback: LatestFallback | null }> {
    const id = await this.latestId();
    if (!id) throw new NoLatestSnapshotError();
    let fallback = this.fallbacks.get(id);
    if (!fallback) {
      try {
        return { snap: await this.get(id), fallback: null };
      } catch (err) {
        if (!(err instanceof SnapshotIntegrityError)) throw err;
        fallback = this.store
          .newestIntactBefore(id)
          .then((servingId) => ({ damagedId: id, problems: err.problems, servingId }));
        this.fallbacks.set(id, fallback);
        fallback.catch(() => this.fallbacks.delete(id));
      }
    }
    const f = await fallback;
    if (!f.servingId) throw new SnapshotIntegrityError(id, f.problems);
    return { snap: await this.get(f.servingId), fallback: f };
  }

  /** A loaded snapshot; `id` must already be a well-formed id. */
  get(id: string): Promise<LoadedSnapshot> {
    let p = this.loaded.get(id);
    if (p) {
      // Refresh LRU position.
      this.loaded.delete(id);
      this.loaded.set(id, p);
      return p;
    }
    p = this.load(id);
    this.loaded.set(id, p);
    p.catch(() => this.loaded.delete(id));
    while (this.loaded.size > this.maxSnapshots) {
      const oldest = this.loaded.keys().next().value as string;
      this.loaded.delete(oldest);
    }
    return p;
  }

  private async load(id: string): Promise<LoadedSnapshot> {
    const manifest = await this.store.manifest(id);
    const file = await this.store.occupationsFile(id);
    // Copy out of the file buffer once so each record body is an independent, compact Buffer.
    const lines = splitLines(file).map((l) => Buffer.from(l));
    const records = new Map<string, CachedBody>();
    let bytes = 0;
    for (const line of lines) {
      const { soc } = JSON.parse(line.toString('utf8')) as { soc: string };
      records.set(soc, { body: line, etag: etagOf(line) });
      bytes += line.length;
    }
    const manifestBody = Buffer.from(JSON.stringify(manifest));
    return {
      id,
      manifest,
      manifestBody: { body: manifestBody, etag: etagOf(manifestBody) },
      records,
      lines,
      bytes,
    };
  }
}
